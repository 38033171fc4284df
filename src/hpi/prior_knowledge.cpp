#include "hpi/prior_knowledge.h"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <iterator>

#include "format/model_dir.h"
#include "hpocr/error.h"

namespace hpocr::hpi {

extern const char* const kPriorKnowledgeYaml;
extern const char* const kMeasuredPriorKnowledgeYaml;

namespace {

YAML::Node load_yaml(std::string_view text, const char* what) {
  try {
    return YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {
    throw Error(ErrorCode::InvalidArgument, std::string(what) + " is not valid YAML: " + e.what());
  }
}

/// The file named by `env`, or `builtin` when the variable is unset.
std::string table_text(const char* env, const char* builtin) {
  const char* path = std::getenv(env);
  if (!path || !*path) return builtin;
  std::ifstream in(path);
  if (!in) throw Error(ErrorCode::InvalidArgument, std::string(env) + ": cannot read " + path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

}  // namespace

PriorKnowledge PriorKnowledge::parse(std::string_view yaml, std::string_view measured_yaml) {
  YAML::Node t = load_yaml(yaml, "prior-knowledge table");
  if (!t.IsMap()) throw Error(ErrorCode::InvalidArgument, "prior-knowledge table must be a mapping with default/models");
  YAML::Node m = load_yaml(measured_yaml, "measured prior-knowledge table");
  if (!m.IsNull() && !(m.IsMap() && (!m["measured"] || m["measured"].IsMap())))
    throw Error(ErrorCode::InvalidArgument, "measured prior-knowledge table must be a mapping with `measured: {model: {cpu_<class>: ...}}`");
  return PriorKnowledge(t, m);
}

const PriorKnowledge& PriorKnowledge::builtin() {
  static const PriorKnowledge table = parse(table_text("HPOCR_PRIOR_KNOWLEDGE", kPriorKnowledgeYaml),
                                            table_text("HPOCR_PRIOR_KNOWLEDGE_MEASURED", kMeasuredPriorKnowledgeYaml));
  return table;
}

YAML::Node PriorKnowledge::measured_entry(std::string_view model_name, std::string_view device_type,
                                          const std::string& cpu_class) const {
  if (device_type != "cpu" || !measured_.IsMap()) return {};
  const std::string name(model_name), key = "cpu_" + cpu_class;
  YAML::Node entry = yaml_at(measured_, {"measured", name.c_str(), key.c_str()});
  YAML::Node order = entry ? yaml_at(entry, {"order"}) : YAML::Node();
  if (entry && (!order || !order.IsSequence()))
    throw Error(ErrorCode::InvalidArgument, "measured prior-knowledge table: " + name + "/" + key + " needs an `order` list");
  return entry;
}

std::string PriorKnowledge::measurement(std::string_view model_name, std::string_view device_type,
                                        const std::string& cpu_class) const {
  YAML::Node entry = measured_entry(model_name, device_type, cpu_class);
  if (!entry) return "";
  std::string out = "measured on cpu_" + cpu_class + ":";
  for (const auto& b : entry["order"]) {
    YAML::Node ms = yaml_at(entry, {"ms", b.Scalar().c_str()});
    out += " " + b.Scalar() + (ms && ms.IsScalar() ? " " + ms.Scalar() + " ms" : "") + ",";
  }
  out.pop_back();
  return out;
}

bool PriorKnowledge::knows(std::string_view model_name) const {
  return static_cast<bool>(yaml_at(table_, {"models", std::string(model_name).c_str()}));
}

std::vector<BackendChoice> PriorKnowledge::preferred(std::string_view model_name, std::string_view device_type,
                                                     const std::string& cpu_class) const {
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
  // Measured backends first, fastest first; the others keep the table's order after them.
  if (YAML::Node entry = measured_entry(model_name, device_type, cpu_class)) {
    std::vector<BackendChoice> ordered;
    for (const auto& b : entry["order"]) {
      auto it = std::find_if(out.begin(), out.end(), [&](const BackendChoice& c) { return c.backend == b.Scalar(); });
      if (it != out.end()) ordered.push_back(std::move(*it)), out.erase(it);
    }
    for (auto& c : out) ordered.push_back(std::move(c));
    out = std::move(ordered);
  }
  return out;
}

}  // namespace hpocr::hpi
