// Builds the inference engine for one model. With enable_hpi the backend is configured for speed;
// without it a plain default ONNX Runtime engine is built, the baseline HPI is measured against.
#pragma once
#include <memory>

#include "backend/backend.h"

namespace hpocr {

struct LoadRequest {
  Device device;
  int cpu_threads = 0;
  bool enable_hpi = false;
};

/// Loads `model` per `request`; throws Error with the reason when no backend can run it.
std::unique_ptr<Engine> load_engine(const ModelDir& model, const LoadRequest& request);

}  // namespace hpocr
