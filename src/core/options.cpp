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
      throw Error(ErrorCode::InvalidArgument, "module_hpi_config=" + module + " is invalid: expected TextDetection, TextRecognition or TextLineOrientation");
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

/// What each role is called: PaddleX's module name and the words for messages.
struct RoleNames {
  std::string_view module, label;
};

const RoleNames& names_of(ModelRole role) {
  static const RoleNames detection{"TextDetection", "text detection"};
  static const RoleNames orientation{"TextLineOrientation", "textline orientation"};
  static const RoleNames recognition{"TextRecognition", "text recognition"};
  return role == ModelRole::TextDetection ? detection : role == ModelRole::TextLineOrientation ? orientation : recognition;
}

}  // namespace

std::string_view role_name(ModelRole role) { return names_of(role).module; }
std::string_view role_label(ModelRole role) { return names_of(role).label; }

namespace {
// One switch over the roles for both constnesses.
template <class Options>
auto& dir_field(Options& o, ModelRole role) {
  return role == ModelRole::TextDetection         ? o.text_detection_model_dir
         : role == ModelRole::TextLineOrientation ? o.textline_orientation_model_dir
                                                  : o.text_recognition_model_dir;
}
template <class Options>
auto& name_field(Options& o, ModelRole role) {
  return role == ModelRole::TextDetection         ? o.text_detection_model_name
         : role == ModelRole::TextLineOrientation ? o.textline_orientation_model_name
                                                  : o.text_recognition_model_name;
}
}  // namespace

std::string param_prefix(ModelRole role) {
  std::string s(role_label(role));
  std::replace(s.begin(), s.end(), ' ', '_');
  return s;
}

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
