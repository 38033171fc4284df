// hpocr's ONNX Runtime custom operator: `ai.hpocr.LookupTable`, a uint8 -> uint8 table (attribute `table`,
// 256 integers) applied element-wise. The INT8 quantiser (quant/quantizer.cpp) replaces a chain of
// element-wise fp32 operators between two integer kernels (HardSwish, the learnable affine blocks, ReLU,
// Clip...) by one table computed from the chain and the quantisation parameters of its input and output, so
// the activations stay uint8 from one QLinearConv to the next. Every ONNX Runtime session hpocr creates knows
// the operator.
#pragma once
#include <cstddef>
#include <cstdint>

namespace Ort {
struct SessionOptions;
}

namespace hpocr::ort {

inline constexpr const char* kCustomDomain = "ai.hpocr";
inline constexpr const char* kLookupTableOp = "LookupTable";

/// Adds the ai.hpocr operator domain to the session options.
void add_custom_ops(Ort::SessionOptions& so);

/// The kernel's work: y[i] = table[x[i]] (exposed for the tests).
void apply_lookup_table(const uint8_t* table, const uint8_t* x, uint8_t* y, size_t n);

}  // namespace hpocr::ort
