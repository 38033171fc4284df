// The prior-knowledge table (src/hpi/prior_knowledge.yaml, compiled in; $HPOCR_PRIOR_KNOWLEDGE overrides it):
// for a model name and device type, the backends to try in order with their default backend_config.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace hpocr::hpi {

struct BackendChoice {
  std::string backend;
  nlohmann::json config = nlohmann::json::object();
};

/// Preferred backends for `model_name` on `device_type` ("cpu" | "gpu"); the `default` entry for unknown models.
/// Throws Error(InvalidArgument) if the table itself is malformed.
std::vector<BackendChoice> preferred_backends(std::string_view model_name, std::string_view device_type);

/// True when the table has an entry of its own for the model (not the default).
bool is_known_model(std::string_view model_name);

}  // namespace hpocr::hpi
