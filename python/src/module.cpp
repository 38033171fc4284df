// _hpocr: the native core of the hpocr Python package (python/hpocr). Use it through `import hpocr`.
// Inference runs with the GIL released; one Pipeline serves any number of Python threads.
#include <filesystem>

#include <opencv2/imgcodecs.hpp>
#include <pybind11/stl.h>

#include "bindings.h"
#include "hpocr/error.h"
#include "hpocr/image_decode.h"
#include "hpocr/logging.h"
#include "hpocr/model_catalog.h"
#include "hpocr/models.h"
#include "hpocr/parameters.h"
#include "hpocr/pdf_document.h"
#include "hpocr/pipeline.h"
#include "hpocr/pipeline_config.h"
#include "hpocr/result_io.h"
#include "hpocr/sample_page.h"
#include "hpocr/text_metrics.h"
#include "hpocr/version.h"

namespace fs = std::filesystem;

namespace hpocr::python {
namespace {

// Python exception class per Error category, installed by hpocr/errors.py. Deliberately never freed: the
// translator may still run while the interpreter shuts down.
py::dict* g_error_classes = nullptr;

void translate_error(std::exception_ptr p) {
  try {
    if (p) std::rethrow_exception(p);
  } catch (const Error& e) {
    PyObject* cls = PyExc_RuntimeError;
    if (g_error_classes) {
      py::str key{std::string(e.category())};
      if (g_error_classes->contains(key)) cls = (*g_error_classes)[key].ptr();
    }
    PyErr_SetString(cls, e.what());
  }
}

/// The non-None entries of `d` as table parameters; per-call ones only when `per_call`.
ParamValues params_from_py(const py::dict& d, bool per_call) {
  ParamValues values;
  for (auto item : d) {
    const std::string key = py::str(item.first);
    if (item.second.is_none()) continue;
    const ParamSpec* spec = find_parameter(key);
    if (!spec || spec->scope == ParamScope::Module || (per_call && spec->scope != ParamScope::PerCall))
      throw Error(ErrorCode::InvalidArgument, std::string(per_call ? "unknown predict() option '" : "unknown pipeline option '") + key + "'");
    values.emplace_back(spec, param_from_py(*spec, item.second));
  }
  return values;
}

/// The pipeline options: the PaddleX-style config file (if any) first, then the non-None `overrides`
/// (PaddleOCR names), which win over it, exactly as the CLI's --paddlex_config and flags; validated.
OcrOptions resolve_options(const std::string& config_file, const py::dict& overrides) {
  OcrOptions o;
  if (!config_file.empty()) apply_pipeline_config(config_file, o);
  apply_params(o, params_from_py(overrides, false));
  o.validate();
  return o;
}

/// The effective options as JSON text (PaddleOCR names; model dirs resolved to the defaults when unset).
std::string options_json(const OcrOptions& o) {
  nlohmann::json j = options_to_json(o);
  for (const ParamSpec& spec : parameters())  // the model dirs
    if (spec.type == ParamType::Path)
      for (ModelRole role : kModelRoles)
        if (role_name(role) == spec.module) j[std::string(spec.name)] = model_dir(o, role).string();
  nlohmann::json modules = nlohmann::json::object();
  for (const auto& [module, config] : o.module_hpi_config) modules[module] = config.to_json();
  j["module_hpi_config"] = modules;
  return j.dump();
}

/// One image's OCR result, kept whole for the JSON and the visualisation.
struct Result {
  OcrResult r;

  std::string json_text() const { return to_json(r).dump(); }

  py::dict timings() const {
    const StageTimings& t = r.timings;
    py::dict d;
    for (auto [name, ms] : {std::pair{"decode", t.decode}, {"doc_ori", t.doc_ori}, {"det_pre", t.det_pre}, {"det_infer", t.det_infer},
                            {"det_post", t.det_post}, {"crop", t.crop}, {"cls", t.cls}, {"rec_pre", t.rec_pre},
                            {"rec_infer", t.rec_infer}, {"rec_post", t.rec_post}, {"total", t.total}})
      d[name] = ms;
    return d;
  }

  py::array visualization() const {
    cv::Mat vis;
    {
      py::gil_scoped_release nogil;
      vis = render_visualization(r, find_font());
    }
    return mat_to_array(vis);
  }

  /// Writes the visualisation to exactly `path` (parent directories created). Error(Io) on failure.
  void save_visualization(const std::string& path) const {
    py::gil_scoped_release nogil;
    const fs::path out(path);
    std::error_code ec;
    if (out.has_parent_path()) fs::create_directories(out.parent_path(), ec);
    if (ec) throw Error(ErrorCode::Io, "cannot create output directory '" + out.parent_path().string() + "': " + ec.message());
    write_image_file(path, render_visualization(r, find_font()));
  }
};

/// The OCR pipeline; every predict_* releases the GIL while it runs.
/// The results `run` passes to its page sink, in order.
template <class Run>
std::vector<Result> collect(Run&& run) {
  std::vector<Result> out;
  run([&](OcrResult&& r) { out.push_back({std::move(r)}); });
  return out;
}

class Pipeline {
 public:
  Pipeline(const std::string& config_file, const py::dict& overrides) {
    OcrOptions o = resolve_options(config_file, overrides);
    py::gil_scoped_release nogil;
    pipeline_ = std::make_unique<OcrPipeline>(std::move(o));
  }

  /// One result per image, or per page of a PDF.
  std::vector<Result> predict_path(const std::string& path, const py::dict& params) const {
    PredictParams p = predict_params(params);
    py::gil_scoped_release nogil;
    return collect([&](const OcrPipeline::PageSink& sink) { pipeline_->predict_document(path, sink, p); });
  }

  Result predict_array(const py::handle& array, const std::string& name, const py::dict& params) const {
    PredictParams p = predict_params(params);
    cv::Mat image = array_to_mat(array, name.empty() ? "image array" : name);  // a copy, taken with the GIL held
    py::gil_scoped_release nogil;
    return {pipeline_->predict(image, name, p)};
  }

  std::vector<Result> predict_bytes(const py::bytes& data, const std::string& name, const py::dict& params) const {
    PredictParams pp = predict_params(params);
    char* p = nullptr;
    py::ssize_t size = 0;
    if (PyBytes_AsStringAndSize(data.ptr(), &p, &size) != 0) throw py::error_already_set();
    // `data` is immutable and referenced by the caller for the whole call.
    py::gil_scoped_release nogil;
    std::span<const unsigned char> bytes{reinterpret_cast<const unsigned char*>(p), static_cast<size_t>(size)};
    return collect([&](const OcrPipeline::PageSink& sink) { pipeline_->predict_document_bytes(bytes, name, sink, pp); });
  }

  std::string describe() const { return pipeline_->describe(); }
  std::string options() const { return options_json(pipeline_->options()); }

 private:
  /// PaddleOCR's per-call predict() arguments (already type-checked in Python); absent or None = unchanged.
  PredictParams predict_params(const py::dict& d) const { return hpocr::predict_params(pipeline_->options(), params_from_py(d, true)); }

  std::unique_ptr<OcrPipeline> pipeline_;
};

py::array render_text_lines(const std::vector<std::string>& lines, int font_px, const std::string& font) {
  if (font_px < 4 || font_px > 512) throw Error(ErrorCode::InvalidArgument, "font_px must be in 4..512");
  fs::path font_path = font.empty() ? find_font() : fs::path(font);
  if (font_path.empty()) throw Error(ErrorCode::Io, "no font found; install fonts-noto-cjk or set HPOCR_FONT");
  cv::Mat image;
  {
    py::gil_scoped_release nogil;
    PageStyle style;
    style.font_px = font_px;
    image = render_lines(lines, TextRenderer(font_path), style).image;
  }
  return mat_to_array(image);
}

void write_image(const std::string& path, const py::handle& array) {
  write_image_file(path, array_to_mat(array, "image array"));
}

py::array read_image(const std::string& path, std::int64_t max_pixels) {
  cv::Mat image;
  {
    py::gil_scoped_release nogil;
    auto bytes = read_file(path);
    image = decode_image(bytes, max_pixels, path);
  }
  return mat_to_array(image);
}

}  // namespace
}  // namespace hpocr::python

PYBIND11_MODULE(_hpocr, m) {
  using namespace hpocr;
  using namespace hpocr::python;
  m.doc() = "Native core of the hpocr package (C++ OCR pipeline). Use `import hpocr` instead of this module.";
  m.attr("__version__") = kVersion;
  py::register_exception_translator(&translate_error);

  m.def(
      "_set_error_classes",
      [](const py::dict& classes) {
        if (!g_error_classes) g_error_classes = new py::dict();
        *g_error_classes = classes;
      },
      "Installs the exception class raised for each hpocr error category (called by hpocr.errors).");
  m.def("hpocr_home", [] { return hpocr_home().string(); }, "$HPOCR_HOME, else ~/.cache/hpocr.");
  m.attr("DEFAULT_MODELS") = py::dict(py::arg("text_detection") = default_model_name(ModelRole::TextDetection),
                                      py::arg("text_recognition") = default_model_name(ModelRole::TextRecognition),
                                      py::arg("textline_orientation") = default_model_name(ModelRole::TextLineOrientation));
  m.def(
      "model_name",
      [](const std::string& dir, const std::string& role) { return read_model_name(dir, role); },
      py::arg("model_dir"), py::arg("role"), "Global.model_name of a model directory (Error ModelFormat if unusable).");
  m.def(
      "set_log_level", [](const std::string& level) { log::set_level(level); }, py::arg("level"),
      "Native log level: trace, debug, info, warning (default), error, off.");
  m.def("find_font", [] { return find_font().string(); }, "Font used for visualisations ('' when none is installed).");
  m.def("_looks_like_pdf", [](const py::bytes& head) {
    std::string_view s = head;
    return looks_like_pdf({reinterpret_cast<const unsigned char*>(s.data()), s.size()});
  }, py::arg("head"), "True when the bytes (a file's first KiB is enough) are read as a PDF, by the core's rule.");
  m.def("_edit_distance", &edit_distance, py::arg("a"), py::arg("b"),
        "Levenshtein distance over the Unicode code points of two strings (the benchmark's accuracy measure).");
  m.def(
      "parameters",
      [] {
        static const char* const kTypes[] = {"bool", "int", "float", "str", "path", "dict"};
        static const char* const kScopes[] = {"init", "per_call", "module"};
        py::list out;
        for (const ParamSpec& spec : parameters())
          out.append(py::dict(py::arg("name") = spec.name, py::arg("type") = kTypes[static_cast<int>(spec.type)],
                              py::arg("scope") = kScopes[static_cast<int>(spec.scope)], py::arg("module") = spec.module,
                              py::arg("key") = spec.key, py::arg("unavailable") = spec.unavailable, py::arg("engine") = is_engine_parameter(spec),
                              py::arg("selector") = is_model_selector(spec),
                              py::arg("default") = param_to_py(spec.get(OcrOptions{})), py::arg("help") = spec.help));
        return out;
      },
      "The parameter table (docs/parameters.md): name, type, scope (init, per_call, module), module, key, ...");
  m.def(
      "resolve_options",
      [](const std::string& config_file, const py::dict& overrides) { return options_json(resolve_options(config_file, overrides)); },
      py::arg("config_file"), py::arg("overrides"),
      "Effective, validated pipeline options (JSON text): the PaddleX-style config file, then the overrides.");
  m.def(
      "parse_hpi_config", [](const std::string& text_or_path) { return parse_hpi_config(text_or_path).to_json().dump(); },
      py::arg("text_or_path"),
      "HPI settings given as on the CLI (JSON/YAML text or a file), validated, as JSON text for PaddleOCR.");
  m.def("_render_lines", &render_text_lines, py::arg("lines"), py::arg("font_px") = 32, py::arg("font") = "",
        "Renders one line of text per entry (black on white, BGR uint8), for tests and demos.");
  m.def("_write_image", &write_image, py::arg("path"), py::arg("image"), "Encodes an array to an image file (format from the extension).");
  m.def("_read_image", &read_image, py::arg("path"), py::arg("max_pixels") = kDefaultMaxImagePixels,
        "Reads and decodes an image file to BGR uint8, with hpocr's input checks.");

  py::class_<Result>(m, "Result", "One image's OCR result (use hpocr.OCRResult).")
      .def("json_text", &Result::json_text, "The result as the CLI's JSON (compact).")
      .def_property_readonly("input_path", [](const Result& r) { return r.r.input_path; })
      .def("timings", &Result::timings, "Milliseconds per stage.")
      .def("image", [](const Result& r) { return mat_to_array(r.r.image); }, "The decoded input (BGR uint8).")
      .def("output_stem", [](const Result& r) { return output_stem(r.r); }, "File stem for outputs: the input's stem or 'image'.")
      .def("visualization", &Result::visualization, "Boxes on the image beside the recognised texts (BGR uint8).")
      .def("save_visualization", &Result::save_visualization, py::arg("path"), "Writes the visualisation to `path`.");

  py::class_<Pipeline>(m, "Pipeline", "The OCR pipeline (use hpocr.PaddleOCR).")
      .def(py::init<const std::string&, const py::dict&>(), py::arg("config_file"), py::arg("overrides"))
      .def("predict_path", &Pipeline::predict_path, py::arg("path"), py::arg("params") = py::dict())
      .def("predict_array", &Pipeline::predict_array, py::arg("image"), py::arg("name") = "", py::arg("params") = py::dict())
      .def("predict_bytes", &Pipeline::predict_bytes, py::arg("data"), py::arg("name") = "", py::arg("params") = py::dict())
      .def("describe", &Pipeline::describe, "One line per model: name, directory, backend settings.")
      .def("options", &Pipeline::options, "The effective options (JSON text).");

  bind_models(m);
}
