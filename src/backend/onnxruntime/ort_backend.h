// ONNX Runtime backend. The library is loaded at run time (dlopen), so hpocr builds and starts
// without it and a user can point at their own install with HPOCR_ORT_LIBRARY.
#pragma once
#include <memory>

#include "backend/backend.h"

namespace hpocr {

std::unique_ptr<Backend> make_onnxruntime_backend();

}  // namespace hpocr
