#include "hpi/prior_knowledge.h"

#include <cstdlib>

#include <yaml-cpp/yaml.h>

#include "format/model_dir.h"
#include "hpocr/error.h"

namespace hpocr::hpi {

extern const char* const kPriorKnowledgeYaml;

namespace {

const YAML::Node& table() {
  static const YAML::Node t = [] {
    const char* override_path = std::getenv("HPOCR_PRIOR_KNOWLEDGE");
    try {
      return override_path && *override_path ? YAML::LoadFile(override_path) : YAML::Load(kPriorKnowledgeYaml);
    } catch (const YAML::Exception& e) {
      throw Error(ErrorCode::InvalidArgument, std::string("prior-knowledge table ") +
                                                  (override_path ? override_path : "(built in)") + " is not valid YAML: " + e.what());
    }
  }();
  return t;
}

}  // namespace

bool is_known_model(std::string_view model_name) {
  return static_cast<bool>(yaml_at(table(), {"models", std::string(model_name).c_str()}));
}

std::vector<BackendChoice> preferred_backends(std::string_view model_name, std::string_view device_type) {
  const std::string name(model_name), device(device_type);
  YAML::Node list = yaml_at(table(), {"models", name.c_str(), device.c_str()});
  if (!list) list = yaml_at(table(), {"default", device.c_str()});
  if (!list) return {};
  if (!list.IsSequence()) throw Error(ErrorCode::InvalidArgument, "prior-knowledge table: entry for " + name + "/" + device + " must be a list");
  std::vector<BackendChoice> out;
  for (const auto& item : list) {
    YAML::Node backend = yaml_at(item, {"backend"});
    if (!backend || !backend.IsScalar())
      throw Error(ErrorCode::InvalidArgument, "prior-knowledge table: an entry for " + name + "/" + device + " has no backend");
    BackendChoice c{backend.Scalar(), nlohmann::json::object()};
    if (YAML::Node config = yaml_at(item, {"config"})) c.config = yaml_to_json(config);
    out.push_back(std::move(c));
  }
  return out;
}

}  // namespace hpocr::hpi
