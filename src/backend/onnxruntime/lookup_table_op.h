// hpocr's ONNX Runtime custom operator: `ai.hpocr.LookupTable`, a uint8 -> uint8 table (attribute `table`,
// 256 integers) applied element-wise. The INT8 quantiser (quant/quantizer.cpp) replaces a chain of
// element-wise fp32 operators between two integer kernels (HardSwish, the learnable affine blocks, ReLU,
// Clip...) by one table computed from the chain and the quantisation parameters of its input and output, so
// the activations stay uint8 from one QLinearConv to the next. Every ONNX Runtime session hpocr creates knows
// the operator.
#pragma once
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <mutex>

namespace Ort {
struct SessionOptions;
}

namespace hpocr::ort {

inline constexpr const char* kCustomDomain = "ai.hpocr";
inline constexpr const char* kLookupTableOp = "LookupTable";

/// Whether an ONNX file uses the ai.hpocr domain (only INT8 models do); other sessions do without it.
bool uses_custom_ops(const std::filesystem::path& onnx_file);

/// Adds the ai.hpocr operator domain to the session options and returns the lock to hold while the session is
/// created, until one such session exists: ONNX Runtime adds a custom domain to ONNX's process-wide domain map
/// with a check-then-add that is not thread-safe, so two first sessions created at once (the pipeline loads its
/// models in parallel) failed now and then with "domain already exists". Call custom_ops_registered() once a
/// session is created.
std::unique_lock<std::mutex> add_custom_ops(Ort::SessionOptions& so);
/// Marks the domain as known to ONNX Runtime: later sessions are created without the lock.
void custom_ops_registered();

/// The kernel's work: y[i] = table[x[i]] (exposed for the tests).
void apply_lookup_table(const uint8_t* table, const uint8_t* x, uint8_t* y, size_t n);

}  // namespace hpocr::ort
