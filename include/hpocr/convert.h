// Paddle static-graph models (inference.json or inference.pdmodel, with inference.pdiparams) to ONNX: what
// `hpocr convert` runs and what HPI does on its own when a backend needs ONNX (docs/conversion.md).
#pragma once
#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

namespace hpocr::convert {

/// The opset written by default; see docs/conversion.md for the range.
inline constexpr int kDefaultOpset = 16;
inline constexpr int kMinOpset = 13;
inline constexpr int kMaxOpset = 17;

struct ConvertOptions {
  int opset = kDefaultOpset;
  std::string model_name;  ///< for messages and the ONNX graph name
};

struct ConvertReport {
  std::vector<std::string> op_types;  ///< distinct Paddle op types converted
  std::size_t paddle_ops = 0;
  std::size_t onnx_nodes = 0;
  double milliseconds = 0;
};

/// Reads the Paddle model in `model_dir` (inference.json or inference.pdmodel + inference.pdiparams),
/// converts it and writes `output` (written to a temporary file first, then renamed).
ConvertReport convert_model_dir(const std::filesystem::path& model_dir, const std::filesystem::path& output,
                                const ConvertOptions& options);

/// Paddle op types that have a mapper, sorted.
std::vector<std::string> supported_ops();

}  // namespace hpocr::convert
