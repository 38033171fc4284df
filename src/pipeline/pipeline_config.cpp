#include "hpocr/pipeline_config.h"

#include <algorithm>

#include <yaml-cpp/yaml.h>

#include "format/model_dir.h"
#include "hpocr/error.h"
#include "hpocr/logging.h"
#include "hpocr/parameters.h"

namespace fs = std::filesystem;

namespace hpocr {
namespace {

[[noreturn]] void bad(const fs::path& file, const std::string& key, const std::string& why) {
  throw Error(ErrorCode::InvalidArgument, "pipeline config " + file.string() + ": " + key + " " + why);
}

/// One table parameter from its YAML key (relative model_dir values are relative to the file).
void read_param(const fs::path& file, const YAML::Node& section, const std::string& prefix, const ParamSpec& spec, OcrOptions& o) {
  const std::string key(spec.key);
  YAML::Node v = yaml_at(section, {key.c_str()});
  if (!v || v.IsNull()) return;
  if (!v.IsScalar()) bad(file, prefix + std::string(spec.key), "has the wrong type");
  ParamValue value;
  try {
    value = parse_param(spec, v.Scalar());
  } catch (const Error&) {
    bad(file, prefix + std::string(spec.key), "has the wrong type");
  }
  if (spec.type == ParamType::Path) {
    const fs::path dir(std::get<std::string>(value));
    if (dir.empty()) return;
    value = (dir.is_absolute() ? dir : file.parent_path() / dir).string();
  }
  try {
    set_param(o, spec, value);
  } catch (const Error& e) {
    throw Error(ErrorCode::InvalidArgument, "pipeline config " + file.string() + ": " + e.what());
  }
}

void read_hpi(const YAML::Node& section, const char* module, OcrOptions& o) {
  if (YAML::Node h = yaml_at(section, {param_names::kHpiConfig})) {
    HpiConfig c = HpiConfig::from_json(yaml_to_json(h));
    if (module) o.module_hpi_config[module] = c;
    else o.hpi_config = c;
  }
}

/// The node at `path` under `root` (null when absent).
YAML::Node yaml_path(const YAML::Node& root, const std::vector<std::string>& path) {
  YAML::Node node = root;
  // reset() rebinds; operator= would write into the node it refers to (root itself at first).
  for (const auto& key : path) node.reset(yaml_at(node, {key.c_str()}));
  return node;
}

std::string dotted(const std::vector<std::string>& path) {
  std::string out;
  for (const auto& key : path) out += key + ".";
  return out;
}

void warn_unknown(const fs::path& file, const YAML::Node& section, const std::string& prefix,
                  const std::vector<std::string>& known) {
  if (!section.IsMap()) return;
  for (const auto& kv : section) {
    if (!kv.first.IsScalar())  // a list or map used as a key (YAML allows it; no setting is named so)
      throw Error(ErrorCode::InvalidArgument, "pipeline config " + file.string() + ": " + (prefix.empty() ? "the top level" : prefix) +
                                                  " has a key that is not a name (a list or map)");
    std::string k = kv.first.as<std::string>();
    if (std::find(known.begin(), known.end(), k) == known.end())
      log::warn("pipeline config: {}{} is not used by hpocr", prefix, k);
  }
}

}  // namespace

void apply_pipeline_config(const fs::path& file, OcrOptions& o) {
  YAML::Node root;
  try {
    root = YAML::LoadFile(file.string());
  } catch (const YAML::BadFile&) {
    throw Error(ErrorCode::InvalidArgument, "pipeline config " + file.string() + ": cannot read the file");
  } catch (const YAML::Exception& e) {
    throw Error(ErrorCode::InvalidArgument, "pipeline config " + file.string() + ": not valid YAML: " + e.what());
  }
  if (!root.IsMap()) bad(file, "(top level)", "must be a mapping");
  std::vector<std::string> top_keys = {"pipeline_name", "text_type", "use_doc_preprocessor", param_names::kHpiConfig, "SubModules", "SubPipelines"};
  for (const ParamSpec& spec : parameters()) {
    if (spec.key.empty() || spec.scope == ParamScope::Module) continue;
    if (spec.module.empty()) {
      read_param(file, root, "", spec, o);
      top_keys.emplace_back(spec.key);
    } else {
      for (ModelRole role : kModelRoles)
        if (role_name(role) == spec.module)
          read_param(file, yaml_path(root, role_yaml_path(role)), dotted(role_yaml_path(role)), spec, o);
    }
  }
  // PaddleX's document preprocessor: its switch under SubPipelines.DocPreprocessor, all of it off with
  // use_doc_preprocessor: False.
  const YAML::Node doc = yaml_at(root, {"SubPipelines", "DocPreprocessor"});
  if (const ParamSpec* spec = find_parameter(param_names::kUseDocOrientationClassify))
    read_param(file, doc, "SubPipelines.DocPreprocessor.", *spec, o);
  if (YAML::Node use = yaml_at(root, {"use_doc_preprocessor"}); use && use.IsScalar() && bool_from_text(use.Scalar()) == false)
    o.use_doc_orientation_classify = false;
  warn_unknown(file, root, "", top_keys);
  read_hpi(root, nullptr, o);
  for (ModelRole role : kModelRoles) {
    const std::string module(role_name(role));
    read_hpi(yaml_path(root, role_yaml_path(role)), module.c_str(), o);
  }
}

HpiConfig parse_hpi_config(const std::string& text_or_path) {
  YAML::Node node;
  try {
    std::error_code ec;
    node = fs::is_regular_file(text_or_path, ec) ? YAML::LoadFile(text_or_path) : YAML::Load(text_or_path);
  } catch (const YAML::Exception& e) {
    throw Error(ErrorCode::InvalidArgument, std::string(param_names::kHpiConfig) +
                                                " is neither a readable file nor a valid JSON/YAML mapping: " + e.what());
  }
  return HpiConfig::from_json(yaml_to_json(node));
}

}  // namespace hpocr
