// Element-wise arithmetic, activations, scale, clip and cast.
#include <cmath>

#include "convert/graph_builder.h"

namespace hpocr::convert {
namespace {
using paddle::Op;

/// Legacy elementwise ops align Y with X starting at dimension `axis` (X [N,C,H,W] + Y [C] with axis 1);
/// ONNX broadcasts from the trailing dimension, so Y gets trailing unit dimensions. axis -1 (and every PIR
/// op) is already numpy broadcasting.
std::string aligned_y(const Op& op, GraphBuilder& g) {
  const std::string y = op.required_input("Y");
  const int64_t axis = op.attr_int("axis", -1);
  if (axis < 0) return g.use(y);
  const int64_t rx = g.rank(op.required_input("X"), op), ry = g.rank(y, op);
  const int64_t trailing = rx - axis - ry;
  if (trailing < 0) g.unsupported(op, "axis " + std::to_string(axis) + " does not fit ranks " + std::to_string(rx) + " and " + std::to_string(ry));
  if (trailing == 0) return g.use(y);
  if (const paddle::ConstTensor* c = g.constant(y)) {
    paddle::ConstTensor reshaped = *c;
    reshaped.shape.insert(reshaped.shape.end(), static_cast<std::size_t>(trailing), 1);
    return g.const_tensor(reshaped);
  }
  std::vector<int64_t> axes;
  for (int64_t i = 0; i < trailing; ++i) axes.push_back(ry + i);
  const std::string out = g.fresh(y + "_aligned");
  g.node("Unsqueeze", {g.use(y), g.const_i64(axes)}, {out});
  return out;
}

Mapper binary(std::string onnx_op) {
  return [onnx_op](const Op& op, GraphBuilder& g) {
    const std::string x = g.use(op.required_input("X"));
    g.node(onnx_op, {x, aligned_y(op, g)}, {op.output("Out")});
  };
}

Mapper unary(std::string onnx_op) {
  return [onnx_op](const Op& op, GraphBuilder& g) { g.node(onnx_op, {g.use(op.required_input("X"))}, {op.output("Out")}); };
}

void relu6(const Op& op, GraphBuilder& g) {
  const std::string x = g.use(op.required_input("X"));
  g.node("Clip", {x, g.scalar_like(0, x), g.scalar_like(op.attr_float("threshold", 6.0), x)}, {op.output("Out")});
}

void square(const Op& op, GraphBuilder& g) {
  const std::string x = g.use(op.required_input("X"));
  g.node("Mul", {x, x}, {op.output("Out")});
}

void rsqrt(const Op& op, GraphBuilder& g) {
  const std::string x = g.use(op.required_input("X")), root = g.fresh("sqrt");
  g.node("Sqrt", {x}, {root});
  g.node("Reciprocal", {root}, {op.output("Out")});
}

void leaky_relu(const Op& op, GraphBuilder& g) {
  auto& n = g.node("LeakyRelu", {g.use(op.required_input("X"))}, {op.output("Out")});
  attr_f(n, "alpha", static_cast<float>(op.attr_float("alpha", 0.02)));
}

/// beta x > threshold ? x : log(1 + exp(beta x)) / beta (Paddle's threshold is part of the result, not only an
/// overflow guard: with threshold 1, x = 2 gives 2, not 2.13).
void softplus(const Op& op, GraphBuilder& g) {
  const double beta = op.attr_float("beta", 1.0), threshold = op.attr_float("threshold", 20.0);
  const std::string x = g.use(op.required_input("X"));
  std::string bx = x, sp = g.fresh("softplus");
  if (beta != 1.0) {
    bx = g.fresh("beta_x");
    g.node("Mul", {x, g.scalar_like(beta, x)}, {bx});
    const std::string raw = g.fresh("softplus_bx");
    g.node("Softplus", {bx}, {raw});
    g.node("Div", {raw, g.scalar_like(beta, x)}, {sp});
  } else {
    g.node("Softplus", {x}, {sp});
  }
  const std::string linear = g.fresh("linear");
  g.node("Greater", {bx, g.scalar_like(threshold, x)}, {linear});
  g.node("Where", {linear, x, sp}, {op.output("Out")});
}

/// x * sigmoid(beta * x) (swish, and PIR silu with beta 1).
void swish(const Op& op, GraphBuilder& g) {
  const std::string x = g.use(op.required_input("X"));
  std::string arg = x;
  if (const double beta = op.attr_float("beta", 1.0); beta != 1.0) {
    arg = g.fresh("beta_x");
    g.node("Mul", {x, g.scalar_like(beta, x)}, {arg});
  }
  const std::string sig = g.fresh("sigmoid");
  g.node("Sigmoid", {arg}, {sig});
  g.node("Mul", {x, sig}, {op.output("Out")});
}

void gelu(const Op& op, GraphBuilder& g) {
  const std::string x = g.use(op.required_input("X"));
  std::string inner;
  if (op.attr_bool("approximate", false)) {
    // 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))
    const std::string x3 = g.fresh("x3"), cubic = g.fresh("cubic"), sum = g.fresh("sum"), arg = g.fresh("arg");
    const std::string x2 = g.fresh("x2");
    g.node("Mul", {x, x}, {x2});
    g.node("Mul", {x2, x}, {x3});
    g.node("Mul", {x3, g.scalar_like(0.044715, x)}, {cubic});
    g.node("Add", {x, cubic}, {sum});
    g.node("Mul", {sum, g.scalar_like(std::sqrt(2.0 / M_PI), x)}, {arg});
    inner = g.fresh("tanh");
    g.node("Tanh", {arg}, {inner});
  } else {
    // 0.5 x (1 + erf(x / sqrt 2))
    const std::string arg = g.fresh("arg");
    g.node("Mul", {x, g.scalar_like(M_SQRT1_2, x)}, {arg});
    inner = g.fresh("erf");
    g.node("Erf", {arg}, {inner});
  }
  const std::string one_plus = g.fresh("one_plus"), half_x = g.fresh("half_x");
  g.node("Add", {inner, g.scalar_like(1.0, x)}, {one_plus});
  g.node("Mul", {x, g.scalar_like(0.5, x)}, {half_x});
  g.node("Mul", {half_x, one_plus}, {op.output("Out")});
}

void hard_sigmoid(const Op& op, GraphBuilder& g) {
  auto& n = g.node("HardSigmoid", {g.use(op.required_input("X"))}, {op.output("Out")});
  attr_f(n, "alpha", static_cast<float>(op.attr_float("slope", 0.2)));
  attr_f(n, "beta", static_cast<float>(op.attr_float("offset", 0.5)));
}

/// x * min(max(x + offset, 0), threshold) / scale; ONNX HardSwish is the 3/6/6 case.
void hard_swish(const Op& op, GraphBuilder& g) {
  const double threshold = op.attr_float("threshold", 6.0), scale = op.attr_float("scale", 6.0), offset = op.attr_float("offset", 3.0);
  const std::string x = g.use(op.required_input("X"));
  if (g.opset() >= 14 && threshold == 6.0 && scale == 6.0 && offset == 3.0) {
    g.node("HardSwish", {x}, {op.output("Out")});
    return;
  }
  const std::string shifted = g.fresh("shifted"), clipped = g.fresh("clipped"), prod = g.fresh("prod");
  g.node("Add", {x, g.scalar_like(offset, x)}, {shifted});
  g.node("Clip", {shifted, g.scalar_like(0.0, x), g.scalar_like(threshold, x)}, {clipped});
  g.node("Mul", {x, clipped}, {prod});
  g.node("Div", {prod, g.scalar_like(scale, x)}, {op.output("Out")});
}

/// bias_after_scale ? x * scale + bias : (x + bias) * scale; the scale may be a tensor (ScaleTensor).
void scale(const Op& op, GraphBuilder& g) {
  const std::string x = g.use(op.required_input("X")), out = op.output("Out");
  const double bias = op.attr_float("bias", 0.0);
  const bool after = op.attr_bool("bias_after_scale", true);
  std::string factor;
  if (auto t = op.input("ScaleTensor")) factor = g.use(*t);
  else if (const double s = op.attr_float("scale", 1.0); s != 1.0) factor = g.scalar_like(s, x);
  if (factor.empty() && bias == 0.0) {
    g.node("Identity", {x}, {out});
    return;
  }
  if (factor.empty()) {
    g.node("Add", {x, g.scalar_like(bias, x)}, {out});
    return;
  }
  if (bias == 0.0) {
    g.node("Mul", {x, factor}, {out});
    return;
  }
  const std::string mid = g.fresh("scale_mid");
  if (after) {
    g.node("Mul", {x, factor}, {mid});
    g.node("Add", {mid, g.scalar_like(bias, x)}, {out});
  } else {
    g.node("Add", {x, g.scalar_like(bias, x)}, {mid});
    g.node("Mul", {mid, factor}, {out});
  }
}

/// A scalar bound for Clip: a tensor input (reshaped to a scalar) or the attribute.
std::string clip_bound(const Op& op, GraphBuilder& g, const std::string& slot, const std::string& attr, double fallback,
                       const std::string& x) {
  if (auto t = op.input(slot)) {
    const std::string s = g.fresh(attr);
    g.node("Reshape", {g.use(*t), g.const_i64({})}, {s});
    return s;
  }
  return g.scalar_like(op.attr_float(attr, fallback), x);
}

void clip(const Op& op, GraphBuilder& g) {
  const std::string x = g.use(op.required_input("X"));
  const std::string lo = clip_bound(op, g, "Min", "min", -3.4028234663852886e38, x);
  const std::string hi = clip_bound(op, g, "Max", "max", 3.4028234663852886e38, x);
  g.node("Clip", {x, lo, hi}, {op.output("Out")});
}

void cast(const Op& op, GraphBuilder& g) {
  const auto to = static_cast<paddle::DType>(op.attr_int("out_dtype", static_cast<int64_t>(paddle::DType::Float32)));
  auto& n = g.node("Cast", {g.use(op.required_input("X"))}, {op.output("Out")});
  attr_i(n, "to", onnx_type(to));
}

void pow_op(const Op& op, GraphBuilder& g) {
  const std::string x = g.use(op.required_input("X"));
  const std::string e = op.input("FactorTensor") ? g.use(op.required_input("FactorTensor")) : g.scalar_like(op.attr_float("factor", 1.0), x);
  g.node("Pow", {x, e}, {op.output("Out")});
}

}  // namespace

void register_math_ops(MapperTable& t) {
  t["elementwise_add"] = binary("Add");
  t["elementwise_sub"] = binary("Sub");
  t["elementwise_mul"] = binary("Mul");
  t["elementwise_div"] = binary("Div");
  t["elementwise_max"] = binary("Max");
  t["elementwise_min"] = binary("Min");
  t["elementwise_pow"] = binary("Pow");
  const std::pair<const char*, const char*> unaries[] = {
      {"relu", "Relu"},   {"sigmoid", "Sigmoid"}, {"tanh", "Tanh"},   {"exp", "Exp"},   {"log", "Log"},
      {"sqrt", "Sqrt"},   {"abs", "Abs"},         {"floor", "Floor"}, {"ceil", "Ceil"}, {"erf", "Erf"},
      {"sin", "Sin"},     {"cos", "Cos"},         {"sign", "Sign"},   {"reciprocal", "Reciprocal"}};
  for (auto [paddle_op, onnx_op] : unaries) t[paddle_op] = unary(onnx_op);
  t["relu6"] = relu6;
  t["square"] = square;
  t["rsqrt"] = rsqrt;
  t["leaky_relu"] = leaky_relu;
  t["softplus"] = softplus;
  t["swish"] = swish;
  t["gelu"] = gelu;
  t["hard_sigmoid"] = hard_sigmoid;
  t["hard_swish"] = hard_swish;
  t["scale"] = scale;
  t["clip"] = clip;
  t["cast"] = cast;
  t["pow"] = pow_op;
}

}  // namespace hpocr::convert
