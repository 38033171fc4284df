// Shared pieces of the _hpocr extension: conversions between Python objects and the C++ core's types.
#pragma once
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>
#include <opencv2/core.hpp>
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include "hpocr/options.h"
#include "hpocr/parameters.h"

namespace hpocr::python {

namespace py = pybind11;

/// Copies a NumPy image (HxW, HxWx1, HxWx2, HxWx3 BGR, HxWx4 BGRA; uint8, int8, uint16, int16, int32, float32
/// or float64) into an owning cv::Mat. Must be called with the GIL held. Error(InvalidInput) naming `name`
/// for any other shape or dtype.
cv::Mat array_to_mat(const py::handle& array, const std::string& name);

/// Copies an 8-bit image into a new NumPy array (HxW or HxWxC, uint8).
py::array mat_to_array(const cv::Mat& image);

/// Converts None/bool/int/float/str/list/tuple/dict (string keys) to JSON; Error(InvalidArgument) naming
/// `where` for anything else.
nlohmann::json py_to_json(const py::handle& value, const std::string& where);

/// Error(InvalidArgument) "<key>: expected <expected>, got <repr of value>".
[[noreturn]] void throw_bad_option(const py::handle& value, const std::string& key, const char* expected);

/// Casts a Python value to T; Error(InvalidArgument) "<key>: expected <expected>, got <repr>" on mismatch.
template <class T>
T cast_option(const py::handle& value, const std::string& key, const char* expected) {
  try {
    return value.cast<T>();
  } catch (const py::cast_error&) {
    throw_bad_option(value, key, expected);
  }
}

/// The engine settings shared by every model: device, cpu_threads, enable_hpi, hpi_config (a PaddleX-style
/// mapping or None), precision; as pipeline options. Other keys give Error(InvalidArgument).
OcrOptions engine_options_from(const py::dict& config);

/// A Python value for a table parameter, by its type; Error(InvalidArgument) naming the parameter otherwise.
ParamValue param_from_py(const ParamSpec& spec, const py::handle& value);
/// A table value as the Python object of its type (floats as the double the field holds).
py::object param_to_py(const ParamValue& value);

/// Registers TextDetector, TextRecognizer and TextlineClassifier (the single-model classes).
void bind_models(py::module_& m);

}  // namespace hpocr::python
