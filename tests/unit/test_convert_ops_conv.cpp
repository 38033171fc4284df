// Numerical tests of the convolution, pooling and batch-norm mappers: one-op Paddle programs converted and
// run in ONNX Runtime, compared with plain-loop references of Paddle's semantics (convert_reference.h).
#include <gtest/gtest.h>

#include "convert_reference.h"
#include "unit_helpers.h"

namespace hpocr::test {
namespace {

/// Declares the conv's tensors on `o` (input x, filter w, optional bias b, output y); returns Paddle's input slots.
std::map<std::string, std::vector<std::string>> conv_inputs(OneOp& o, const Tensor& x, const Tensor& w, const Tensor* b,
                                                            const std::vector<int64_t>& y_shape) {
  o.in("x", x).weight("w", w).out("y", y_shape);
  std::map<std::string, std::vector<std::string>> inputs = {{"Input", {"x"}}, {"Filter", {"w"}}};
  if (b) {
    o.weight("b", *b);
    inputs["Bias"] = {"b"};
  }
  return inputs;
}

const bool registered = register_tested_ops(
    {"conv2d", "depthwise_conv2d", "conv2d_transpose", "depthwise_conv2d_transpose", "pool2d", "batch_norm"});

/// Runs the program and compares; a conversion or run error becomes a failure of this case, not of the test.
testing::AssertionResult run_and_compare(const OneOp& o, const Tensor& expected) {
  try {
    return all_close(o.run1(), expected);
  } catch (const std::exception& e) {
    return testing::AssertionFailure() << e.what();
  }
}

class ConvertOpConv : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!onnxruntime_available()) GTEST_SKIP() << "ONNX Runtime is not available";
  }
};

struct ConvCase {
  std::string type = "conv2d";
  std::vector<int64_t> x_shape{}, w_shape{}, strides{1, 1}, paddings{0, 0}, dilations{1, 1};
  int64_t groups = 1;
  std::string algorithm = "EXPLICIT";
  bool bias = false;
};

/// Runs one conv2d and compares with the reference; SAME resets the dilation to 1, as Paddle does.
testing::AssertionResult check_conv(const ConvCase& c) {
  const Tensor x = random_tensor(c.x_shape, 1), w = random_tensor(c.w_shape, 2), b = random_tensor({c.w_shape[0]}, 3);
  std::vector<int64_t> dil = c.algorithm == "SAME" ? std::vector<int64_t>{1, 1} : c.dilations;
  const ref::Pads p = ref::paddle_pads(c.algorithm, c.paddings, c.x_shape[2], c.x_shape[3], (c.w_shape[2] - 1) * dil[0] + 1,
                                       (c.w_shape[3] - 1) * dil[1] + 1, c.strides[0], c.strides[1]);
  const Tensor expected = ref::conv2d(x, w, c.bias ? &b : nullptr, c.strides, p, dil, c.groups);
  OneOp o;
  const auto inputs = conv_inputs(o, x, w, c.bias ? &b : nullptr, expected.shape());
  o.op(c.type, inputs, {{"Output", {"y"}}},
       {{"strides", c.strides}, {"paddings", c.paddings}, {"dilations", c.dilations}, {"groups", c.groups},
        {"padding_algorithm", c.algorithm}, {"data_format", std::string("NCHW")}});
  return run_and_compare(o, expected);
}

TEST_F(ConvertOpConv, Conv2dPlain) { EXPECT_TRUE(check_conv({.x_shape = {1, 3, 6, 7}, .w_shape = {4, 3, 3, 3}})); }

TEST_F(ConvertOpConv, Conv2dStride2WithBias) {
  EXPECT_TRUE(check_conv({.x_shape = {2, 3, 7, 8}, .w_shape = {5, 3, 3, 3}, .strides = {2, 2}, .paddings = {1, 1}, .bias = true}));
}

TEST_F(ConvertOpConv, Conv2dDilation2) {
  EXPECT_TRUE(check_conv({.x_shape = {1, 2, 9, 9}, .w_shape = {3, 2, 3, 3}, .paddings = {2, 1}, .dilations = {2, 2}}));
}

TEST_F(ConvertOpConv, Conv2dGroups) {
  EXPECT_TRUE(check_conv({.x_shape = {1, 4, 6, 6}, .w_shape = {6, 2, 3, 3}, .paddings = {1, 1}, .groups = 2}));
}

TEST_F(ConvertOpConv, DepthwiseConv2d) {
  EXPECT_TRUE(check_conv({.type = "depthwise_conv2d", .x_shape = {1, 3, 7, 6}, .w_shape = {3, 1, 3, 3}, .strides = {2, 2},
                          .paddings = {1, 1}, .groups = 3, .bias = true}));
}

TEST_F(ConvertOpConv, Conv2dAsymmetricFourValuePaddingsAreTopBottomLeftRight) {
  EXPECT_TRUE(check_conv({.x_shape = {1, 2, 5, 6}, .w_shape = {3, 2, 3, 2}, .paddings = {0, 2, 1, 3}}));
}

TEST_F(ConvertOpConv, Conv2dSameWithOddInputPadsAtTheEnd) {
  EXPECT_TRUE(check_conv({.x_shape = {1, 2, 7, 8}, .w_shape = {3, 2, 3, 3}, .strides = {2, 2}, .algorithm = "SAME"}));
  EXPECT_TRUE(check_conv({.x_shape = {1, 2, 6, 5}, .w_shape = {3, 2, 4, 2}, .algorithm = "SAME"}));
}

TEST_F(ConvertOpConv, Conv2dSameIgnoresDilationAsPaddleDoes) {
  EXPECT_TRUE(check_conv({.x_shape = {1, 2, 7, 7}, .w_shape = {3, 2, 3, 3}, .dilations = {2, 2}, .algorithm = "SAME"}));
}

TEST_F(ConvertOpConv, Conv2dValidIgnoresPaddings) {
  EXPECT_TRUE(check_conv({.x_shape = {1, 2, 7, 6}, .w_shape = {3, 2, 3, 3}, .strides = {2, 1}, .paddings = {3, 3}, .algorithm = "VALID"}));
}

struct TransposeCase {
  std::string type = "conv2d_transpose";
  std::vector<int64_t> x_shape{}, w_shape{}, strides{1, 1}, paddings{0, 0}, dilations{1, 1}, output_padding{};
  int64_t groups = 1;
  std::string algorithm = "EXPLICIT";
  bool bias = false;
};

testing::AssertionResult check_conv_transpose(const TransposeCase& c) {
  const Tensor x = random_tensor(c.x_shape, 4), w = random_tensor(c.w_shape, 5), b = random_tensor({c.w_shape[1] * c.groups}, 6);
  std::vector<int64_t> dil = c.algorithm == "SAME" ? std::vector<int64_t>{1, 1} : c.dilations;
  const ref::Pads p = ref::paddle_pads(c.algorithm, c.paddings, c.x_shape[2], c.x_shape[3], c.w_shape[2], c.w_shape[3], c.strides[0],
                                       c.strides[1]);
  const Tensor expected = ref::conv2d_transpose(x, w, c.bias ? &b : nullptr, c.strides, p, dil, c.groups,
                                                c.output_padding.empty() ? std::vector<int64_t>{0, 0} : c.output_padding);
  OneOp o;
  const auto inputs = conv_inputs(o, x, w, c.bias ? &b : nullptr, expected.shape());
  o.op(c.type, inputs, {{"Output", {"y"}}},
       {{"strides", c.strides}, {"paddings", c.paddings}, {"dilations", c.dilations}, {"groups", c.groups},
        {"output_padding", c.output_padding}, {"padding_algorithm", c.algorithm}, {"data_format", std::string("NCHW")}});
  return run_and_compare(o, expected);
}

TEST_F(ConvertOpConv, Conv2dTransposeStride2Padding) {
  EXPECT_TRUE(check_conv_transpose({.x_shape = {1, 3, 4, 5}, .w_shape = {3, 2, 3, 3}, .strides = {2, 2}, .paddings = {1, 1}, .bias = true}));
}

TEST_F(ConvertOpConv, Conv2dTransposeAsymmetricPaddingsAndDilation) {
  EXPECT_TRUE(check_conv_transpose({.x_shape = {1, 2, 4, 4}, .w_shape = {2, 3, 3, 2}, .strides = {2, 1}, .paddings = {0, 1, 1, 0},
                                    .dilations = {2, 1}}));
}

TEST_F(ConvertOpConv, Conv2dTransposeOutputPadding) {
  EXPECT_TRUE(check_conv_transpose(
      {.x_shape = {1, 2, 3, 4}, .w_shape = {2, 2, 3, 3}, .strides = {2, 2}, .paddings = {1, 1}, .output_padding = {1, 1}}));
}

TEST_F(ConvertOpConv, Conv2dTransposeGroups) {
  EXPECT_TRUE(check_conv_transpose({.x_shape = {1, 4, 3, 3}, .w_shape = {4, 3, 2, 2}, .strides = {2, 2}, .groups = 2}));
}

TEST_F(ConvertOpConv, DepthwiseConv2dTranspose) {
  EXPECT_TRUE(check_conv_transpose({.type = "depthwise_conv2d_transpose", .x_shape = {1, 3, 4, 4}, .w_shape = {3, 1, 4, 4},
                                    .strides = {2, 2}, .paddings = {1, 1}, .groups = 3, .bias = true}));
}

TEST_F(ConvertOpConv, Conv2dTransposeSameAndValid) {
  EXPECT_TRUE(check_conv_transpose({.x_shape = {1, 2, 5, 4}, .w_shape = {2, 2, 3, 3}, .strides = {2, 2}, .algorithm = "SAME"}));
  EXPECT_TRUE(check_conv_transpose({.x_shape = {1, 2, 3, 4}, .w_shape = {2, 2, 3, 3}, .strides = {2, 2}, .paddings = {1, 1}, .algorithm = "VALID"}));
}

struct PoolCase {
  std::vector<int64_t> x_shape{}, ksize{}, strides{1, 1}, paddings{0, 0};
  std::string type = "max";
  bool ceil_mode = false, exclusive = true, global = false, adaptive = false;
  std::string algorithm = "EXPLICIT";
};

testing::AssertionResult check_pool(const PoolCase& c) {
  const Tensor x = random_tensor(c.x_shape, 7);
  const bool avg = c.type == "avg";
  Tensor expected;
  if (c.global) {
    expected = ref::adaptive_pool2d(x, 1, 1, avg);
  } else if (c.adaptive) {
    expected = ref::adaptive_pool2d(x, c.ksize[0], c.ksize[1], avg);
  } else {
    const ref::Pads p = ref::paddle_pads(c.algorithm, c.paddings, c.x_shape[2], c.x_shape[3], c.ksize[0], c.ksize[1], c.strides[0], c.strides[1]);
    expected = ref::pool2d(x, c.ksize, c.strides, p, avg, c.ceil_mode, c.exclusive);
  }
  OneOp o;
  o.in("x", x).out("y", expected.shape());
  o.op("pool2d", {{"X", {"x"}}}, {{"Out", {"y"}}},
       {{"pooling_type", c.type}, {"ksize", c.ksize}, {"strides", c.strides}, {"paddings", c.paddings}, {"ceil_mode", c.ceil_mode},
        {"exclusive", c.exclusive}, {"global_pooling", c.global}, {"adaptive", c.adaptive}, {"padding_algorithm", c.algorithm},
        {"data_format", std::string("NCHW")}});
  return run_and_compare(o, expected);
}

TEST_F(ConvertOpConv, Pool2dMaxWithStrideAndPadding) {
  EXPECT_TRUE(check_pool({.x_shape = {1, 2, 7, 8}, .ksize = {3, 3}, .strides = {2, 2}, .paddings = {1, 1}}));
  EXPECT_TRUE(check_pool({.x_shape = {1, 2, 6, 7}, .ksize = {2, 3}, .strides = {2, 1}, .paddings = {0, 1, 1, 0}}));
}

TEST_F(ConvertOpConv, Pool2dAvgExclusiveAndInclusivePadding) {
  EXPECT_TRUE(check_pool({.x_shape = {1, 2, 5, 6}, .ksize = {3, 3}, .strides = {2, 2}, .paddings = {1, 1}, .type = "avg", .exclusive = true}));
  EXPECT_TRUE(check_pool({.x_shape = {1, 2, 5, 6}, .ksize = {3, 3}, .strides = {2, 2}, .paddings = {1, 1}, .type = "avg", .exclusive = false}));
}

TEST_F(ConvertOpConv, Pool2dCeilMode) {
  EXPECT_TRUE(check_pool({.x_shape = {1, 2, 6, 7}, .ksize = {3, 3}, .strides = {2, 2}, .ceil_mode = true}));
  EXPECT_TRUE(check_pool({.x_shape = {1, 2, 6, 7}, .ksize = {2, 2}, .strides = {2, 2}, .type = "avg", .ceil_mode = true}));
}

TEST_F(ConvertOpConv, Pool2dCeilModeWithPadding) {
  // The last window reaches past the bottom/right padding: Paddle still divides by kh * kw when not exclusive.
  EXPECT_TRUE(check_pool({.x_shape = {1, 2, 6, 6}, .ksize = {3, 3}, .strides = {2, 2}, .paddings = {1, 1}, .type = "max", .ceil_mode = true}));
  EXPECT_TRUE(check_pool({.x_shape = {1, 2, 6, 6}, .ksize = {3, 3}, .strides = {2, 2}, .paddings = {1, 1}, .type = "avg", .ceil_mode = true,
                          .exclusive = true}));
  EXPECT_TRUE(check_pool({.x_shape = {1, 2, 6, 6}, .ksize = {3, 3}, .strides = {2, 2}, .paddings = {1, 1}, .type = "avg", .ceil_mode = true,
                          .exclusive = false}));
  EXPECT_TRUE(check_pool({.x_shape = {1, 2, 7, 6}, .ksize = {3, 2}, .strides = {3, 2}, .paddings = {0, 2, 1, 0}, .type = "avg",
                          .ceil_mode = true, .exclusive = false}));
}

TEST_F(ConvertOpConv, Pool2dSameAndValid) {
  EXPECT_TRUE(check_pool({.x_shape = {1, 2, 7, 6}, .ksize = {3, 3}, .strides = {2, 2}, .algorithm = "SAME"}));
  EXPECT_TRUE(check_pool({.x_shape = {1, 2, 7, 6}, .ksize = {2, 2}, .strides = {2, 2}, .paddings = {1, 1}, .type = "avg", .algorithm = "VALID"}));
  EXPECT_TRUE(check_pool({.x_shape = {1, 2, 7, 6}, .ksize = {3, 3}, .strides = {2, 2}, .type = "avg", .exclusive = false, .algorithm = "SAME"}));
  EXPECT_TRUE(check_pool({.x_shape = {1, 2, 7, 6}, .ksize = {3, 3}, .strides = {2, 2}, .type = "avg", .exclusive = true, .algorithm = "SAME"}));
}

TEST_F(ConvertOpConv, Pool2dGlobal) {
  EXPECT_TRUE(check_pool({.x_shape = {2, 3, 5, 7}, .ksize = {2, 2}, .type = "avg", .global = true}));
  EXPECT_TRUE(check_pool({.x_shape = {2, 3, 5, 7}, .ksize = {2, 2}, .type = "max", .global = true}));
}

TEST_F(ConvertOpConv, Pool2dAdaptiveOneByOneAndDivisible) {
  EXPECT_TRUE(check_pool({.x_shape = {1, 3, 5, 7}, .ksize = {1, 1}, .type = "avg", .adaptive = true}));
  EXPECT_TRUE(check_pool({.x_shape = {1, 2, 6, 8}, .ksize = {3, 2}, .type = "avg", .adaptive = true}));
  EXPECT_TRUE(check_pool({.x_shape = {1, 2, 6, 8}, .ksize = {2, 4}, .type = "max", .adaptive = true}));
}

TEST_F(ConvertOpConv, Pool2dAdaptiveNonDivisibleAndUpsampling) {
  EXPECT_TRUE(check_pool({.x_shape = {1, 2, 7, 10}, .ksize = {3, 4}, .type = "avg", .adaptive = true}));
  EXPECT_TRUE(check_pool({.x_shape = {1, 2, 7, 10}, .ksize = {3, 4}, .type = "max", .adaptive = true}));
  EXPECT_TRUE(check_pool({.x_shape = {1, 2, 2, 25}, .ksize = {1, 40}, .type = "avg", .adaptive = true}));
  EXPECT_TRUE(check_pool({.x_shape = {1, 2, 2, 25}, .ksize = {1, 40}, .type = "max", .adaptive = true}));
}

TEST_F(ConvertOpConv, BatchNorm) {
  const Tensor x = random_tensor({2, 3, 4, 5}, 8), scale = random_tensor({3}, 9), bias = random_tensor({3}, 10),
               mean = random_tensor({3}, 11), var = random_tensor({3}, 12, 0.1f, 2.f);
  const double eps = 1e-3;
  Tensor expected(x.shape(), DataType::Float32);
  for (int64_t i = 0; i < x.numel(); ++i) {
    const int64_t c = (i / 20) % 3;
    expected.data<float>()[i] = static_cast<float>((x.data<float>()[i] - mean.data<float>()[c]) / std::sqrt(var.data<float>()[c] + eps) *
                                                       scale.data<float>()[c] + bias.data<float>()[c]);
  }
  OneOp o;
  o.in("x", x).weight("s", scale).weight("b", bias).weight("m", mean).weight("v", var).out("y", x.shape());
  o.op("batch_norm", {{"X", {"x"}}, {"Scale", {"s"}}, {"Bias", {"b"}}, {"Mean", {"m"}}, {"Variance", {"v"}}}, {{"Y", {"y"}}},
       {{"epsilon", eps}, {"is_test", true}, {"data_layout", std::string("NCHW")}});
  EXPECT_TRUE(all_close(o.run1(), expected));
}

TEST_F(ConvertOpConv, Conv2dTransposeSameWithADynamicInputSizeIsRefused) {
  ProgramBuilder b;
  b.input("x", {1, 2, -1, -1}).param("w", to_const(random_tensor({2, 2, 3, 3}, 1))).var("y", {1, 2, -1, -1}).output("y");
  b.op("conv2d_transpose", {{"Input", {"x"}}, {"Filter", {"w"}}}, {{"Output", {"y"}}},
       {{"strides", std::vector<int64_t>{2, 2}}, {"padding_algorithm", std::string("SAME")}});
  convert::ConvertOptions options;
  EXPECT_TRUE(throws_error([&] { convert::convert_program(b.program(), options); }, ErrorCode::UnsupportedOp, "SAME padding needs a static input"));
}

TEST_F(ConvertOpConv, NhwcLayoutIsRefused) {
  OneOp o;
  o.in("x", random_tensor({1, 4, 4, 2}, 1)).weight("w", random_tensor({3, 2, 1, 1}, 2)).out("y", {1, 4, 4, 3});
  o.op("conv2d", {{"Input", {"x"}}, {"Filter", {"w"}}}, {{"Output", {"y"}}}, {{"data_format", std::string("NHWC")}});
  EXPECT_TRUE(throws_error([&] { o.convert(); }, ErrorCode::UnsupportedOp, "NHWC"));
}

}  // namespace
}  // namespace hpocr::test
