// Numerical tests of the network-level mappers (matmul, softmax, layer_norm, dropout, interpolation,
// grid_sampler, arg_max, reductions) against plain-loop references of Paddle's semantics, and the check that
// every mapper the converter lists has such a test.
#include <gtest/gtest.h>

#include <cmath>

#include "convert_reference.h"
#include "unit_helpers.h"

namespace hpocr::test {
namespace {

const bool registered = register_tested_ops({"matmul", "matmul_v2", "softmax", "layer_norm", "dropout", "nearest_interp_v2",
                                             "bilinear_interp_v2", "grid_sampler", "arg_max", "reduce_mean", "reduce_sum", "reduce_max"});

class ConvertOpNn : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!onnxruntime_available()) GTEST_SKIP() << "ONNX Runtime is not available";
  }
};

/// Batched matmul: X [B, m, k] (or [k, m] transposed), Y [B, k, n] or [k, n] broadcast over the batch.
Tensor matmul_ref(const Tensor& x, const Tensor& y, bool tx, bool ty, double alpha) {
  const auto& xs = x.shape();
  const auto& ys = y.shape();
  const int64_t batch = xs.size() == 3 ? xs[0] : 1;
  const int64_t xr = xs[xs.size() - 2], xc = xs.back(), yr = ys[ys.size() - 2], yc = ys.back();
  const int64_t m = tx ? xc : xr, k = tx ? xr : xc, n = ty ? yr : yc;
  const bool y_batched = ys.size() == 3;
  std::vector<int64_t> shape = {m, n};
  if (xs.size() == 3) shape.insert(shape.begin(), batch);
  Tensor out(shape, DataType::Float32);
  for (int64_t b = 0; b < batch; ++b)
    for (int64_t i = 0; i < m; ++i)
      for (int64_t j = 0; j < n; ++j) {
        double acc = 0;
        for (int64_t p = 0; p < k; ++p) {
          const float xv = x.data<float>()[b * xr * xc + (tx ? p * xc + i : i * xc + p)];
          const float yv = y.data<float>()[(y_batched ? b * yr * yc : 0) + (ty ? j * yc + p : p * yc + j)];
          acc += static_cast<double>(xv) * yv;
        }
        out.data<float>()[(b * m + i) * n + j] = static_cast<float>(acc * alpha);
      }
  return out;
}

TEST_F(ConvertOpNn, MatmulTransposeAndAlpha) {
  struct Case {
    std::vector<int64_t> xs, ys;
    bool tx, ty;
    double alpha;
  };
  for (const Case& c : {Case{{2, 3, 4}, {2, 4, 5}, false, false, 1.0}, Case{{2, 4, 3}, {2, 5, 4}, true, true, 0.5},
                        Case{{2, 3, 4}, {5, 4}, false, true, -2.0}, Case{{4, 3}, {4, 5}, true, false, 1.0}}) {
    const Tensor x = random_tensor(c.xs, 71), y = random_tensor(c.ys, 72);
    const Tensor expected = matmul_ref(x, y, c.tx, c.ty, c.alpha);
    OneOp o;
    o.in("x", x).in("y", y).out("z", expected.shape());
    o.op("matmul", {{"X", {"x"}}, {"Y", {"y"}}}, {{"Out", {"z"}}}, {{"transpose_X", c.tx}, {"transpose_Y", c.ty}, {"alpha", c.alpha}});
    EXPECT_TRUE(all_close(o.run1(), expected)) << c.tx << c.ty << c.alpha;
  }
}

TEST_F(ConvertOpNn, MatmulV2TransposeBatched) {
  struct Case {
    std::vector<int64_t> xs, ys;
    bool tx, ty;
  };
  for (const Case& c : {Case{{2, 3, 4}, {2, 4, 5}, false, false}, Case{{2, 4, 3}, {2, 4, 5}, true, false}, Case{{2, 3, 4}, {2, 5, 4}, false, true},
                        Case{{2, 4, 3}, {5, 4}, true, true}}) {
    const Tensor x = random_tensor(c.xs, 73), y = random_tensor(c.ys, 74);
    const Tensor expected = matmul_ref(x, y, c.tx, c.ty, 1.0);
    OneOp o;
    o.in("x", x).weight("y", y).out("z", expected.shape());
    o.op("matmul_v2", {{"X", {"x"}}, {"Y", {"y"}}}, {{"Out", {"z"}}}, {{"trans_x", c.tx}, {"trans_y", c.ty}});
    EXPECT_TRUE(all_close(o.run1(), expected)) << c.tx << c.ty;
  }
}

TEST_F(ConvertOpNn, SoftmaxAxis) {
  const Tensor x = random_tensor({2, 3, 4}, 75, -3.f, 3.f);
  for (int64_t axis : {1, -1, 0}) {
    const int64_t a = axis < 0 ? axis + 3 : axis;
    const int64_t dims[3] = {2, 3, 4}, st[3] = {12, 4, 1};
    Tensor expected(x.shape(), DataType::Float32);
    for (int64_t i = 0; i < x.numel(); ++i) {
      const int64_t base = i - (i / st[a] % dims[a]) * st[a];
      double sum = 0;
      for (int64_t k = 0; k < dims[a]; ++k) sum += std::exp(x.data<float>()[base + k * st[a]]);
      expected.data<float>()[i] = static_cast<float>(std::exp(x.data<float>()[i]) / sum);
    }
    OneOp o;
    o.in("x", x).out("y", x.shape()).op("softmax", {{"X", {"x"}}}, {{"Out", {"y"}}}, {{"axis", axis}});
    EXPECT_TRUE(all_close(o.run1(), expected)) << axis;
  }
}

/// Paddle layer_norm: rows are the dimensions before begin_norm_axis; each row is normalised with its biased
/// variance, then scaled and shifted by flat per-element vectors.
Tensor layer_norm_ref(const Tensor& x, int64_t begin, const Tensor* scale, const Tensor* bias, double eps) {
  int64_t inner = 1;
  for (std::size_t d = static_cast<std::size_t>(begin); d < x.shape().size(); ++d) inner *= x.shape()[d];
  Tensor out(x.shape(), DataType::Float32);
  for (int64_t r = 0; r < x.numel() / inner; ++r) {
    const float* row = x.data<float>() + r * inner;
    double mean = 0, var = 0;
    for (int64_t k = 0; k < inner; ++k) mean += row[k];
    mean /= static_cast<double>(inner);
    for (int64_t k = 0; k < inner; ++k) var += (row[k] - mean) * (row[k] - mean);
    var /= static_cast<double>(inner);
    for (int64_t k = 0; k < inner; ++k)
      out.data<float>()[r * inner + k] = static_cast<float>((row[k] - mean) / std::sqrt(var + eps) * (scale ? scale->data<float>()[k] : 1.0) +
                                                            (bias ? bias->data<float>()[k] : 0.0));
  }
  return out;
}

TEST_F(ConvertOpNn, LayerNormAxesScaleBiasAndOpsets) {
  const Tensor x = random_tensor({2, 3, 4}, 76, -2.f, 3.f);
  for (int opset : {16, 17}) {
    for (int64_t begin : {2, 1, -1}) {
      const int64_t b = begin < 0 ? begin + 3 : begin;
      const int64_t inner = b == 2 ? 4 : 12;
      const Tensor scale = random_tensor({inner}, 77), bias = random_tensor({inner}, 78);
      for (int with : {0, 1, 2, 3}) {  // bit 0: Scale, bit 1: Bias
        const bool s = with & 1, bb = with & 2;
        OneOp o;
        o.in("x", x).out("y", x.shape());
        std::map<std::string, std::vector<std::string>> inputs = {{"X", {"x"}}};
        if (s) {
          o.weight("s", scale);
          inputs["Scale"] = {"s"};
        }
        if (bb) {
          o.weight("b", bias);
          inputs["Bias"] = {"b"};
        }
        o.op("layer_norm", inputs, {{"Y", {"y"}}, {"Mean", {"m"}}, {"Variance", {"v"}}}, {{"begin_norm_axis", begin}, {"epsilon", 1e-4}});
        EXPECT_TRUE(all_close(o.run1(opset), layer_norm_ref(x, b, s ? &scale : nullptr, bb ? &bias : nullptr, 1e-4)))
            << "opset " << opset << " begin " << begin << " scale " << s << " bias " << bb;
      }
    }
  }
}

TEST_F(ConvertOpNn, DropoutImplementations) {
  const Tensor x = random_tensor({3, 4}, 79);
  struct Case {
    std::string impl;
    double p, factor;
  };
  for (const Case& c : {Case{"downgrade_in_infer", 0.3, 0.7}, Case{"upscale_in_train", 0.3, 1.0}, Case{"downgrade_in_infer", 0.0, 1.0}}) {
    OneOp o;
    o.in("x", x).out("y", x.shape());
    o.op("dropout", {{"X", {"x"}}}, {{"Out", {"y"}}, {"Mask", {"mask"}}},
         {{"dropout_prob", c.p}, {"dropout_implementation", c.impl}, {"is_test", true}});
    EXPECT_TRUE(all_close(o.run1(), map_values(x, [&](double v) { return v * c.factor; }))) << c.impl;
  }
  OneOp bad;
  bad.in("x", x).out("y", x.shape()).op("dropout", {{"X", {"x"}}}, {{"Out", {"y"}}}, {{"dropout_implementation", std::string("sideways")}});
  EXPECT_TRUE(throws_error([&] { bad.convert(); }, ErrorCode::UnsupportedOp, "sideways"));
}

struct InterpCase {
  std::vector<int64_t> in_hw{}, out_hw{};   ///< out_hw {-1, -1} when the scale decides
  std::vector<double> scale{};              ///< the scale attribute (empty: none)
  bool align_corners = false;
  int64_t align_mode = 1;
  bool out_size_tensor = false;             ///< the size from an OutSize input instead of out_h/out_w
};

testing::AssertionResult check_interp(bool bilinear, const InterpCase& c) {
  const Tensor x = random_tensor({2, 2, c.in_hw[0], c.in_hw[1]}, 80);
  const bool by_scale = !c.scale.empty();
  const double sh = by_scale ? c.scale[0] : 0.0, sw = c.scale.size() > 1 ? c.scale[1] : sh;  // one value scales both axes
  const int64_t oh = by_scale ? static_cast<int64_t>(static_cast<double>(c.in_hw[0]) * sh) : c.out_hw[0];
  const int64_t ow = by_scale ? static_cast<int64_t>(static_cast<double>(c.in_hw[1]) * sw) : c.out_hw[1];
  // Paddle's ratio: 1 / scale when a scale is given, in / out otherwise (align_corners overrides both).
  const double rh = by_scale ? 1.0 / sh : static_cast<double>(c.in_hw[0]) / static_cast<double>(oh);
  const double rw = by_scale ? 1.0 / sw : static_cast<double>(c.in_hw[1]) / static_cast<double>(ow);
  const Tensor expected = bilinear ? ref::bilinear_interp(x, oh, ow, c.align_corners, static_cast<int>(c.align_mode), rh, rw)
                                   : ref::nearest_interp(x, oh, ow, c.align_corners, rh, rw);
  OneOp o;
  o.in("x", x).out("y", expected.shape());
  std::map<std::string, std::vector<std::string>> inputs = {{"X", {"x"}}};
  if (c.out_size_tensor) {
    o.in("size", int_tensor_of({2}, {oh, ow}, DataType::Int32));
    inputs["OutSize"] = {"size"};
  }
  o.op(bilinear ? "bilinear_interp_v2" : "nearest_interp_v2", inputs, {{"Out", {"y"}}},
       {{"out_h", c.out_size_tensor ? int64_t{-1} : c.out_hw[0]}, {"out_w", c.out_size_tensor ? int64_t{-1} : c.out_hw[1]},
        {"scale", c.scale}, {"align_corners", c.align_corners}, {"align_mode", c.align_mode},
        {"interp_method", std::string(bilinear ? "bilinear" : "nearest")}, {"data_layout", std::string("NCHW")}});
  try {
    return all_close(o.run1(), expected);
  } catch (const std::exception& e) {
    return testing::AssertionFailure() << e.what();
  }
}

TEST_F(ConvertOpNn, NearestInterpSizesScalesAndAlignCorners) {
  for (bool aligned : {false, true}) {
    SCOPED_TRACE(aligned ? "align_corners" : "not aligned");
    EXPECT_TRUE(check_interp(false, {.in_hw = {5, 7}, .out_hw = {8, 11}, .align_corners = aligned}));
    EXPECT_TRUE(check_interp(false, {.in_hw = {8, 11}, .out_hw = {5, 7}, .align_corners = aligned}));
    EXPECT_TRUE(check_interp(false, {.in_hw = {4, 5}, .out_hw = {8, 10}, .align_corners = aligned}));
    EXPECT_TRUE(check_interp(false, {.in_hw = {5, 7}, .out_hw = {-1, -1}, .scale = {2.0, 1.5}, .align_corners = aligned}));
    EXPECT_TRUE(check_interp(false, {.in_hw = {5, 7}, .out_hw = {-1, -1}, .scale = {3.0}, .align_corners = aligned}));
    EXPECT_TRUE(check_interp(false, {.in_hw = {5, 7}, .out_hw = {9, 4}, .align_corners = aligned, .out_size_tensor = true}));
  }
}

TEST_F(ConvertOpNn, BilinearInterpAlignModesAndAlignCorners) {
  for (int64_t mode : {0, 1}) {
    for (bool aligned : {false, true}) {
      SCOPED_TRACE("align_mode " + std::to_string(mode) + (aligned ? " align_corners" : ""));
      EXPECT_TRUE(check_interp(true, {.in_hw = {5, 7}, .out_hw = {8, 11}, .align_corners = aligned, .align_mode = mode}));
      EXPECT_TRUE(check_interp(true, {.in_hw = {8, 11}, .out_hw = {5, 7}, .align_corners = aligned, .align_mode = mode}));
      EXPECT_TRUE(check_interp(true, {.in_hw = {5, 7}, .out_hw = {-1, -1}, .scale = {2.0, 1.5}, .align_corners = aligned, .align_mode = mode}));
      EXPECT_TRUE(check_interp(true, {.in_hw = {6, 5}, .out_hw = {-1, -1}, .scale = {0.5}, .align_corners = aligned, .align_mode = mode}));
      EXPECT_TRUE(check_interp(true, {.in_hw = {5, 7}, .out_hw = {9, 4}, .align_corners = aligned, .align_mode = mode, .out_size_tensor = true}));
    }
  }
}

TEST_F(ConvertOpNn, InterpWithoutAnOutputSizeIsRefused) {
  OneOp o;
  o.in("x", random_tensor({1, 1, 4, 4}, 1)).out("y", {1, 1, 8, 8});
  o.op("nearest_interp_v2", {{"X", {"x"}}}, {{"Out", {"y"}}}, {{"out_h", int64_t{-1}}, {"out_w", int64_t{-1}}});
  EXPECT_TRUE(throws_error([&] { o.convert(); }, ErrorCode::UnsupportedOp, "no output size"));
}

TEST_F(ConvertOpNn, GridSamplerModesPaddingsAndAlignCorners) {
  const Tensor x = random_tensor({2, 2, 4, 5}, 81), grid = random_tensor({2, 3, 4, 2}, 82, -1.3f, 1.3f);
  for (const char* padding : {"zeros", "border", "reflection"})
    for (const char* mode : {"bilinear", "nearest"})
      for (bool aligned : {true, false}) {
        OneOp o;
        o.in("x", x).in("grid", grid).out("y", {2, 2, 3, 4});
        o.op("grid_sampler", {{"X", {"x"}}, {"Grid", {"grid"}}}, {{"Output", {"y"}}},
             {{"mode", std::string(mode)}, {"padding_mode", std::string(padding)}, {"align_corners", aligned}});
        EXPECT_TRUE(all_close(o.run1(), ref::grid_sample(x, grid, aligned, padding, mode))) << mode << " " << padding << " " << aligned;
      }
  OneOp old;
  old.in("x", x).in("grid", grid).out("y", {2, 2, 3, 4}).op("grid_sampler", {{"X", {"x"}}, {"Grid", {"grid"}}}, {{"Output", {"y"}}});
  EXPECT_TRUE(throws_error([&] { old.convert(13); }, ErrorCode::UnsupportedOp, "opset 16"));
}

TEST_F(ConvertOpNn, ArgMaxAxisKeepdimsDtypeFlatten) {
  const Tensor x = random_tensor({2, 3, 4}, 83);
  auto argmax = [&](int64_t i0, int64_t i2) {
    int64_t best = 0;
    for (int64_t k = 1; k < 3; ++k)
      if (x.data<float>()[i0 * 12 + k * 4 + i2] > x.data<float>()[i0 * 12 + best * 4 + i2]) best = k;
    return best;
  };
  std::vector<int64_t> expected;
  for (int64_t i0 = 0; i0 < 2; ++i0)
    for (int64_t i2 = 0; i2 < 4; ++i2) expected.push_back(argmax(i0, i2));
  {
    OneOp o;
    o.in("x", x).out("y", {2, 4}, paddle::DType::Int64).op("arg_max", {{"X", {"x"}}}, {{"Out", {"y"}}}, {{"axis", int64_t{1}}, {"keepdims", false}});
    const Tensor y = o.run1();
    EXPECT_EQ(y.dtype(), DataType::Int64);
    EXPECT_EQ(y.shape(), (std::vector<int64_t>{2, 4}));
    EXPECT_EQ(ints_of(y), expected);
  }
  {
    OneOp o;
    o.in("x", x).out("y", {2, 1, 4}, paddle::DType::Int32);
    o.op("arg_max", {{"X", {"x"}}}, {{"Out", {"y"}}}, {{"axis", int64_t{-2}}, {"keepdims", true}, {"dtype", int64_t{2}}});
    const Tensor y = o.run1();
    EXPECT_EQ(y.dtype(), DataType::Int32);
    EXPECT_EQ(y.shape(), (std::vector<int64_t>{2, 1, 4}));
    EXPECT_EQ(ints_of(y), expected);
  }
  {
    OneOp o;
    o.in("x", x).out("y", {}, paddle::DType::Int64).op("arg_max", {{"X", {"x"}}}, {{"Out", {"y"}}}, {{"axis", int64_t{0}}, {"flatten", true}});
    const auto v = x.values<float>();
    EXPECT_EQ(ints_of(o.run1()), (std::vector<int64_t>{std::max_element(v.begin(), v.end()) - v.begin()}));
  }
}

/// Reduces x [2, 3, 4] over `dims` (empty: all) with `f`, starting from `init`.
Tensor reduce_ref(const Tensor& x, std::vector<int64_t> dims, bool keep, double init, const std::function<double(double, double)>& f,
                  bool mean) {
  const std::vector<int64_t> shape = {2, 3, 4};
  std::vector<bool> reduced(3, dims.empty());
  for (int64_t d : dims) reduced[static_cast<std::size_t>(d < 0 ? d + 3 : d)] = true;
  std::vector<int64_t> out_shape;
  for (std::size_t d = 0; d < 3; ++d)
    if (!reduced[d]) out_shape.push_back(shape[d]);
    else if (keep) out_shape.push_back(1);
  std::vector<double> acc(12 * 2, init);
  std::vector<int64_t> count(acc.size(), 0);
  const std::size_t n_out = [&] { std::size_t n = 1; for (auto d : out_shape) n *= static_cast<std::size_t>(d); return n; }();
  for (int64_t i = 0; i < 24; ++i) {
    const int64_t idx[3] = {i / 12, i / 4 % 3, i % 4};
    int64_t o = 0;
    for (std::size_t d = 0; d < 3; ++d)
      if (!reduced[d]) o = o * shape[d] + idx[d];
    acc[static_cast<std::size_t>(o)] = f(acc[static_cast<std::size_t>(o)], x.data<float>()[i]);
    ++count[static_cast<std::size_t>(o)];
  }
  Tensor out(out_shape, DataType::Float32);
  for (std::size_t o = 0; o < n_out; ++o) out.data<float>()[o] = static_cast<float>(mean ? acc[o] / static_cast<double>(count[o]) : acc[o]);
  return out;
}

TEST_F(ConvertOpNn, ReduceDimsKeepDimAndReduceAll) {
  const Tensor x = random_tensor({2, 3, 4}, 84);
  auto sum = [](double a, double b) { return a + b; };
  auto mx = [](double a, double b) { return std::max(a, b); };
  struct Case {
    const char* type;
    std::vector<int64_t> dims;
    bool keep, all;
  };
  for (const Case& c : {Case{"reduce_mean", {1, 2}, false, false}, Case{"reduce_mean", {-1}, true, false}, Case{"reduce_sum", {0, 2}, true, false},
                        Case{"reduce_sum", {1}, false, false}, Case{"reduce_max", {-2}, false, false}, Case{"reduce_max", {0}, true, true},
                        Case{"reduce_sum", {0}, false, true}}) {
    const bool is_max = std::string(c.type) == "reduce_max";
    const Tensor expected = reduce_ref(x, c.all ? std::vector<int64_t>{} : c.dims, c.keep, is_max ? -INFINITY : 0.0, is_max ? mx : sum,
                                       std::string(c.type) == "reduce_mean");
    OneOp o;
    o.in("x", x).out("y", expected.shape());
    o.op(c.type, {{"X", {"x"}}}, {{"Out", {"y"}}}, {{"dim", c.dims}, {"keep_dim", c.keep}, {"reduce_all", c.all}});
    EXPECT_TRUE(all_close(o.run1(), expected)) << c.type << " " << testing::PrintToString(c.dims) << " keep " << c.keep << " all " << c.all;
  }
}

TEST(ConvertOpCoverage, EveryMapperHasANumericalTest) {
  // The op lists are registered by each test_convert_ops_*.cpp; an op mapped without a test fails here.
  for (const auto& op : convert::supported_ops()) EXPECT_TRUE(tested_ops().count(op)) << op << " has no numerical test";
  for (const auto& op : tested_ops()) {
    const auto all = convert::supported_ops();
    EXPECT_NE(std::find(all.begin(), all.end(), op), all.end()) << op << " is tested but has no mapper";
  }
}

}  // namespace
}  // namespace hpocr::test
