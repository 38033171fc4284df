#include <algorithm>
#include <cmath>
#include <cstdlib>

#include "hpocr/device.h"
#include "hpocr/error.h"
#include "hpocr/model_catalog.h"
#include "hpocr/options.h"
#include "hpocr/parameters.h"

namespace hpocr {

// Ranges live in the parameter table (src/core/parameters.cpp); what it cannot word is checked here.
void TextDetParams::validate() const {
  OcrOptions o;
  o.text_det = *this;
  for (const auto& spec : parameters())
    if (spec.module == role_name(ModelRole::TextDetection) && !is_model_selector(spec)) check_param(spec, spec.get(o));
}

void OcrOptions::validate() const {
  for (const auto& spec : parameters()) check_param(spec, spec.get(*this));
  Device::parse(device);
  check_ocr_version(ocr_version);
  hpi_config.validate();
  for (const auto& [name, config] : module_hpi_config) {
    const std::string& module = name;  // a structured binding cannot be captured by clang 14
    if (std::none_of(std::begin(kModelRoles), std::end(kModelRoles), [&](ModelRole r) { return role_name(r) == module; }))
      throw Error(ErrorCode::InvalidArgument, "module_hpi_config=" + module +
                                                  " is invalid: expected DocOrientationClassify, TextDetection, TextRecognition or TextLineOrientation");
    config.validate();
  }
}

void OcrOptions::set_precision(const std::string& precision) {
  hpi_config.set_precision(precision);
  for (auto& [module, config] : module_hpi_config) config.set_precision(precision);
}

std::string_view to_string(LimitType type) {
  switch (type) {
    case LimitType::Min: return "min";
    case LimitType::Max: return "max";
    case LimitType::ResizeLong: return "resize_long";
  }
  return "";
}

LimitType parse_limit_type(std::string_view name) {
  for (LimitType t : {LimitType::Min, LimitType::Max, LimitType::ResizeLong})
    if (to_string(t) == name) return t;
  throw Error(ErrorCode::InvalidArgument, "limit type '" + std::string(name) + "' is invalid: expected 'min', 'max' or 'resize_long'");
}

namespace {

/// The role table: what each stage's model is called where, and how it is switched.
struct RoleInfo {
  ModelRole role;
  std::string_view module, label, prefix;
  std::string_view yaml_path;                    ///< the module's section in a PaddleX pipeline YAML, dotted
  bool int8;                                     ///< INT8 versions are built for its models
  bool OcrOptions::*use;                         ///< its use_* switch; null: always used
};

const RoleInfo kRoles[] = {
    {ModelRole::DocOrientationClassify, "DocOrientationClassify", "document orientation", "doc_orientation_classify",
     "SubPipelines.DocPreprocessor.SubModules.DocOrientationClassify", false, &OcrOptions::use_doc_orientation_classify},
    {ModelRole::TextDetection, "TextDetection", "text detection", "text_detection", "SubModules.TextDetection", true, nullptr},
    {ModelRole::TextLineOrientation, "TextLineOrientation", "textline orientation", "textline_orientation",
     "SubModules.TextLineOrientation", true, &OcrOptions::use_textline_orientation},
    {ModelRole::TextRecognition, "TextRecognition", "text recognition", "text_recognition", "SubModules.TextRecognition", true, nullptr},
};

const RoleInfo& info(ModelRole role) {
  for (const auto& r : kRoles)
    if (r.role == role) return r;
  throw Error(ErrorCode::InvalidArgument, "unknown model role");
}

// One switch over the roles for both constnesses.
template <class Options>
auto& dir_field(Options& o, ModelRole role) {
  switch (role) {
    case ModelRole::DocOrientationClassify: return o.doc_orientation_classify_model_dir;
    case ModelRole::TextDetection: return o.text_detection_model_dir;
    case ModelRole::TextLineOrientation: return o.textline_orientation_model_dir;
    case ModelRole::TextRecognition: break;
  }
  return o.text_recognition_model_dir;
}
template <class Options>
auto& name_field(Options& o, ModelRole role) {
  switch (role) {
    case ModelRole::DocOrientationClassify: return o.doc_orientation_classify_model_name;
    case ModelRole::TextDetection: return o.text_detection_model_name;
    case ModelRole::TextLineOrientation: return o.textline_orientation_model_name;
    case ModelRole::TextRecognition: break;
  }
  return o.text_recognition_model_name;
}

}  // namespace

std::string_view role_name(ModelRole role) { return info(role).module; }
std::string_view role_label(ModelRole role) { return info(role).label; }
std::string param_prefix(ModelRole role) { return std::string(info(role).prefix); }
std::vector<std::string> role_yaml_path(ModelRole role) {
  std::vector<std::string> keys;
  const std::string_view path = info(role).yaml_path;
  for (size_t pos = 0; pos <= path.size();) {
    const size_t end = std::min(path.find('.', pos), path.size());
    keys.emplace_back(path.substr(pos, end - pos));
    pos = end + 1;
  }
  return keys;
}
bool role_used(const OcrOptions& o, ModelRole role) { return !info(role).use || o.*info(role).use; }
bool role_has_int8(ModelRole role) { return info(role).int8; }

std::filesystem::path& given_model_dir(OcrOptions& o, ModelRole role) { return dir_field(o, role); }
const std::filesystem::path& given_model_dir(const OcrOptions& o, ModelRole role) { return dir_field(o, role); }
std::string& given_model_name(OcrOptions& o, ModelRole role) { return name_field(o, role); }
const std::string& given_model_name(const OcrOptions& o, ModelRole role) { return name_field(o, role); }

std::filesystem::path model_dir(const OcrOptions& o, ModelRole role) { return choose_model(o, role).dir; }

std::filesystem::path hpocr_home() {
  if (const char* env = std::getenv("HPOCR_HOME"); env && *env) return env;
  const char* home = std::getenv("HOME");
  return std::filesystem::path(home && *home ? home : "/tmp") / ".cache" / "hpocr";
}

}  // namespace hpocr
