// The Paddle Inference engine, over Paddle Inference's C API in a library opened at run time: Paddle's
// libpaddle_inference_c.so, or hpocr's bridge over the paddlepaddle wheel (backend/paddle/bridge).
#pragma once
#include <memory>

#include "backend/backend.h"
#include "backend/dynamic/dynamic_library.h"

namespace hpocr {

/// Builds a Paddle Inference predictor for a Paddle model (inference.pdmodel or PIR inference.json, with
/// inference.pdiparams beside it) on the CPU (oneDNN) or a GPU.
/// backend_config keys: cpu_num_threads, enable_mkldnn (default true on CPU), mkldnn_cache_capacity (default
/// 10, as PaddleX; where the library has PD_ConfigSetMkldnnCacheCapacity), switch_ir_optim (default true),
/// gpu_mem_init_mb (default 100).
/// Throws Error(ModelFormat) when Paddle rejects the model, Error(BackendUnavailable) when the library
/// lacks a function, Error(InvalidArgument) for a bad backend_config.
std::unique_ptr<Engine> load_paddle_engine(const DynamicLibrary& lib, const ModelDir& model, const EngineOptions& options);

}  // namespace hpocr
