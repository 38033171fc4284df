// The OpenVINO engine, over OpenVINO's C API in a library opened at run time (libopenvino_c.so).
#pragma once
#include <memory>

#include "backend/backend.h"
#include "backend/dynamic/dynamic_library.h"

namespace hpocr {

/// Reads `model` (ONNX, or a legacy Paddle inference.pdmodel) with OpenVINO and compiles it for the CPU.
/// backend_config keys: cpu_num_threads, performance_hint (LATENCY | THROUGHPUT | CUMULATIVE_THROUGHPUT),
/// cache_optimized_model (the engine cache directory becomes OpenVINO's CACHE_DIR).
/// Throws Error(ModelFormat) when OpenVINO rejects the model, Error(BackendUnavailable) when the library
/// lacks a function, Error(InvalidArgument) for a bad backend_config.
std::unique_ptr<Engine> load_openvino_engine(const DynamicLibrary& lib, const ModelDir& model, const EngineOptions& options);

}  // namespace hpocr
