#include "support/convert_support.h"

#include <cmath>
#include <cstring>
#include <fstream>
#include <limits>
#include <random>

#include "backend/backend.h"
#include "convert/converter.h"
#include "format/model_dir.h"
#include "support/test_support.h"

namespace fs = std::filesystem;

namespace hpocr::test {

bool onnxruntime_available() {
  const Backend* ort = find_backend("onnxruntime");
  return ort && ort->probe(Device{}).available;
}

std::vector<Tensor> run_onnx_file(const fs::path& model_file, const std::vector<Tensor>& inputs) {
  const ModelDir model = open_model_dir(model_file, "test");
  const EngineOptions defaults;  // a named object: GCC 12 misreports a temporary's members as uninitialised
  auto engine = find_backend("onnxruntime")->load(model, defaults);
  return engine->run(inputs);
}

std::vector<Tensor> run_onnx(const std::string& model_bytes, const std::vector<Tensor>& inputs) {
  const fs::path file = temp_dir("onnx") / "model.onnx";
  std::ofstream(file, std::ios::binary).write(model_bytes.data(), static_cast<std::streamsize>(model_bytes.size()));
  auto out = run_onnx_file(file, inputs);
  std::error_code ec;
  fs::remove_all(file.parent_path(), ec);
  return out;
}

Tensor random_tensor(std::vector<int64_t> shape, unsigned seed, float lo, float hi) {
  Tensor t(std::move(shape), DataType::Float32);
  std::mt19937 gen(seed);
  std::uniform_real_distribution<float> dist(lo, hi);
  for (float& v : t.values<float>()) v = dist(gen);
  return t;
}

paddle::ConstTensor to_const(const Tensor& t) {
  paddle::ConstTensor c;
  c.dtype = t.dtype() == DataType::Float32 ? paddle::DType::Float32 : t.dtype() == DataType::Int64 ? paddle::DType::Int64 : paddle::DType::Int32;
  c.shape = t.shape();
  c.data.resize(t.bytes());
  std::memcpy(c.data.data(), t.raw(), t.bytes());
  return c;
}

ProgramBuilder& ProgramBuilder::input(const std::string& name, std::vector<int64_t> shape, paddle::DType dtype) {
  program_.inputs.push_back(name);
  return var(name, std::move(shape), dtype);
}

ProgramBuilder& ProgramBuilder::param(const std::string& name, paddle::ConstTensor value) {
  program_.vars[name] = {value.dtype, value.shape, true};
  program_.param_order.push_back(name);
  program_.params[name] = std::move(value);
  return *this;
}

ProgramBuilder& ProgramBuilder::var(const std::string& name, std::vector<int64_t> shape, paddle::DType dtype) {
  program_.vars[name] = {dtype, std::move(shape), true};
  return *this;
}

ProgramBuilder& ProgramBuilder::op(const std::string& type, std::map<std::string, std::vector<std::string>> inputs,
                                   std::map<std::string, std::vector<std::string>> outputs, std::map<std::string, paddle::Attr> attrs) {
  program_.ops.push_back({type, std::move(inputs), std::move(outputs), std::move(attrs)});
  return *this;
}

ProgramBuilder& ProgramBuilder::output(const std::string& name) {
  program_.outputs.push_back(name);
  return *this;
}

std::vector<Tensor> convert_and_run(const paddle::Program& program, const std::vector<Tensor>& inputs, int opset) {
  convert::ConvertOptions options;
  options.opset = opset;
  options.model_name = "test";
  return run_onnx(convert::convert_program(program, options), inputs);
}

double max_abs_diff(const Tensor& a, const Tensor& b) {
  if (a.shape() != b.shape() || a.dtype() != DataType::Float32 || b.dtype() != DataType::Float32)
    return std::numeric_limits<double>::infinity();
  double worst = 0;
  auto x = a.values<float>(), y = b.values<float>();
  for (std::size_t i = 0; i < x.size(); ++i) {
    const double d = std::fabs(static_cast<double>(x[i]) - y[i]);
    if (std::isnan(d)) return std::numeric_limits<double>::infinity();
    worst = std::max(worst, d);
  }
  return worst;
}

}  // namespace hpocr::test
