// Helpers for the converter tests: one-op Paddle programs built in code, and running ONNX models in ONNX
// Runtime through the backend layer.
#pragma once
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "core/tensor.h"
#include "format/paddle/program.h"

namespace hpocr::test {

/// True when ONNX Runtime can be loaded here (tests that run models GTEST_SKIP otherwise).
bool onnxruntime_available();

/// Runs the ONNX model in `model_file` (or serialized `model_bytes`) on `inputs` with default options.
std::vector<Tensor> run_onnx_file(const std::filesystem::path& model_file, const std::vector<Tensor>& inputs);
std::vector<Tensor> run_onnx(const std::string& model_bytes, const std::vector<Tensor>& inputs);

/// A float32 tensor of `shape` filled with a seeded pseudo-random pattern in [lo, hi).
Tensor random_tensor(std::vector<int64_t> shape, unsigned seed, float lo = -1.f, float hi = 1.f);
/// The same values as a Paddle constant (for weights).
paddle::ConstTensor to_const(const Tensor& t);

/// Builds a small Paddle program: declared inputs, weights, ops and outputs.
class ProgramBuilder {
 public:
  /// A float32 (or `dtype`) feed input; -1 marks a dynamic dimension.
  ProgramBuilder& input(const std::string& name, std::vector<int64_t> shape, paddle::DType dtype = paddle::DType::Float32);
  /// A persistable weight.
  ProgramBuilder& param(const std::string& name, paddle::ConstTensor value);
  /// Declares an intermediate or output variable's type and shape.
  ProgramBuilder& var(const std::string& name, std::vector<int64_t> shape, paddle::DType dtype = paddle::DType::Float32);
  /// Appends an op (legacy vocabulary).
  ProgramBuilder& op(const std::string& type, std::map<std::string, std::vector<std::string>> inputs,
                     std::map<std::string, std::vector<std::string>> outputs, std::map<std::string, paddle::Attr> attrs = {});
  /// Marks a fetch target.
  ProgramBuilder& output(const std::string& name);
  const paddle::Program& program() const { return program_; }

 private:
  paddle::Program program_;
};

/// Converts the program (opset `opset`) and runs it; returns the outputs in fetch order.
std::vector<Tensor> convert_and_run(const paddle::Program& program, const std::vector<Tensor>& inputs, int opset = 16);

/// Largest absolute difference between two float tensors of the same shape (infinity when shapes differ).
double max_abs_diff(const Tensor& a, const Tensor& b);

}  // namespace hpocr::test
