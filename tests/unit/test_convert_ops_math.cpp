// Numerical tests of the element-wise mappers (binary ops with Paddle's legacy axis broadcast, activations,
// scale, clip, cast, pow) against plain-loop references of Paddle's formulas.
#include <gtest/gtest.h>

#include <cmath>

#include "convert_reference.h"
#include "unit_helpers.h"

namespace hpocr::test {
namespace {

const bool registered = register_tested_ops(
    {"elementwise_add", "elementwise_sub", "elementwise_mul", "elementwise_div", "elementwise_max", "elementwise_min", "elementwise_pow",
     "relu", "sigmoid", "tanh", "exp", "log", "sqrt", "abs", "floor", "ceil", "erf", "sin", "cos", "sign", "reciprocal", "relu6", "square",
     "rsqrt", "leaky_relu", "softplus", "swish", "gelu", "hard_sigmoid", "hard_swish", "scale", "clip", "cast", "pow"});

class ConvertOpMath : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!onnxruntime_available()) GTEST_SKIP() << "ONNX Runtime is not available";
  }
};

/// Paddle's legacy broadcast: Y's dimensions line up with X's from `axis` on (-1: from rank(X) - rank(Y));
/// a Y dimension of 1 repeats.
Tensor broadcast_ref(const Tensor& x, const Tensor& y, int64_t axis, const std::function<double(double, double)>& f) {
  const auto& xs = x.shape();
  const auto& ys = y.shape();
  const int64_t rx = static_cast<int64_t>(xs.size()), ry = static_cast<int64_t>(ys.size());
  if (axis < 0) axis = rx - ry;
  Tensor out(xs, DataType::Float32);
  std::vector<int64_t> idx(static_cast<std::size_t>(rx), 0);
  for (int64_t i = 0; i < x.numel(); ++i) {
    int64_t rem = i;
    for (int64_t d = rx - 1; d >= 0; --d) {
      idx[static_cast<std::size_t>(d)] = rem % xs[static_cast<std::size_t>(d)];
      rem /= xs[static_cast<std::size_t>(d)];
    }
    int64_t yi = 0;
    for (int64_t d = 0; d < ry; ++d) {
      const int64_t dim = ys[static_cast<std::size_t>(d)];
      yi = yi * dim + (dim == 1 ? 0 : idx[static_cast<std::size_t>(axis + d)]);
    }
    out.data<float>()[i] = static_cast<float>(f(x.data<float>()[i], y.data<float>()[yi]));
  }
  return out;
}

/// One elementwise op; Y is a weight (constant) or a second feed (run time).
testing::AssertionResult check_binary(const std::string& type, std::vector<int64_t> xs, std::vector<int64_t> ys, int64_t axis,
                                      bool constant_y, const std::function<double(double, double)>& f, float lo = -2.f, float hi = 2.f) {
  const Tensor x = random_tensor(xs, 21, lo, hi), y = random_tensor(ys, 22, lo, hi);
  OneOp o;
  o.in("x", x);
  if (constant_y) o.weight("y", y);
  else o.in("y", y);
  o.out("z", xs).op(type, {{"X", {"x"}}, {"Y", {"y"}}}, {{"Out", {"z"}}}, {{"axis", axis}});
  return all_close(o.run1(), broadcast_ref(x, y, axis, f));
}

TEST_F(ConvertOpMath, ElementwiseLegacyAxisBroadcast) {
  auto add = [](double a, double b) { return a + b; };
  for (bool constant_y : {true, false}) {
    SCOPED_TRACE(constant_y ? "constant Y" : "run-time Y");
    EXPECT_TRUE(check_binary("elementwise_add", {2, 3, 4, 5}, {3}, 1, constant_y, add));
    EXPECT_TRUE(check_binary("elementwise_add", {2, 3, 4, 5}, {3, 4}, 1, constant_y, add));
    EXPECT_TRUE(check_binary("elementwise_add", {2, 3, 4, 5}, {4}, 2, constant_y, add));
    EXPECT_TRUE(check_binary("elementwise_add", {2, 3, 4, 5}, {3, 1}, 1, constant_y, add));
    EXPECT_TRUE(check_binary("elementwise_add", {2, 3, 4, 5}, {4, 5}, -1, constant_y, add));
    EXPECT_TRUE(check_binary("elementwise_add", {2, 3, 4, 5}, {2, 3, 4, 5}, -1, constant_y, add));
    EXPECT_TRUE(check_binary("elementwise_add", {2, 3, 4, 5}, {1, 3, 1, 5}, 0, constant_y, add));
  }
}

TEST_F(ConvertOpMath, ElementwiseOps) {
  EXPECT_TRUE(check_binary("elementwise_sub", {2, 3, 4}, {3}, 1, false, [](double a, double b) { return a - b; }));
  EXPECT_TRUE(check_binary("elementwise_mul", {2, 3, 4}, {3, 4}, 1, true, [](double a, double b) { return a * b; }));
  EXPECT_TRUE(check_binary("elementwise_div", {2, 3, 4}, {4}, -1, false, [](double a, double b) { return a / b; }, 0.5f, 2.f));
  EXPECT_TRUE(check_binary("elementwise_max", {2, 3, 4}, {3}, 1, false, [](double a, double b) { return std::max(a, b); }));
  EXPECT_TRUE(check_binary("elementwise_min", {2, 3, 4}, {2, 3, 4}, -1, false, [](double a, double b) { return std::min(a, b); }));
  EXPECT_TRUE(check_binary("elementwise_pow", {2, 3, 4}, {3}, 1, true, [](double a, double b) { return std::pow(a, b); }, 0.5f, 2.f));
}

TEST_F(ConvertOpMath, ElementwiseAxisThatDoesNotFitIsRefused) {
  OneOp o;
  o.in("x", random_tensor({2, 3}, 1)).in("y", random_tensor({3, 4}, 2)).out("z", {2, 3});
  o.op("elementwise_add", {{"X", {"x"}}, {"Y", {"y"}}}, {{"Out", {"z"}}}, {{"axis", int64_t{1}}});
  EXPECT_TRUE(throws_error([&] { o.convert(); }, ErrorCode::UnsupportedOp, "axis 1"));
}

/// One unary op with attributes against f(x).
testing::AssertionResult check_unary(const std::string& type, const std::function<double(double)>& f, std::map<std::string, paddle::Attr> attrs = {},
                                     float lo = -3.f, float hi = 3.f, int opset = 16) {
  const Tensor x = random_tensor({2, 3, 4, 5}, 31, lo, hi);
  OneOp o;
  o.in("x", x).out("y", x.shape()).op(type, {{"X", {"x"}}}, {{"Out", {"y"}}}, std::move(attrs));
  return all_close(o.run1(opset), map_values(x, f));
}

TEST_F(ConvertOpMath, PlainActivations) {
  EXPECT_TRUE(check_unary("relu", [](double v) { return std::max(v, 0.0); }));
  EXPECT_TRUE(check_unary("sigmoid", [](double v) { return 1 / (1 + std::exp(-v)); }));
  EXPECT_TRUE(check_unary("tanh", [](double v) { return std::tanh(v); }));
  EXPECT_TRUE(check_unary("exp", [](double v) { return std::exp(v); }));
  EXPECT_TRUE(check_unary("log", [](double v) { return std::log(v); }, {}, 0.1f, 5.f));
  EXPECT_TRUE(check_unary("sqrt", [](double v) { return std::sqrt(v); }, {}, 0.f, 5.f));
  EXPECT_TRUE(check_unary("rsqrt", [](double v) { return 1 / std::sqrt(v); }, {}, 0.1f, 5.f));
  EXPECT_TRUE(check_unary("abs", [](double v) { return std::fabs(v); }));
  EXPECT_TRUE(check_unary("floor", [](double v) { return std::floor(v); }));
  EXPECT_TRUE(check_unary("ceil", [](double v) { return std::ceil(v); }));
  EXPECT_TRUE(check_unary("erf", [](double v) { return std::erf(v); }));
  EXPECT_TRUE(check_unary("sin", [](double v) { return std::sin(v); }));
  EXPECT_TRUE(check_unary("cos", [](double v) { return std::cos(v); }));
  EXPECT_TRUE(check_unary("sign", [](double v) { return static_cast<double>((v > 0) - (v < 0)); }));
  EXPECT_TRUE(check_unary("reciprocal", [](double v) { return 1 / v; }, {}, 0.2f, 3.f));
  EXPECT_TRUE(check_unary("square", [](double v) { return v * v; }));
}

TEST_F(ConvertOpMath, Relu6Threshold) {
  EXPECT_TRUE(check_unary("relu6", [](double v) { return std::clamp(v, 0.0, 6.0); }, {}, -8.f, 8.f));
  EXPECT_TRUE(check_unary("relu6", [](double v) { return std::clamp(v, 0.0, 2.5); }, {{"threshold", 2.5}}));
}

TEST_F(ConvertOpMath, LeakyReluAlpha) {
  EXPECT_TRUE(check_unary("leaky_relu", [](double v) { return v > 0 ? v : 0.3 * v; }, {{"alpha", 0.3}}));
}

TEST_F(ConvertOpMath, SoftplusBetaAndThreshold) {
  // Paddle: beta x > threshold ? x : log(1 + exp(beta x)) / beta
  auto softplus = [](double beta, double threshold) {
    return [=](double v) { return beta * v > threshold ? v : std::log1p(std::exp(beta * v)) / beta; };
  };
  EXPECT_TRUE(check_unary("softplus", softplus(1, 20), {}));
  EXPECT_TRUE(check_unary("softplus", softplus(2, 20), {{"beta", 2.0}, {"threshold", 20.0}}));
  EXPECT_TRUE(check_unary("softplus", softplus(1.5, 1.0), {{"beta", 1.5}, {"threshold", 1.0}}));
}

TEST_F(ConvertOpMath, SwishBeta) {
  EXPECT_TRUE(check_unary("swish", [](double v) { return v / (1 + std::exp(-v)); }));
  EXPECT_TRUE(check_unary("swish", [](double v) { return v / (1 + std::exp(-1.7 * v)); }, {{"beta", 1.7}}));
}

TEST_F(ConvertOpMath, GeluExactAndApproximate) {
  EXPECT_TRUE(check_unary("gelu", [](double v) { return 0.5 * v * (1 + std::erf(v / std::sqrt(2.0))); }, {{"approximate", false}}));
  EXPECT_TRUE(check_unary(
      "gelu", [](double v) { return 0.5 * v * (1 + std::tanh(std::sqrt(2 / M_PI) * (v + 0.044715 * v * v * v))); }, {{"approximate", true}}));
}

TEST_F(ConvertOpMath, HardSigmoidSlopeOffset) {
  EXPECT_TRUE(check_unary("hard_sigmoid", [](double v) { return std::clamp(0.2 * v + 0.5, 0.0, 1.0); }));
  EXPECT_TRUE(check_unary("hard_sigmoid", [](double v) { return std::clamp(0.3 * v + 0.4, 0.0, 1.0); }, {{"slope", 0.3}, {"offset", 0.4}}));
}

TEST_F(ConvertOpMath, HardSwishAttributesAtOpset13And16) {
  auto hs = [](double t, double s, double off) { return [=](double v) { return v * std::clamp(v + off, 0.0, t) / s; }; };
  for (int opset : {13, 16}) {
    SCOPED_TRACE("opset " + std::to_string(opset));
    EXPECT_TRUE(check_unary("hard_swish", hs(6, 6, 3), {}, -5.f, 5.f, opset));
    EXPECT_TRUE(check_unary("hard_swish", hs(6, 6, 3), {{"threshold", 6.0}, {"scale", 6.0}, {"offset", 3.0}}, -5.f, 5.f, opset));
    EXPECT_TRUE(check_unary("hard_swish", hs(5, 7, 2), {{"threshold", 5.0}, {"scale", 7.0}, {"offset", 2.0}}, -5.f, 5.f, opset));
  }
}

TEST_F(ConvertOpMath, ScaleBiasBeforeAndAfter) {
  EXPECT_TRUE(check_unary("scale", [](double v) { return v * 2.5 + 0.7; }, {{"scale", 2.5}, {"bias", 0.7}, {"bias_after_scale", true}}));
  EXPECT_TRUE(check_unary("scale", [](double v) { return (v + 0.7) * 2.5; }, {{"scale", 2.5}, {"bias", 0.7}, {"bias_after_scale", false}}));
  EXPECT_TRUE(check_unary("scale", [](double v) { return v * -1.5; }, {{"scale", -1.5}}));
  EXPECT_TRUE(check_unary("scale", [](double v) { return v + 0.25; }, {{"scale", 1.0}, {"bias", 0.25}}));
  EXPECT_TRUE(check_unary("scale", [](double v) { return v; }, {{"scale", 1.0}, {"bias", 0.0}}));
}

TEST_F(ConvertOpMath, ScaleTensor) {
  const Tensor x = random_tensor({3, 4}, 41), s = tensor_of({1}, {-0.75f});
  OneOp o;
  o.in("x", x).in("s", s).out("y", x.shape());
  o.op("scale", {{"X", {"x"}}, {"ScaleTensor", {"s"}}}, {{"Out", {"y"}}}, {{"bias", 1.0}, {"bias_after_scale", false}});
  EXPECT_TRUE(all_close(o.run1(), map_values(x, [](double v) { return (v + 1.0) * -0.75; })));
}

TEST_F(ConvertOpMath, ClipAttributesAndTensors) {
  EXPECT_TRUE(check_unary("clip", [](double v) { return std::clamp(v, -0.3, 0.5); }, {{"min", -0.3}, {"max", 0.5}}));
  const Tensor x = random_tensor({3, 4}, 42), lo = tensor_of({1}, {-0.1f}), hi = tensor_of({1}, {0.2f});
  OneOp o;
  o.in("x", x).in("lo", lo).in("hi", hi).out("y", x.shape());
  o.op("clip", {{"X", {"x"}}, {"Min", {"lo"}}, {"Max", {"hi"}}}, {{"Out", {"y"}}}, {{"min", -5.0}, {"max", 5.0}});
  EXPECT_TRUE(all_close(o.run1(), map_values(x, [](double v) { return std::clamp(v, -0.1, 0.2); })));
}

TEST_F(ConvertOpMath, CastTruncatesTowardsZero) {
  const Tensor x = tensor_of({2, 3}, {-1.7f, -0.2f, 0.f, 0.9f, 2.5f, 7.99f});
  for (auto [dtype, type] : {std::pair{paddle::DType::Int32, DataType::Int32}, std::pair{paddle::DType::Int64, DataType::Int64}}) {
    OneOp o;
    o.in("x", x).out("y", {2, 3}, dtype);
    o.op("cast", {{"X", {"x"}}}, {{"Out", {"y"}}}, {{"in_dtype", int64_t{5}}, {"out_dtype", static_cast<int64_t>(dtype)}});
    const Tensor y = o.run1();
    ASSERT_EQ(y.dtype(), type);
    EXPECT_EQ(ints_of(y), (std::vector<int64_t>{-1, 0, 0, 0, 2, 7}));
  }
  OneOp back;
  back.in("i", int_tensor_of({3}, {-4, 0, 9}, DataType::Int64)).out("f", {3});
  back.op("cast", {{"X", {"i"}}}, {{"Out", {"f"}}}, {{"in_dtype", int64_t{3}}, {"out_dtype", int64_t{5}}});
  EXPECT_TRUE(all_close(back.run1(), tensor_of({3}, {-4.f, 0.f, 9.f})));
}

TEST_F(ConvertOpMath, PowFactor) {
  EXPECT_TRUE(check_unary("pow", [](double v) { return std::pow(v, 2.5); }, {{"factor", 2.5}}, 0.1f, 3.f));
  EXPECT_TRUE(check_unary("pow", [](double v) { return v * v * v; }, {{"factor", 3.0}}));
  const Tensor x = random_tensor({3, 4}, 43, 0.1f, 2.f), e = tensor_of({1}, {1.5f});
  OneOp o;
  o.in("x", x).in("e", e).out("y", x.shape()).op("pow", {{"X", {"x"}}, {"FactorTensor", {"e"}}}, {{"Out", {"y"}}}, {{"factor", 9.0}});
  EXPECT_TRUE(all_close(o.run1(), map_values(x, [](double v) { return std::pow(v, 1.5); })));
}

}  // namespace
}  // namespace hpocr::test
