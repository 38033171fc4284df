#include "hpocr/parameters.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "hpocr/error.h"
#include "hpocr/model_catalog.h"

namespace hpocr {
namespace {

using json = nlohmann::json;

// Field access for the table: values cross as ParamValue (int64 / double / string / bool / json).
template <typename T>
ParamValue to_value(const T& v) {
  if constexpr (std::is_same_v<T, bool>) return v;
  else if constexpr (std::is_integral_v<T>) return static_cast<std::int64_t>(v);
  else if constexpr (std::is_floating_point_v<T>) return static_cast<double>(v);
  else if constexpr (std::is_same_v<T, std::filesystem::path>) return v.string();
  else if constexpr (std::is_same_v<T, LimitType>) return std::string(to_string(v));
  else return std::string(v);
}

template <typename T>
T from_value(const ParamValue& v) {
  if constexpr (std::is_same_v<T, bool>) return std::get<bool>(v);
  else if constexpr (std::is_integral_v<T>) return static_cast<T>(std::get<std::int64_t>(v));
  else if constexpr (std::is_floating_point_v<T>) return static_cast<T>(std::get<double>(v));
  else if constexpr (std::is_same_v<T, LimitType>) return parse_limit_type(std::get<std::string>(v));
  else return T(std::get<std::string>(v));
}

template <auto Member>
ParamValue get_opt(const OcrOptions& o) { return to_value(o.*Member); }
template <auto Member>
void set_opt(OcrOptions& o, const ParamValue& v) { o.*Member = from_value<std::remove_reference_t<decltype(o.*Member)>>(v); }
template <auto Member>
ParamValue get_det(const OcrOptions& o) { return to_value(o.text_det.*Member); }
template <auto Member>
void set_det(OcrOptions& o, const ParamValue& v) {
  o.text_det.*Member = from_value<std::remove_reference_t<decltype(o.text_det.*Member)>>(v);
}

// Per-call copies into PredictParams (one per PredictParams field).
void call_det(const OcrOptions& o, PredictParams& p) { p.text_det = o.text_det; }
void call_score(const OcrOptions& o, PredictParams& p) { p.text_rec_score_thresh = o.text_rec_score_thresh; }
void call_orientation(const OcrOptions& o, PredictParams& p) { p.use_textline_orientation = o.use_textline_orientation; }
void call_word_box(const OcrOptions& o, PredictParams& p) { p.return_word_box = o.return_word_box; }
void call_doc_orientation(const OcrOptions& o, PredictParams& p) { p.use_doc_orientation_classify = o.use_doc_orientation_classify; }

// Features PaddleOCR has and hpocr lacks: always false.
ParamValue get_false(const OcrOptions&) { return false; }
void set_nothing(OcrOptions&, const ParamValue&) {}

ParamValue get_hpi_config(const OcrOptions& o) { return o.hpi_config.to_json(); }
void set_hpi_config(OcrOptions& o, const ParamValue& v) { o.hpi_config = HpiConfig::from_json(std::get<json>(v)); }
ParamValue get_precision(const OcrOptions& o) { return o.hpi_config.precision(); }
void set_precision(OcrOptions& o, const ParamValue& v) {
  if (const auto& s = std::get<std::string>(v); !s.empty()) o.set_precision(s);
}

constexpr std::string_view kLimitTypes[] = {"min", "max", "resize_long"};
constexpr std::string_view kPrecisions[] = {"", "fp32", "fp16", "int8"};
constexpr double kMaxFloat = 3.0e38;  // beyond float range a value means nothing for any parameter

using T = ParamType;
using S = ParamScope;

// The table. Ranges: `expected` words them for messages; min/max (and min_open) check them.
const ParamSpec kParams[] = {
    // Models.
    {"doc_orientation_classify_model_dir", T::Path, S::Init, "DocOrientationClassify", "model_dir",
     "Document orientation model directory", "", 0, 0, false, {}, "",
     get_opt<&OcrOptions::doc_orientation_classify_model_dir>, set_opt<&OcrOptions::doc_orientation_classify_model_dir>},
    {"doc_orientation_classify_model_name", T::String, S::Init, "DocOrientationClassify", "model_name",
     "Document orientation model by name; with doc_orientation_classify_model_dir, the name of the model there", "", 0, 0, false, {}, "",
     get_opt<&OcrOptions::doc_orientation_classify_model_name>, set_opt<&OcrOptions::doc_orientation_classify_model_name>},
    {"text_detection_model_dir", T::Path, S::Init, "TextDetection", "model_dir", "Text detection model directory",
     "", 0, 0, false, {}, "", get_opt<&OcrOptions::text_detection_model_dir>, set_opt<&OcrOptions::text_detection_model_dir>},
    {"text_recognition_model_dir", T::Path, S::Init, "TextRecognition", "model_dir", "Text recognition model directory",
     "", 0, 0, false, {}, "", get_opt<&OcrOptions::text_recognition_model_dir>, set_opt<&OcrOptions::text_recognition_model_dir>},
    {"textline_orientation_model_dir", T::Path, S::Init, "TextLineOrientation", "model_dir",
     "Textline orientation model directory", "", 0, 0, false, {}, "",
     get_opt<&OcrOptions::textline_orientation_model_dir>, set_opt<&OcrOptions::textline_orientation_model_dir>},
    {"text_detection_model_name", T::String, S::Init, "TextDetection", "model_name",
     "Text detection model by name (hpocr info lists the installed ones); with text_detection_model_dir, the name of the model there",
     "", 0, 0, false, {}, "", get_opt<&OcrOptions::text_detection_model_name>, set_opt<&OcrOptions::text_detection_model_name>},
    {"text_recognition_model_name", T::String, S::Init, "TextRecognition", "model_name",
     "Text recognition model by name; with text_recognition_model_dir, the name of the model there",
     "", 0, 0, false, {}, "", get_opt<&OcrOptions::text_recognition_model_name>, set_opt<&OcrOptions::text_recognition_model_name>},
    {"textline_orientation_model_name", T::String, S::Init, "TextLineOrientation", "model_name",
     "Textline orientation model by name; with textline_orientation_model_dir, the name of the model there",
     "", 0, 0, false, {}, "", get_opt<&OcrOptions::textline_orientation_model_name>, set_opt<&OcrOptions::textline_orientation_model_name>},
    {"ocr_version", T::String, S::Init, "", "ocr_version",
     "Model family: PP-OCRv4, PP-OCRv5 or PP-OCRv6 (ignored, as in PaddleOCR, once a detection or recognition model is named or given)",
     "", 0, 0, false, {}, "", get_opt<&OcrOptions::ocr_version>, set_opt<&OcrOptions::ocr_version>},
    {"lang", T::String, S::Init, "", "lang",
     "Language of the text (PaddleOCR codes: ch, en, fr, de, japan, korean, ...): picks the family's recogniser for it",
     "", 0, 0, false, {}, "", get_opt<&OcrOptions::lang>, set_opt<&OcrOptions::lang>},
    // Pipeline.
    {param_names::kUseDocOrientationClassify, T::Bool, S::PerCall, "", param_names::kUseDocOrientationClassify,
     "Turn the page upright (0/90/180/270) before detection; boxes are given in the turned page's coordinates",
     "", 0, 0, false, {}, "", get_opt<&OcrOptions::use_doc_orientation_classify>, set_opt<&OcrOptions::use_doc_orientation_classify>,
     call_doc_orientation},
    {"use_doc_unwarping", T::Bool, S::PerCall, "", "", "Document unwarping (not available yet; only False is accepted)",
     "", 0, 0, false, {}, "Document unwarping", get_false, set_nothing},
    {param_names::kUseTextlineOrientation, T::Bool, S::PerCall, "", param_names::kUseTextlineOrientation, "Classify text lines as 0/180 degrees and fix them",
     "", 0, 0, false, {}, "", get_opt<&OcrOptions::use_textline_orientation>, set_opt<&OcrOptions::use_textline_orientation>, call_orientation},
    {"text_det_limit_side_len", T::Int, S::PerCall, "TextDetection", "limit_side_len", "Side length limit for detection",
     "1..16384", 1, 16384, false, {}, "", get_det<&TextDetParams::limit_side_len>, set_det<&TextDetParams::limit_side_len>, call_det},
    {"text_det_limit_type", T::String, S::PerCall, "TextDetection", "limit_type",
     "min: upscale so the short side >= limit; max: downscale so the long side <= limit; resize_long",
     "'min', 'max' or 'resize_long'", 0, 0, false, kLimitTypes, "", get_det<&TextDetParams::limit_type>, set_det<&TextDetParams::limit_type>, call_det},
    {"text_det_thresh", T::Float, S::PerCall, "TextDetection", "thresh", "Pixel threshold of the DB map",
     "a number in [0, 1]", 0, 1, false, {}, "", get_det<&TextDetParams::thresh>, set_det<&TextDetParams::thresh>, call_det},
    {"text_det_max_side_limit", T::Int, S::Init, "TextDetection", "max_side_limit", "Cap on the detector input's long side",
     "32..16384", 32, 16384, false, {}, "", get_det<&TextDetParams::max_side_limit>, set_det<&TextDetParams::max_side_limit>},
    {"text_det_box_thresh", T::Float, S::PerCall, "TextDetection", "box_thresh", "Box score threshold",
     "a number in [0, 1]", 0, 1, false, {}, "", get_det<&TextDetParams::box_thresh>, set_det<&TextDetParams::box_thresh>, call_det},
    {"text_det_unclip_ratio", T::Float, S::PerCall, "TextDetection", "unclip_ratio", "Box expansion ratio",
     "a number in (0, 10]", 0, 10, true, {}, "", get_det<&TextDetParams::unclip_ratio>, set_det<&TextDetParams::unclip_ratio>, call_det},
    {"max_candidates", T::Int, S::Module, "TextDetection", "max_candidates", "Contours considered per image",
     "1..100000", 1, 100000, false, {}, "", get_det<&TextDetParams::max_candidates>, set_det<&TextDetParams::max_candidates>},
    {"text_rec_score_thresh", T::Float, S::PerCall, "TextRecognition", "score_thresh", "Drop texts scored below this",
     "a number in [0, 1]", 0, 1, false, {}, "", get_opt<&OcrOptions::text_rec_score_thresh>, set_opt<&OcrOptions::text_rec_score_thresh>, call_score},
    {"text_rec_space_thresh", T::Float, S::Init, "TextRecognition", "space_thresh",
     "hpocr only: CTC space-class probability from which a word gap the greedy decoding dropped is restored (0: off)",
     "a number in [0, 1]", 0, 1, false, {}, "", get_opt<&OcrOptions::text_rec_space_thresh>, set_opt<&OcrOptions::text_rec_space_thresh>},
    {"text_recognition_batch_size", T::Int, S::Init, "TextRecognition", "batch_size",
     "Recognition batch size; 0 = automatic (HPI's schedule with --enable_hpi True, else 6)", "0 (auto) .. 1024", 0, 1024, false, {}, "",
     get_opt<&OcrOptions::text_recognition_batch_size>, set_opt<&OcrOptions::text_recognition_batch_size>},
    {"textline_orientation_batch_size", T::Int, S::Init, "TextLineOrientation", "batch_size", "Orientation batch size",
     "1..1024", 1, 1024, false, {}, "", get_opt<&OcrOptions::textline_orientation_batch_size>, set_opt<&OcrOptions::textline_orientation_batch_size>},
    {"return_word_box", T::Bool, S::PerCall, "", "return_word_box", "Also give each line's words and their boxes (text_word, text_word_region)",
     "", 0, 0, false, {}, "", get_opt<&OcrOptions::return_word_box>, set_opt<&OcrOptions::return_word_box>, call_word_box},
    {"paddle_compat", T::Bool, S::Init, "", "paddle_compat",
     "PaddleOCR 3.x's exact behaviour: DB boxes as they are, tight recognition crops, no orientation check, plain CTC decoding (docs/accuracy.md)",
     "", 0, 0, false, {}, "", get_opt<&OcrOptions::paddle_compat>, set_opt<&OcrOptions::paddle_compat>},
    // Inference.
    {param_names::kDevice, T::String, S::Init, "", "", "cpu (gpu:N where a GPU backend is installed)",
     "", 0, 0, false, {}, "", get_opt<&OcrOptions::device>, set_opt<&OcrOptions::device>},
    {param_names::kEnableHpi, T::Bool, S::Init, "", "use_hpip", "High-performance inference: automatic backend choice and configuration",
     "", 0, 0, false, {}, "", get_opt<&OcrOptions::enable_hpi>, set_opt<&OcrOptions::enable_hpi>},
    {param_names::kHpiConfig, T::Mapping, S::Init, "", "", "HPI settings: {backend, backend_config, auto_config, auto_paddle2onnx}",
     "", 0, 0, false, {}, "", get_hpi_config, set_hpi_config},
    {param_names::kCpuThreads, T::Int, S::Init, "", "", "Inference threads per model, 0 = all cores",
     "0 (auto) .. 1024", 0, 1024, false, {}, "", get_opt<&OcrOptions::cpu_threads>, set_opt<&OcrOptions::cpu_threads>},
    {param_names::kPrecision, T::String, S::Init, "", "",
     "fp32, fp16 or int8 (int8: the models' INT8 versions, built on first use or by `hpocr quantize`, used where they "
     "passed the accuracy guard; default: automatic with enable_hpi, which uses INT8 on CPU where the guard passed and INT8 "
     "measured faster)",
     "fp32, fp16 or int8", 0, 0, false, kPrecisions, "", get_precision, set_precision},
    // Limits (hpocr only).
    {"max_image_pixels", T::Int, S::Init, "", "", "Refuse larger images (and PDF pages at 144 DPI) before decoding",
     "a positive pixel count", 1, 9.0e18, false, {}, "", get_opt<&OcrOptions::max_image_pixels>, set_opt<&OcrOptions::max_image_pixels>},
    {"max_pdf_pages", T::Int, S::Init, "", "", "Refuse PDFs with more pages (0: no limit)",
     "a page count >= 0 (0: no limit)", 0, std::numeric_limits<int>::max(), false, {}, "",
     get_opt<&OcrOptions::max_pdf_pages>, set_opt<&OcrOptions::max_pdf_pages>},
};

[[noreturn]] void invalid(const ParamSpec& spec, const std::string& shown, std::string_view expected) {
  throw Error(ErrorCode::InvalidArgument, std::string(spec.name) + "=" + shown + " is invalid: expected " + std::string(expected));
}

const char* kind_of(ParamType t) {
  switch (t) {
    case T::Bool: return "true or false";
    case T::Int: return "an integer";
    case T::Float: return "a number";
    case T::String: return "a string";
    case T::Path: return "a path";
    case T::Mapping: return "a mapping";
  }
  return "";
}

bool holds_type(const ParamSpec& spec, const ParamValue& v) {
  switch (spec.type) {
    case T::Bool: return std::holds_alternative<bool>(v);
    case T::Int: return std::holds_alternative<std::int64_t>(v);
    case T::Float: return std::holds_alternative<double>(v);
    case T::String:
    case T::Path: return std::holds_alternative<std::string>(v);
    case T::Mapping: return std::holds_alternative<json>(v);
  }
  return false;
}

}  // namespace

std::span<const ParamSpec> parameters() { return kParams; }

bool is_model_selector(const ParamSpec& spec) { return !spec.module.empty() && (spec.key == "model_dir" || spec.key == "model_name"); }

std::string describe_json_value(const json& v) {
  if (v.is_number_integer()) return "integer " + v.dump();
  if (v.is_number()) return "number " + v.dump();
  std::string shown = v.dump();
  if (shown.size() > 40) shown = shown.substr(0, 37) + "...";
  return std::string(v.type_name()) + " " + shown;
}

const ParamSpec* find_parameter(std::string_view name) {
  for (const auto& p : kParams)
    if (p.name == name) return &p;
  return nullptr;
}

const ParamSpec* find_module_parameter(std::string_view module, std::string_view key) {
  for (const auto& p : kParams)
    if (p.module == module && p.key == key && !key.empty()) return &p;
  return nullptr;
}

bool is_engine_parameter(const ParamSpec& spec) {
  static const ParamSpec* const engine[] = {find_parameter(param_names::kDevice), find_parameter(param_names::kEnableHpi),
                                            find_parameter(param_names::kHpiConfig), find_parameter(param_names::kCpuThreads),
                                            find_parameter(param_names::kPrecision)};
  return std::find(std::begin(engine), std::end(engine), &spec) != std::end(engine);
}

std::string camel_case(std::string_view name) {
  std::string out;
  bool upper = false;
  for (char c : name) {
    if (c == '_') {
      upper = true;
      continue;
    }
    out += upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
    upper = false;
  }
  return out;
}

std::optional<bool> bool_from_text(std::string_view text) {
  std::string l(text);
  std::transform(l.begin(), l.end(), l.begin(), [](unsigned char c) { return std::tolower(c); });
  if (l == "true" || l == "1" || l == "yes" || l == "on") return true;
  if (l == "false" || l == "0" || l == "no" || l == "off") return false;
  return std::nullopt;
}

ParamValue parse_param(const ParamSpec& spec, std::string_view text) {
  const std::string t(text);
  auto fail = [&](const char* what) -> ParamValue {
    throw Error(ErrorCode::InvalidArgument, std::string(spec.name) + ": '" + t + "' " + what);
  };
  switch (spec.type) {
    case T::Bool:
      if (auto b = bool_from_text(t)) return *b;
      return fail("is not a boolean (use True or False)");
    case T::Int: {
      std::int64_t v = 0;
      auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
      if (t.empty() || ec != std::errc() || end != t.data() + t.size()) return fail("is not an integer");
      return v;
    }
    case T::Float: {
      char* end = nullptr;
      double v = std::strtod(t.c_str(), &end);
      if (t.empty() || end != t.c_str() + t.size() || !std::isfinite(v) || std::fabs(v) > kMaxFloat) return fail("is not a number");
      return v;
    }
    case T::String:
    case T::Path: return t;
    case T::Mapping: break;
  }
  return fail("cannot be given as text");
}

ParamValue param_from_json(const ParamSpec& spec, const json& v, std::string_view shown_name) {
  auto wrong = [&]() -> ParamValue {
    throw Error(ErrorCode::InvalidArgument, std::string(shown_name) + " must be " + kind_of(spec.type) + ", got " + describe_json_value(v));
  };
  switch (spec.type) {
    case T::Bool:
      if (!v.is_boolean()) return wrong();
      return v.get<bool>();
    case T::Int: {
      // 64.0 is 64 (JSON does not tell them apart), 64.5 is not an integer.
      if (!v.is_number() || std::trunc(v.get<double>()) != v.get<double>()) return wrong();
      // Beyond the field's integer type (int unless the range says more) the value is meaningless.
      const double limit = spec.max > std::numeric_limits<int>::max() ? 9.0e18 : std::numeric_limits<int>::max();
      if (std::fabs(v.get<double>()) > limit)
        throw Error(ErrorCode::InvalidArgument, std::string(shown_name) + " is out of range: " + v.dump());
      return static_cast<std::int64_t>(v.get<double>());
    }
    case T::Float: {
      if (!v.is_number()) return wrong();
      double d = v.get<double>();
      if (!(std::fabs(d) <= kMaxFloat))
        throw Error(ErrorCode::InvalidArgument, std::string(shown_name) + " is out of range: " + fmt::format("{}", d));
      return d;
    }
    case T::String:
    case T::Path:
      if (!v.is_string()) return wrong();
      return v.get<std::string>();
    case T::Mapping:
      if (!v.is_object()) return wrong();
      return v;
  }
  return wrong();
}

json param_to_json(const ParamSpec& spec, const ParamValue& value) {
  return std::visit(
      [&](const auto& v) -> json {
        using V = std::decay_t<decltype(v)>;
        // The decimal the float was written as (0.3, not 0.30000001192092896), like PaddleOCR's JSON.
        if constexpr (std::is_same_v<V, double>)
          return spec.type == T::Float ? std::stod(fmt::format("{}", static_cast<float>(v))) : v;
        else return v;
      },
      value);
}

std::string param_text(const ParamSpec& spec, const ParamValue& value) {
  return std::visit(
      [&](const auto& v) -> std::string {
        using V = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<V, bool>) return v ? "True" : "False";
        else if constexpr (std::is_same_v<V, std::string>) return v;
        else if constexpr (std::is_same_v<V, json>) return v.dump();
        else if constexpr (std::is_same_v<V, double>) return spec.type == T::Float ? fmt::format("{}", static_cast<float>(v)) : fmt::format("{}", v);
        else return std::to_string(v);
      },
      value);
}

std::string default_text(const ParamSpec& spec, const OcrOptions& options) {
  std::string shown = param_text(spec, spec.get(options));
  if (!shown.empty()) return shown;
  if (spec.name == "ocr_version") return std::string(default_ocr_version());
  if (spec.name == "lang") return std::string(kDefaultLang);
  // An unset model name or dir: the model ocr_version and lang choose, under $HPOCR_HOME/models.
  if (spec.key == "model_dir") return "$HPOCR_HOME/models/<chosen model>";
  if (spec.key == "model_name") return "(by ocr_version and lang)";
  return shown;
}

void check_param(const ParamSpec& spec, const ParamValue& value) {
  if (!holds_type(spec, value))
    throw Error(ErrorCode::InvalidArgument, std::string(spec.name) + " must be " + kind_of(spec.type));
  if (!spec.unavailable.empty()) {
    if (std::get<bool>(value))
      throw Error(ErrorCode::InvalidArgument, std::string(spec.name) + ": " + std::string(spec.unavailable) +
                                                  " is not available in this build; use False");
    return;
  }
  if (spec.expected.empty()) return;
  if (!spec.choices.empty()) {
    const auto& s = std::get<std::string>(value);
    if (std::find(spec.choices.begin(), spec.choices.end(), s) == spec.choices.end()) invalid(spec, s, spec.expected);
  } else if (spec.type == T::Int) {
    const auto v = std::get<std::int64_t>(value);
    if (static_cast<double>(v) < spec.min || static_cast<double>(v) > spec.max) invalid(spec, std::to_string(v), spec.expected);
  } else if (spec.type == T::Float) {
    const auto v = std::get<double>(value);
    const bool below = spec.min_open ? !(v > spec.min) : !(v >= spec.min);
    if (!std::isfinite(v) || below || !(v <= spec.max)) invalid(spec, std::to_string(v), spec.expected);
  }
}

void set_param(OcrOptions& options, const ParamSpec& spec, const ParamValue& value) {
  check_param(spec, value);
  spec.set(options, value);
}

void apply_params(OcrOptions& options, const ParamValues& values) {
  for (const auto& spec : kParams)
    for (const auto& [s, v] : values)
      if (s == &spec) set_param(options, spec, v);
}

PredictParams predict_params(const OcrOptions& base, const ParamValues& values) {
  OcrOptions effective = base;
  PredictParams p;
  for (const auto& spec : kParams) {
    for (const auto& [s, v] : values) {
      if (s != &spec) continue;
      if (spec.scope != S::PerCall)
        throw Error(ErrorCode::InvalidArgument, std::string(spec.name) + " is set when the pipeline is created, not per call");
      set_param(effective, spec, v);
      if (spec.to_call) spec.to_call(effective, p);
    }
  }
  return p;
}

json options_to_json(const OcrOptions& options) {
  json j = json::object();
  for (const auto& spec : kParams)
    if (spec.scope != S::Module && spec.unavailable.empty()) j[std::string(spec.name)] = param_to_json(spec, spec.get(options));
  return j;
}

nlohmann::ordered_json text_det_params_json(const TextDetParams& params) {
  OcrOptions o;
  o.text_det = params;
  nlohmann::ordered_json j = nlohmann::ordered_json::object();
  for (const auto& spec : kParams)
    if (spec.module == "TextDetection" && spec.scope != S::Module && !is_model_selector(spec))
      j[std::string(spec.key)] = param_to_json(spec, spec.get(o));
  return j;
}

std::string parameters_markdown() {
  static const char* const kTypes[] = {"bool", "int", "float", "str", "path", "mapping"};
  const OcrOptions defaults;
  std::string md = "| name | type | default | accepted | per call | YAML | server field | meaning |\n|---|---|---|---|---|---|---|---|\n";
  for (const auto& spec : kParams) {
    if (spec.scope == S::Module) continue;
    const std::string yaml = spec.key.empty()      ? std::string()
                             : spec.module.empty() ? std::string(spec.key)
                                                   : fmt::format("SubModules.{}.{}", spec.module, spec.key);
    auto code = [](std::string_view s) { return s.empty() ? std::string() : fmt::format("`{}`", s); };
    const std::string shown = default_text(spec, defaults);
    const std::string_view accepted = !spec.unavailable.empty() ? "False only" : spec.expected.empty() ? "any" : spec.expected;
    const bool per_call = spec.scope == S::PerCall;
    md += fmt::format("| `{}` | {} | {} | {} | {} | {} | {} | {} |\n", spec.name, kTypes[static_cast<int>(spec.type)],
                      shown.empty() ? "(none)" : code(shown), accepted, per_call ? "yes" : "", code(yaml),
                      per_call ? code(camel_case(spec.name)) : "", spec.help);
  }
  return md;
}

}  // namespace hpocr
