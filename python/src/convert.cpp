// Conversions between Python objects and the core's types (images, JSON, YAML, engine settings).
#include <climits>

#include "bindings.h"
#include "hpocr/error.h"

namespace hpocr::python {
namespace {

/// OpenCV depth of a NumPy dtype, or -1 when OpenCV has no matching depth.
int cv_depth(const py::dtype& dt) {
  const char kind = dt.kind();
  const auto size = dt.itemsize();
  if (kind == 'u' && size == 1) return CV_8U;
  if (kind == 'i' && size == 1) return CV_8S;
  if (kind == 'u' && size == 2) return CV_16U;
  if (kind == 'i' && size == 2) return CV_16S;
  if (kind == 'i' && size == 4) return CV_32S;
  if (kind == 'f' && size == 4) return CV_32F;
  if (kind == 'f' && size == 8) return CV_64F;
  return -1;
}

std::string shape_text(const py::array& a) {
  std::string s = "(";
  for (py::ssize_t i = 0; i < a.ndim(); ++i) {
    if (i) s += ", ";
    s += std::to_string(a.shape(i));
  }
  s += a.ndim() == 1 ? ",)" : ")";
  return s;
}

}  // namespace

void throw_bad_option(const py::handle& value, const std::string& key, const char* expected) {
  throw Error(ErrorCode::InvalidArgument, key + ": expected " + expected + ", got " + std::string(py::repr(value)));
}

cv::Mat array_to_mat(const py::handle& obj, const std::string& name) {
  const std::string what = name.empty() ? "image array" : name;
  auto fail = [&](const std::string& why) { throw Error(ErrorCode::InvalidInput, what + ": " + why); };
  if (!py::isinstance<py::array>(obj)) fail("expected a numpy.ndarray, got " + std::string(py::str(obj.get_type().attr("__name__"))));
  // A C-contiguous view, or a contiguous copy of strided/sliced arrays.
  py::array a = py::array::ensure(obj, py::array::c_style);
  if (!a) fail("cannot be read as a C-contiguous array");
  const int depth = cv_depth(a.dtype());
  if (depth < 0)
    fail("dtype " + std::string(py::str(a.dtype())) +
         " is not an image type (use uint8; uint16, int8, int16, int32, float32 and float64 are converted)");
  if (!a.dtype().attr("isnative").cast<bool>()) fail("byte order is not native; use arr.astype(arr.dtype.newbyteorder('='))");
  if (a.ndim() != 2 && a.ndim() != 3)
    fail("shape " + shape_text(a) + " is not an image: expected HxW (gray), HxWx3 (BGR) or HxWx4 (BGRA)");
  const py::ssize_t channels = a.ndim() == 2 ? 1 : a.shape(2);
  if (channels < 1 || channels > 4)
    fail("shape " + shape_text(a) + " has " + std::to_string(channels) + " channels: expected 1 (gray), 3 (BGR) or 4 (BGRA)");
  if (a.shape(0) == 0 || a.shape(1) == 0) fail("empty image, shape " + shape_text(a));
  if (a.shape(0) > INT_MAX / 16 || a.shape(1) > INT_MAX / 16) fail("shape " + shape_text(a) + " is too large");
  cv::Mat view(static_cast<int>(a.shape(0)), static_cast<int>(a.shape(1)), CV_MAKETYPE(depth, static_cast<int>(channels)),
               const_cast<void*>(a.data()));
  return view.clone();  // owned: the result keeps the image after the array is gone
}

py::array mat_to_array(const cv::Mat& image) {
  if (image.depth() != CV_8U) throw Error(ErrorCode::InvalidArgument, "internal: only 8-bit images convert to NumPy");
  std::vector<py::ssize_t> shape{image.rows, image.cols};
  if (image.channels() > 1) shape.push_back(image.channels());
  py::array_t<std::uint8_t> out(shape);
  cv::Mat target(image.rows, image.cols, image.type(), out.mutable_data());
  image.copyTo(target);
  return out;
}

nlohmann::json py_to_json(const py::handle& v, const std::string& where) {
  if (v.is_none()) return nullptr;
  if (py::isinstance<py::bool_>(v)) return v.cast<bool>();
  if (py::isinstance<py::int_>(v) || (!py::isinstance<py::float_>(v) && py::hasattr(v, "__index__"))) {
    try {
      return py::int_(py::reinterpret_borrow<py::object>(v)).cast<std::int64_t>();
    } catch (const py::cast_error&) {
      throw Error(ErrorCode::InvalidArgument, where + ": integer " + std::string(py::repr(v)) + " is out of range");
    }
  }
  if (py::isinstance<py::float_>(v)) return v.cast<double>();
  if (py::isinstance<py::str>(v)) return v.cast<std::string>();
  if (py::isinstance<py::dict>(v)) {
    nlohmann::json j = nlohmann::json::object();
    for (auto item : v.cast<py::dict>()) {
      if (!py::isinstance<py::str>(item.first))
        throw Error(ErrorCode::InvalidArgument, where + ": mapping keys must be strings, got " + std::string(py::repr(item.first)));
      std::string key = item.first.cast<std::string>();
      j[key] = py_to_json(item.second, where + "." + key);
    }
    return j;
  }
  if (py::isinstance<py::list>(v) || py::isinstance<py::tuple>(v)) {
    nlohmann::json j = nlohmann::json::array();
    for (auto item : v) j.push_back(py_to_json(item, where));
    return j;
  }
  throw Error(ErrorCode::InvalidArgument,
              where + ": unsupported value " + std::string(py::repr(v)) + " (use None, bool, int, float, str, list or dict)");
}

ParamValue param_from_py(const ParamSpec& spec, const py::handle& v) {
  const std::string key(spec.name);
  switch (spec.type) {
    case ParamType::Bool: return cast_option<bool>(v, key, "True or False");
    case ParamType::Int: return cast_option<std::int64_t>(v, key, "an integer");
    case ParamType::Float: return cast_option<double>(v, key, "a number");
    case ParamType::String:
    case ParamType::Path: return cast_option<std::string>(v, key, "a string");
    case ParamType::Mapping: return py_to_json(v, key);
  }
  throw_bad_option(v, key, "a known type");
}

py::object param_to_py(const ParamValue& value) {
  return std::visit(
      [](const auto& v) -> py::object {
        if constexpr (std::is_same_v<std::decay_t<decltype(v)>, nlohmann::json>)
          return py::module_::import("json").attr("loads")(v.dump());
        else return py::cast(v);
      },
      value);
}

OcrOptions engine_options_from(const py::dict& config) {
  ParamValues values;
  for (auto item : config) {
    const std::string key = py::str(item.first);
    const ParamSpec* spec = find_parameter(key);
    if (!spec || !is_engine_parameter(*spec)) throw Error(ErrorCode::InvalidArgument, "unknown engine option '" + key + "'");
    if (!item.second.is_none()) values.emplace_back(spec, param_from_py(*spec, item.second));
  }
  OcrOptions o;
  apply_params(o, values);  // table order: precision over hpi_config, as for the pipeline
  return o;
}

}  // namespace hpocr::python
