// The ONNX Runtime C++ API without link-time dependency: every unit includes it through here so that
// ORT_API_MANUAL_INIT is defined consistently (ort_library.cpp initialises the API after dlopen).
#pragma once
#define ORT_API_MANUAL_INIT
#include <onnxruntime_cxx_api.h>
#undef ORT_API_MANUAL_INIT
