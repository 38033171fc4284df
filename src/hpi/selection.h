// Which backend runs a model: the prior-knowledge table ∩ installed backends ∩ model format, overridden by
// the user's hpi_config. The plan keeps a reason for every choice and every rejection.
#pragma once
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "format/model_dir.h"
#include "hpi/prior_knowledge.h"
#include "hpocr/device.h"
#include "hpocr/options.h"

namespace hpocr::hpi {

struct PlanStep {
  std::string backend;
  nlohmann::json config = nlohmann::json::object();  ///< backend_config to build the engine with
  std::string reason;                                 ///< why this backend is (still) a candidate
  bool convert = false;                               ///< the Paddle model is converted to ONNX for it first
  bool use_paddle = false;                            ///< it reads the Paddle files beside the ONNX model
  nlohmann::json schedule = nlohmann::json::object(); ///< BackendChoice::schedule (with auto_config)
};

struct Rejection {
  std::string backend;
  std::string reason;
};

struct Plan {
  std::vector<PlanStep> steps;       ///< try in order
  std::vector<Rejection> rejected;   ///< left out, with the reason
  /// Multi-line human-readable form (used by `hpocr hpi-info` and the logs).
  std::string describe() const;
};

/// The plan for one model. Without enable_hpi: the plain default ONNX Runtime engine only.
Plan make_plan(const ModelDir& model, const Device& device, const HpiConfig& config, bool enable_hpi,
               const PriorKnowledge& knowledge = PriorKnowledge::builtin());

}  // namespace hpocr::hpi
