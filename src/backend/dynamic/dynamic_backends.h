// Backends whose libraries cannot be installed on every machine (OpenVINO, Paddle Inference, TensorRT):
// found at run time with dlopen and probed through their published C entry points for a version.
// OpenVINO and Paddle Inference engines bind their C APIs (backend/openvino, backend/paddle); TensorRT has
// no C API, so its load() refuses and points to ONNX Runtime's TensorRT execution provider.
#pragma once
#include <memory>
#include <vector>

#include "backend/backend.h"

namespace hpocr {

/// openvino, paddle, tensorrt.
std::vector<std::unique_ptr<Backend>> make_dynamic_backends();

}  // namespace hpocr
