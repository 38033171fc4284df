// The ai.hpocr.LookupTable custom operator and the quantiser's rewrite that uses it: a small Conv ->
// affine -> HardSwish (Add/Clip/Mul/Div) -> affine -> Conv model, quantised with and without lookup tables, run
// on ONNX Runtime against its fp32 reference.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "backend/backend.h"
#include "backend/onnxruntime/lookup_table_op.h"
#include "quant/onnx_graph.h"
#include "quant/quantizer.h"
#include "unit_helpers.h"

namespace fs = std::filesystem;

namespace hpocr::test {
namespace {

constexpr int64_t kC = 4, kH = 8, kW = 8;

onnx::NodeProto node(const std::string& op, std::vector<std::string> in, const std::string& out) {
  onnx::NodeProto n;
  n.set_op_type(op);
  n.set_name(out + "_node");
  for (auto& i : in) n.add_input(i);
  n.add_output(out);
  return n;
}

void add_scalar(onnx::GraphProto& g, const std::string& name, float v) {
  *g.add_initializer() = quant::make_tensor<float>(name, onnx::TensorProto::FLOAT, {1}, {v});
}

/// x -> Conv1 -> *1.5 +0.25 -> HardSwish as Add/Clip/Mul/Div -> *0.8 -0.1 -> Conv2 -> Sigmoid -> y (opset 13).
onnx::ModelProto chain_model() {
  onnx::ModelProto m;
  m.set_ir_version(7);
  m.add_opset_import()->set_version(13);
  onnx::GraphProto& g = *m.mutable_graph();
  g.set_name("chain");
  std::mt19937 rng(7);
  std::uniform_real_distribution<float> u(-1.f, 1.f);
  for (const char* conv : {"w1", "w2"}) {
    std::vector<float> w(kC * kC);
    for (auto& v : w) v = u(rng);
    *g.add_initializer() = quant::make_tensor<float>(conv, onnx::TensorProto::FLOAT, {kC, kC, 1, 1}, w);
  }
  *g.add_initializer() = quant::make_tensor<float>("b1", onnx::TensorProto::FLOAT, {kC}, {0.1f, -0.2f, 0.3f, 0.f});
  for (auto [name, v] : {std::pair{"s1", 1.5f}, {"t1", 0.25f}, {"three", 3.f}, {"zero", 0.f}, {"six", 6.f}, {"s2", 0.8f}, {"t2", -0.1f}})
    add_scalar(g, name, v);
  // Clip's bounds are scalars (rank 0) in opset 13.
  for (int i = 0; i < g.initializer_size(); ++i)
    if (g.initializer(i).name() == "zero" || g.initializer(i).name() == "six") g.mutable_initializer(i)->clear_dims();
  *g.add_node() = node("Conv", {"x", "w1", "b1"}, "c1");
  *g.add_node() = node("Mul", {"c1", "s1"}, "a1");
  *g.add_node() = node("Add", {"a1", "t1"}, "a2");
  *g.add_node() = node("Add", {"a2", "three"}, "h1");
  *g.add_node() = node("Clip", {"h1", "zero", "six"}, "h2");
  *g.add_node() = node("Mul", {"a2", "h2"}, "h3");
  *g.add_node() = node("Div", {"h3", "six"}, "h4");
  *g.add_node() = node("Mul", {"h4", "s2"}, "a3");
  *g.add_node() = node("Add", {"a3", "t2"}, "a4");
  *g.add_node() = node("Conv", {"a4", "w2"}, "c2");
  *g.add_node() = node("Sigmoid", {"c2"}, "y");  // a graph output read by no Q: Conv2 stays fusable
  for (auto [list, name] : {std::pair{g.mutable_input(), "x"}, {g.mutable_output(), "y"}}) {
    auto* vi = list->Add();
    vi->set_name(name);
    auto* tt = vi->mutable_type()->mutable_tensor_type();
    tt->set_elem_type(onnx::TensorProto::FLOAT);
    for (int64_t d : {int64_t{1}, kC, kH, kW}) tt->mutable_shape()->add_dim()->set_dim_value(d);
  }
  return m;
}

Tensor random_input(uint32_t seed) {
  Tensor t({1, kC, kH, kW}, DataType::Float32);
  std::mt19937 rng(seed);
  std::normal_distribution<float> n(0.f, 2.f);
  for (float& v : t.values<float>()) v = n(rng);
  return t;
}

std::vector<float> run(const fs::path& file, const Tensor& input) {
  ModelDir dir;
  dir.dir = file.parent_path();
  dir.model_file = file;
  dir.model_name = file.stem().string();
  const Backend* ort = find_backend("onnxruntime");
  EngineOptions opts;
  opts.cpu_threads = 1;
  auto engine = ort->load(dir, opts);
  auto out = engine->run(std::span<const Tensor>(&input, 1));
  auto v = out.at(0).values<float>();
  return {v.begin(), v.end()};
}

double max_abs_diff(const std::vector<float>& a, const std::vector<float>& b) {
  double m = 0;
  for (size_t i = 0; i < a.size(); ++i) m = std::max(m, std::abs(double(a[i]) - b[i]));
  return m;
}

int count_ops(const onnx::ModelProto& m, const std::string& op) {
  int n = 0;
  for (const auto& node : m.graph().node()) n += node.op_type() == op;
  return n;
}

TEST(LookupTable, KernelMapsEveryByteThroughItsTable) {
  uint8_t table[256];
  for (int i = 0; i < 256; ++i) table[i] = static_cast<uint8_t>(255 - i);
  std::vector<uint8_t> x(1003), y(1003, 7);
  for (size_t i = 0; i < x.size(); ++i) x[i] = static_cast<uint8_t>(i * 37);
  ort::apply_lookup_table(table, x.data(), y.data(), x.size());
  for (size_t i = 0; i < x.size(); ++i) ASSERT_EQ(y[i], 255 - x[i]) << i;
}

TEST(LookupTable, QuantisedChainRunsAsOneTableAndMatchesFp32) {
  if (!find_backend("onnxruntime") || !find_backend("onnxruntime")->probe(Device{}).available) GTEST_SKIP() << "no ONNX Runtime";
  const fs::path dir = temp_dir("lookup-table");
  quant::save_onnx(chain_model(), dir / "fp32.onnx");
  std::vector<Tensor> calib;
  for (uint32_t s = 1; s <= 8; ++s) calib.push_back(random_input(s));
  quant::QuantOptions opts;
  opts.reduce_range = false;
  quant::Calibration c = quant::calibrate(dir / "fp32.onnx", calib, opts);
  // The affine after Conv1 is folded into it; the HardSwish chain is shortened to x * HardSigmoid(x).
  EXPECT_EQ(count_ops(c.model, "Conv"), 2);
  EXPECT_EQ(count_ops(c.model, "Clip") + count_ops(c.model, "Div"), 0);
  EXPECT_EQ(count_ops(c.model, "HardSigmoid"), 1);

  onnx::ModelProto with_table = quant::quantize(c, opts);
  opts.lookup_tables = false;
  onnx::ModelProto without = quant::quantize(c, opts);
  EXPECT_EQ(count_ops(with_table, "LookupTable"), 1);
  EXPECT_EQ(count_ops(with_table, "HardSigmoid") + count_ops(with_table, "Mul") + count_ops(with_table, "Add"), 0)
      << "the element-wise chain between the convolutions is the table";
  EXPECT_EQ(count_ops(without, "LookupTable"), 0);
  quant::save_onnx(with_table, dir / "table.onnx");
  quant::save_onnx(without, dir / "qdq.onnx");

  // ONNX Runtime keeps the table between two integer convolutions.
  quant::write_optimized_graph(dir / "table.onnx", dir / "table.optimized.onnx", 1);
  auto kernels = quant::integer_kernels(quant::load_onnx(dir / "table.optimized.onnx"));
  EXPECT_EQ(kernels["QLinearConv"], 2) << nlohmann::json(kernels).dump();
  EXPECT_EQ(kernels["LookupTable"], 1) << nlohmann::json(kernels).dump();

  // Against fp32 on an input calibration did not see: the table is as close as the fp32 chain between Q/DQ.
  const Tensor input = random_input(99);
  const auto ref = run(dir / "fp32.onnx", input), lut = run(dir / "table.onnx", input), qdq = run(dir / "qdq.onnx", input);
  ASSERT_EQ(ref.size(), static_cast<size_t>(kC * kH * kW));
  ASSERT_EQ(lut.size(), ref.size());
  double range = 0;
  for (float v : ref) range = std::max(range, double(std::abs(v)));
  const double err_lut = max_abs_diff(ref, lut), err_qdq = max_abs_diff(ref, qdq);
  EXPECT_LT(err_lut, 0.05 * range) << "table " << err_lut << ", fp32 chain " << err_qdq << ", range " << range;
  EXPECT_LT(err_lut, 2 * err_qdq + 0.01 * range) << "table " << err_lut << ", fp32 chain " << err_qdq;
  EXPECT_NE(ref, lut) << "the INT8 model ran in fp32";
}

}  // namespace
}  // namespace hpocr::test
