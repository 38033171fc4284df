#include "hpi/prior_knowledge.h"

#include <cstdlib>
#include <fstream>
#include <iterator>

#include "format/model_dir.h"
#include "hpocr/error.h"

namespace hpocr::hpi {

extern const char* const kPriorKnowledgeYaml;

PriorKnowledge PriorKnowledge::parse(std::string_view yaml) {
  try {
    YAML::Node t = YAML::Load(std::string(yaml));
    if (!t.IsMap()) throw Error(ErrorCode::InvalidArgument, "prior-knowledge table must be a mapping with default/models");
    return PriorKnowledge(t);
  } catch (const YAML::Exception& e) {
    throw Error(ErrorCode::InvalidArgument, std::string("prior-knowledge table is not valid YAML: ") + e.what());
  }
}

const PriorKnowledge& PriorKnowledge::builtin() {
  static const PriorKnowledge table = [] {
    const char* path = std::getenv("HPOCR_PRIOR_KNOWLEDGE");
    if (!path || !*path) return parse(kPriorKnowledgeYaml);
    std::ifstream in(path);
    if (!in) throw Error(ErrorCode::InvalidArgument, std::string("HPOCR_PRIOR_KNOWLEDGE: cannot read ") + path);
    return parse(std::string(std::istreambuf_iterator<char>(in), {}));
  }();
  return table;
}

bool PriorKnowledge::knows(std::string_view model_name) const {
  return static_cast<bool>(yaml_at(table_, {"models", std::string(model_name).c_str()}));
}

std::vector<BackendChoice> PriorKnowledge::preferred(std::string_view model_name, std::string_view device_type) const {
  const std::string name(model_name), device(device_type);
  YAML::Node list = yaml_at(table_, {"models", name.c_str(), device.c_str()});
  if (!list) list = yaml_at(table_, {"default", device.c_str()});
  if (!list) return {};
  if (!list.IsSequence())
    throw Error(ErrorCode::InvalidArgument, "prior-knowledge table: entry for " + name + "/" + device + " must be a list");
  std::vector<BackendChoice> out;
  for (const auto& item : list) {
    YAML::Node backend = yaml_at(item, {"backend"});
    if (!backend || !backend.IsScalar())
      throw Error(ErrorCode::InvalidArgument, "prior-knowledge table: an entry for " + name + "/" + device + " has no backend");
    BackendChoice c{backend.Scalar(), nlohmann::json::object(), nlohmann::json::object()};
    if (YAML::Node config = yaml_at(item, {"config"})) c.config = yaml_to_json(config);
    if (YAML::Node schedule = yaml_at(item, {"schedule"})) c.schedule = yaml_to_json(schedule);
    out.push_back(std::move(c));
  }
  return out;
}

}  // namespace hpocr::hpi
