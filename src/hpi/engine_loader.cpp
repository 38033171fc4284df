#include "hpi/engine_loader.h"

#include <optional>

#include "core/file_util.h"
#include "core/logging.h"
#include "core/timer.h"
#include "hpi/conversion.h"
#include "hpi/selection.h"
#include "hpocr/error.h"

namespace hpocr {
namespace {

/// <model_dir>/.cache/hpocr/<backend>-<key>: the key covers the model bytes, backend version, device and settings.
std::filesystem::path cache_entry(const ModelDir& model, const std::string& backend, const std::string& version,
                                  const Device& device, const nlohmann::json& config, int cpu_threads) {
  std::string key = file_fingerprint(model.model_file) + "|" + version + "|" + device.str() + "|" + config.dump() + "|" +
                    std::to_string(cpu_threads);
#if defined(__x86_64__)
  // Optimised graphs may hold kernels chosen for this CPU's instruction set.
  key += __builtin_cpu_supports("avx512f") ? "|avx512" : __builtin_cpu_supports("avx2") ? "|avx2" : "|sse";
#endif
  return cache_root_for(model.dir) / (backend + "-" + hash_hex(key));
}

}  // namespace

LoadedEngine load_engine(const ModelDir& model, const LoadRequest& request) {
  hpi::Plan plan = hpi::make_plan(model, request.device, request.hpi, request.enable_hpi,
                                  request.knowledge ? *request.knowledge : hpi::PriorKnowledge::builtin());
  log::info("{}: backend plan\n{}", model.model_name, plan.describe());
  nlohmann::json failed = nlohmann::json::array();
  for (const auto& r : plan.rejected) failed.push_back({{"backend", r.backend}, {"error", r.reason}});
  std::string attempts;
  ErrorCode last = ErrorCode::BackendUnavailable;
  std::optional<ModelDir> converted;  // converted once, however many backends want ONNX
  std::optional<Error> conversion_error;
  for (const auto& step : plan.steps) {
    const Backend* backend = find_backend(step.backend);
    EngineOptions opts;
    opts.device = request.device;
    opts.cpu_threads = request.cpu_threads;
    opts.backend_config = step.config;
    opts.sample_input_shape = request.sample_input_shape;
    Timer timer;
    try {
      if (step.convert && !converted) {
        if (conversion_error) throw *conversion_error;
        try {
          converted = hpi::converted_to_onnx(model);
        } catch (const Error& e) {
          conversion_error = e;
          throw;
        }
      }
      ModelDir paddle_view;
      const ModelDir& target = step.convert ? *converted : step.use_paddle ? (paddle_view = model.as_paddle()) : model;
      if (step.config.value("cache_optimized_model", false))
        opts.cache_dir = cache_entry(target, step.backend, backend->probe(request.device).version, request.device, step.config,
                                     request.cpu_threads);
      LoadedEngine out{backend->load(target, opts), nullptr};
      out.selection = {{"backend", step.backend}, {"reason", step.reason}, {"failed", failed}, {"load_ms", timer.lap()}};
      if (step.convert) out.selection["converted_model"] = target.model_file.string();
      log::info("{}: running on {} ({}), loaded in {:.1f} ms {}", model.model_name, step.backend, step.reason,
                out.selection["load_ms"].get<double>(), out.engine->settings().dump());
      return out;
    } catch (const Error& e) {
      log::warn("{}: backend {} failed, trying the next one: {}", model.model_name, step.backend, e.what());
      failed.push_back({{"backend", step.backend}, {"error", e.what()}});
      attempts += "\n  " + step.backend + ": " + e.what();
      last = e.code();
    }
  }
  for (const auto& r : plan.rejected) attempts += "\n  " + r.backend + ": " + r.reason;
  throw Error(plan.steps.empty() ? ErrorCode::BackendUnavailable : last,
              "no backend could load " + model.model_name + " on " + request.device.str() + ":" + attempts);
}

}  // namespace hpocr
