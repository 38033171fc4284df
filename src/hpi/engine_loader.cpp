#include "hpi/engine_loader.h"

#include "core/logging.h"
#include "hpocr/error.h"

namespace hpocr {

std::unique_ptr<Engine> load_engine(const ModelDir& model, const LoadRequest& request) {
  const Backend* backend = find_backend("onnxruntime");
  if (!backend) throw Error(ErrorCode::BackendUnavailable, "no onnxruntime backend registered");
  EngineOptions opts;
  opts.device = request.device;
  opts.cpu_threads = request.cpu_threads;
  opts.tuned = request.enable_hpi;
  auto engine = backend->load(model, opts);
  log::info("{}: {} ({})", model.model_name, backend->name(), engine->settings().dump());
  return engine;
}

}  // namespace hpocr
