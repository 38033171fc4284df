// Backends whose libraries cannot be installed on every machine (OpenVINO, Paddle Inference, TensorRT):
// found at run time with dlopen and probed through their published C entry points for a version.
// Their engines are not implemented yet: load() says so, and the selection falls back.
#pragma once
#include <memory>
#include <vector>

#include "backend/backend.h"

namespace hpocr {

/// openvino, paddle, tensorrt.
std::vector<std::unique_ptr<Backend>> make_dynamic_backends();

}  // namespace hpocr
