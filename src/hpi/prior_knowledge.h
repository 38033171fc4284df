// The prior-knowledge table (src/hpi/prior_knowledge.yaml, compiled in; $HPOCR_PRIOR_KNOWLEDGE names a file
// that replaces it): for a model name and device type, the backends to try in order with their default
// backend_config. On CPU, the order comes from measurements where there are some for the model and this CPU
// class (src/hpi/prior_knowledge_measured.yaml, written by `hpocr benchmark --measure_prior_knowledge`;
// $HPOCR_PRIOR_KNOWLEDGE_MEASURED names a file that replaces it).
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

#include "hpocr/device.h"

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
  /// A table from YAML text, with optional measurements; Error(InvalidArgument) when malformed.
  static PriorKnowledge parse(std::string_view yaml, std::string_view measured_yaml = "");

  /// Preferred backends for `model_name` on `device_type` ("cpu" | "gpu"); the `default` entry for unknown models.
  /// On CPU, the backends measured for the model on `cpu_class` come first, fastest first.
  std::vector<BackendChoice> preferred(std::string_view model_name, std::string_view device_type,
                                       const std::string& cpu_class = hpocr::cpu_class()) const;
  /// "measured on cpu_<class>: openvino 41.2 ms, onnxruntime 55.0 ms" when the order was measured, else "".
  std::string measurement(std::string_view model_name, std::string_view device_type,
                          const std::string& cpu_class = hpocr::cpu_class()) const;
  /// True when the table has an entry of its own for the model (not the default).
  bool knows(std::string_view model_name) const;

 private:
  PriorKnowledge(YAML::Node table, YAML::Node measured) : table_(std::move(table)), measured_(std::move(measured)) {}
  /// The measured order of backends, fastest first, for the model on CPUs of that class (empty: none).
  YAML::Node measured_entry(std::string_view model_name, std::string_view device_type, const std::string& cpu_class) const;
  YAML::Node table_;
  YAML::Node measured_;
};

}  // namespace hpocr::hpi
