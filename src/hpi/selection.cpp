#include "hpi/selection.h"

#include <algorithm>

#include "backend/backend.h"
#include "hpocr/parameters.h"

namespace hpocr::hpi {

std::string Plan::describe() const {
  std::string out;
  for (size_t i = 0; i < steps.size(); ++i)
    out += "  " + std::to_string(i + 1) + ". " + steps[i].backend + " " + steps[i].config.dump() + " (" + steps[i].reason + ")\n";
  for (const auto& r : rejected) out += "  -  " + r.backend + ": " + r.reason + "\n";
  if (steps.empty()) out += "  (no usable backend)\n";
  return out;
}

Plan make_plan(const ModelDir& model, const Device& device, const HpiConfig& config, bool enable_hpi,
               const PriorKnowledge& knowledge) {
  Plan plan;
  const bool paddle = model.format != ModelFormat::Onnx;
  if (!enable_hpi) {
    plan.steps.push_back({std::string(reference_backend().name()), nlohmann::json::object(),
                          std::string(param_names::kEnableHpi) + " is off: plain default engine" + (paddle ? ", via Paddle->ONNX conversion" : ""), paddle});
    return plan;
  }
  std::vector<BackendChoice> candidates = knowledge.preferred(model.model_name, device.type);
  const bool known = knowledge.knows(model.model_name);
  const std::string measured = knowledge.measurement(model.model_name, device.type);
  const std::string source = !measured.empty() ? "prior knowledge for " + model.model_name + ", " + measured
                             : known           ? "prior knowledge for " + model.model_name
                                               : "prior knowledge default for " + device.type;

  if (!config.backend.empty()) {
    auto it = std::find_if(candidates.begin(), candidates.end(), [&](const BackendChoice& c) { return c.backend == config.backend; });
    if (config.auto_config && it == candidates.end()) {
      plan.rejected.push_back({config.backend, "ruled out by the prior knowledge for " + model.model_name + " on " + device.type +
                                                   " (set auto_config: false to force it)"});
      return plan;
    }
    BackendChoice chosen = config.auto_config ? *it : BackendChoice{config.backend};
    candidates = {chosen};
  }

  for (auto& c : candidates) {
    const Backend* backend = find_backend(c.backend);
    if (!backend) {
      plan.rejected.push_back({c.backend, "not built into this hpocr"});
      continue;
    }
    Availability a = backend->probe(device);
    if (!a.available) {
      plan.rejected.push_back({c.backend, a.reason});
      continue;
    }
    // A Paddle model reaches an ONNX-only backend through the converter, when auto_paddle2onnx allows it; a
    // backend that reads Paddle models uses the Paddle files of a directory that has both formats.
    const bool direct = backend->accepts(model.format);
    const bool use_paddle = !direct && model.format == ModelFormat::Onnx && model.paddle_format() != ModelFormat::Onnx &&
                            backend->accepts(model.paddle_format());
    const bool convert = !direct && paddle && config.auto_paddle2onnx && backend->accepts(ModelFormat::Onnx);
    if (!direct && !use_paddle && !convert) {
      plan.rejected.push_back({c.backend, "cannot load " + to_string(model.format) + " models" +
                                              (paddle && !config.auto_paddle2onnx ? " (auto_paddle2onnx is off)" : "")});
      continue;
    }
    nlohmann::json merged = config.auto_config ? c.config : nlohmann::json::object();
    merged.update(config.backend_config);  // the user's keys win
    std::string reason = config.backend.empty() ? source + ", " + a.version : "chosen in hpi_config, " + a.version;
    if (convert) reason += ", via Paddle->ONNX conversion";
    if (use_paddle) reason += ", reading " + model.paddle_model_file.filename().string();
    plan.steps.push_back({c.backend, std::move(merged), std::move(reason), convert, use_paddle,
                          config.auto_config ? c.schedule : nlohmann::json::object()});
  }
  return plan;
}

}  // namespace hpocr::hpi
