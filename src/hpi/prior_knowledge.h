// The prior-knowledge table (src/hpi/prior_knowledge.yaml, compiled in; $HPOCR_PRIOR_KNOWLEDGE names a file
// that replaces it): for a model name and device type, the backends to try in order with their default
// backend_config.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

namespace hpocr::hpi {

struct BackendChoice {
  std::string backend;
  nlohmann::json config = nlohmann::json::object();
  /// How the model class drives this engine (e.g. the recogniser's batch_size, min_width, parallel_runs).
  nlohmann::json schedule = nlohmann::json::object();
};

class PriorKnowledge {
 public:
  /// The table in use: the built-in one, or the file named by $HPOCR_PRIOR_KNOWLEDGE.
  static const PriorKnowledge& builtin();
  /// A table from YAML text; Error(InvalidArgument) when malformed.
  static PriorKnowledge parse(std::string_view yaml);

  /// Preferred backends for `model_name` on `device_type` ("cpu" | "gpu"); the `default` entry for unknown models.
  std::vector<BackendChoice> preferred(std::string_view model_name, std::string_view device_type) const;
  /// True when the table has an entry of its own for the model (not the default).
  bool knows(std::string_view model_name) const;

 private:
  explicit PriorKnowledge(YAML::Node table) : table_(std::move(table)) {}
  YAML::Node table_;
};

}  // namespace hpocr::hpi
