// Paddle static-graph program -> ONNX model. One mapper per Paddle op type (ops_*.cpp); an op without a
// mapper fails the conversion with an Error(UnsupportedOp) naming the op and the model, never a partial graph.
#pragma once
#include <filesystem>
#include <string>
#include <vector>

#include "format/paddle/program.h"

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

/// Converts `program` and returns the serialized ONNX model, checked with onnx::checker.
/// Throws Error(UnsupportedOp) for ops without a mapper, Error(ModelFormat) for inconsistent programs.
std::string convert_program(const paddle::Program& program, const ConvertOptions& options, ConvertReport* report = nullptr);

/// Reads the Paddle model in `model_dir` (inference.json or inference.pdmodel + inference.pdiparams),
/// converts it and writes `output` (written to a temporary file first, then renamed).
ConvertReport convert_model_dir(const std::filesystem::path& model_dir, const std::filesystem::path& output,
                                const ConvertOptions& options);

/// Paddle op types that have a mapper, sorted.
std::vector<std::string> supported_ops();

}  // namespace hpocr::convert
