// Network-level ops: matmul, softmax, layer_norm, dropout, interpolation, grid sampling, reductions, argmax.
#include <numeric>

#include "convert/graph_builder.h"

namespace hpocr::convert {
namespace {
using paddle::DType;
using paddle::Op;

/// Swaps the last two dimensions of `var` (rank taken from the program).
std::string transpose_last2(const Op& op, GraphBuilder& g, const std::string& var) {
  const int64_t r = g.rank(var, op);
  if (r < 2) g.unsupported(op, "transposing a tensor of rank " + std::to_string(r));
  std::vector<int64_t> perm(static_cast<std::size_t>(r));
  std::iota(perm.begin(), perm.end(), 0);
  std::swap(perm[perm.size() - 1], perm[perm.size() - 2]);
  const std::string out = g.fresh(var + "_T");
  attr_ints(g.node("Transpose", {g.use(var)}, {out}), "perm", perm);
  return out;
}

void matmul_impl(const Op& op, GraphBuilder& g, bool tx, bool ty, double alpha) {
  const std::string x = op.required_input("X"), y = op.required_input("Y"), out = op.output("Out");
  const std::string a = tx ? transpose_last2(op, g, x) : g.use(x);
  const std::string b = ty ? transpose_last2(op, g, y) : g.use(y);
  if (alpha == 1.0) {
    g.node("MatMul", {a, b}, {out});
    return;
  }
  const std::string prod = g.fresh("matmul");
  g.node("MatMul", {a, b}, {prod});
  g.node("Mul", {prod, g.scalar_like(alpha, x)}, {out});
}

void matmul_v1(const Op& op, GraphBuilder& g) {
  matmul_impl(op, g, op.attr_bool("transpose_X", false), op.attr_bool("transpose_Y", false), op.attr_float("alpha", 1.0));
}

void matmul_v2(const Op& op, GraphBuilder& g) {
  matmul_impl(op, g, op.attr_bool("trans_x", false), op.attr_bool("trans_y", false), 1.0);
}

void softmax(const Op& op, GraphBuilder& g) {
  attr_i(g.node("Softmax", {g.use(op.required_input("X"))}, {op.output("Out")}), "axis", op.attr_int("axis", -1));
}

/// Normalises over the dimensions from begin_norm_axis on. Paddle's scale and bias are flat vectors of the
/// normalised size; LayerNormalization (opset 17) takes them as they are when one dimension is normalised,
/// otherwise the op is decomposed (as it is for opsets below 17).
void layer_norm(const Op& op, GraphBuilder& g) {
  const std::string x = g.use(op.required_input("X")), y = op.output("Y");
  const int64_t r = g.rank(op.required_input("X"), op);
  int64_t begin = op.attr_int("begin_norm_axis", 1);
  if (begin < 0) begin += r;
  const float eps = static_cast<float>(op.attr_float("epsilon", 1e-5));
  const auto scale = op.input("Scale"), bias = op.input("Bias");
  if (g.opset() >= 17 && begin == r - 1) {
    std::vector<std::string> inputs = {x};
    if (scale) {
      inputs.push_back(g.use(*scale));
    } else {
      // LayerNormalization needs a scale: ones shaped like the last dimension.
      const std::string shape = g.fresh("shape"), last = g.fresh("last_dim"), ones = g.fresh("ones");
      g.node("Shape", {x}, {shape});
      g.node("Slice", {shape, g.const_i64({-1}), g.const_i64({r})}, {last});
      g.node("Expand", {g.scalar_like(1.0, x), last}, {ones});
      inputs.push_back(ones);
    }
    if (bias) inputs.push_back(g.use(*bias));
    auto& n = g.node("LayerNormalization", inputs, {y});
    attr_i(n, "axis", begin);
    attr_f(n, "epsilon", eps);
    return;
  }
  std::vector<int64_t> axes;
  for (int64_t i = begin; i < r; ++i) axes.push_back(i);
  const std::string mean = g.fresh("ln_mean"), centred = g.fresh("ln_centred"), sq = g.fresh("ln_sq"), var = g.fresh("ln_var"),
                    var_eps = g.fresh("ln_var_eps"), stddev = g.fresh("ln_std");
  attr_ints(g.node("ReduceMean", {x}, {mean}), "axes", axes);
  g.node("Sub", {x, mean}, {centred});
  g.node("Mul", {centred, centred}, {sq});
  attr_ints(g.node("ReduceMean", {sq}, {var}), "axes", axes);
  g.node("Add", {var, g.scalar_like(eps, x)}, {var_eps});
  g.node("Sqrt", {var_eps}, {stddev});
  std::string cur = g.fresh("ln_norm");
  g.node("Div", {centred, stddev}, {cur});
  // Flat scale/bias reshaped to the normalised dimensions (taken from x at run time).
  auto affine = [&](const std::string& param, const char* onnx_op, bool last) {
    std::string p = g.use(param);
    if (axes.size() > 1) {
      const std::string shape = g.fresh("shape"), tail = g.fresh("norm_shape"), reshaped = g.fresh(param + "_nd");
      g.node("Shape", {x}, {shape});
      g.node("Slice", {shape, g.const_i64({begin}), g.const_i64({r})}, {tail});
      g.node("Reshape", {p, tail}, {reshaped});
      p = reshaped;
    }
    const std::string next = last ? y : g.fresh("ln_affine");
    g.node(onnx_op, {cur, p}, {next});
    cur = next;
  };
  if (scale) affine(*scale, "Mul", !bias);
  if (bias) affine(*bias, "Add", true);
  if (!scale && !bias) g.node("Identity", {cur}, {y});
}

void dropout(const Op& op, GraphBuilder& g) {
  const std::string x = g.use(op.required_input("X")), out = op.output("Out");
  if (op.input("DropoutProb") || op.input("Seed")) g.unsupported(op, "a dropout probability computed at run time");
  // In inference, "downgrade_in_infer" scales by (1 - p); "upscale_in_train" scaled in training and passes through.
  const std::string impl = op.attr_string("dropout_implementation", "downgrade_in_infer");
  const double p = op.attr_float("dropout_prob", 0.5);
  if (impl == "upscale_in_train" || p == 0.0) {
    g.node("Identity", {x}, {out});
    return;
  }
  if (impl != "downgrade_in_infer") g.unsupported(op, "dropout_implementation " + impl);
  g.node("Mul", {x, g.scalar_like(1.0 - p, x)}, {out});
}

/// nearest_interp_v2 / bilinear_interp_v2 -> Resize. The output size comes, in Paddle's order of
/// precedence, from SizeTensor, OutSize, the Scale tensor, the scale attribute, then out_h/out_w.
Mapper interp(bool bilinear) {
  return [bilinear](const Op& op, GraphBuilder& g) {
    const std::string layout = op.attr_string("data_layout", "NCHW");
    if (layout != "NCHW" && layout != "AnyLayout") g.unsupported(op, "data layout " + layout);
    const std::string x = g.use(op.required_input("X")), out = op.output("Out");
    const bool align_corners = op.attr_bool("align_corners", false);
    std::string sizes, scales;
    auto sizes_from_hw = [&](const std::string& hw_i64) {
      const std::string shape = g.fresh("shape"), nc = g.fresh("nc");
      g.node("Shape", {x}, {shape});
      g.node("Slice", {shape, g.const_i64({0}), g.const_i64({2})}, {nc});
      sizes = g.fresh("sizes");
      attr_i(g.node("Concat", {nc, hw_i64}, {sizes}), "axis", 0);
    };
    auto size_list = op.inputs.find("SizeTensor");
    if (size_list != op.inputs.end() && !size_list->second.empty()) {
      sizes_from_hw(concat_i64(g, size_list->second));
    } else if (auto out_size = op.input("OutSize")) {
      // Reshaped to [2] so that shape inference sees a 4-element `sizes` even when OutSize's length is unknown.
      const std::string cast = g.fresh("out_size_i64"), hw = g.fresh("hw");
      attr_i(g.node("Cast", {g.use(*out_size)}, {cast}), "to", onnx::TensorProto::INT64);
      g.node("Reshape", {cast, g.const_i64({2})}, {hw});
      sizes_from_hw(hw);
    } else if (auto scale_t = op.input("Scale")) {
      const std::string s = g.fresh("scale"), s2 = g.fresh("scale_hw");
      attr_i(g.node("Cast", {g.use(*scale_t)}, {s}), "to", onnx::TensorProto::FLOAT);
      g.node("Expand", {s, g.const_i64({2})}, {s2});  // one value scales both axes
      scales = g.fresh("scales");
      attr_i(g.node("Concat", {g.const_f32({1.0f, 1.0f}, {2}), s2}, {scales}), "axis", 0);
    } else if (auto sc = op.attr_floats("scale"); !sc.empty() && sc[0] > 0) {
      const float sh = static_cast<float>(sc[0]), sw = static_cast<float>(sc.size() > 1 ? sc[1] : sc[0]);
      scales = g.const_f32({1.0f, 1.0f, sh, sw}, {4});
    } else {
      const int64_t oh = op.attr_int("out_h", -1), ow = op.attr_int("out_w", -1);
      if (oh <= 0 || ow <= 0) g.unsupported(op, "no output size (out_h/out_w, scale, OutSize or SizeTensor)");
      sizes_from_hw(g.const_i64({oh, ow}));
    }
    std::vector<std::string> inputs = {x, ""};
    if (scales.empty()) {
      inputs.push_back("");
      inputs.push_back(sizes);
    } else {
      inputs.push_back(scales);
    }
    auto& n = g.node("Resize", inputs, {out});
    if (bilinear) {
      attr_s(n, "mode", "linear");
      // Paddle align_mode 0 is half-pixel (src = (dst + 0.5) / scale - 0.5), 1 is asymmetric (src = dst / scale).
      attr_s(n, "coordinate_transformation_mode",
             align_corners ? "align_corners" : op.attr_int("align_mode", 1) == 0 ? "half_pixel" : "asymmetric");
    } else {
      attr_s(n, "mode", "nearest");
      // Paddle: floor(dst / scale), or round(dst * (in-1)/(out-1)) with align_corners.
      attr_s(n, "coordinate_transformation_mode", align_corners ? "align_corners" : "asymmetric");
      attr_s(n, "nearest_mode", align_corners ? "round_prefer_ceil" : "floor");
    }
  };
}

void grid_sampler(const Op& op, GraphBuilder& g) {
  if (g.opset() < 16) g.unsupported(op, "GridSample needs opset 16 or later (use --opset 16)");
  auto& n = g.node("GridSample", {g.use(op.required_input("X")), g.use(op.required_input("Grid"))}, {op.output("Output")});
  const std::string mode = op.attr_string("mode", "bilinear"), padding = op.attr_string("padding_mode", "zeros");
  if (mode != "bilinear" && mode != "nearest") g.unsupported(op, "mode " + mode);
  if (padding != "zeros" && padding != "border" && padding != "reflection") g.unsupported(op, "padding_mode " + padding);
  attr_s(n, "mode", mode);
  attr_s(n, "padding_mode", padding);
  attr_i(n, "align_corners", op.attr_bool("align_corners", true) ? 1 : 0);
}

void arg_max(const Op& op, GraphBuilder& g) {
  if (op.input("AxisTensor")) g.unsupported(op, "an axis computed at run time");
  std::string x = g.use(op.required_input("X"));
  int64_t axis = op.attr_int("axis", -1);
  if (op.attr_bool("flatten", false)) {
    const std::string flat = g.fresh("flat");
    g.node("Reshape", {x, g.const_i64({-1})}, {flat});
    x = flat;
    axis = 0;
  }
  const std::string out = op.output("Out");
  const auto want = static_cast<DType>(op.attr_int("dtype", static_cast<int64_t>(DType::Int64)));
  const std::string idx = want == DType::Int64 ? out : g.fresh("argmax");
  auto& n = g.node("ArgMax", {x}, {idx});
  attr_i(n, "axis", axis);
  attr_i(n, "keepdims", op.attr_bool("keepdims", false) ? 1 : 0);
  if (want != DType::Int64) attr_i(g.node("Cast", {idx}, {out}), "to", onnx_type(want));
}

Mapper reduce(std::string onnx_op) {
  return [onnx_op](const Op& op, GraphBuilder& g) {
    if (op.input("AxisTensor")) g.unsupported(op, "axes computed at run time");
    const std::vector<int64_t> dims = op.attr_bool("reduce_all", false) ? std::vector<int64_t>{} : op.attr_ints("dim");
    std::vector<std::string> inputs = {g.use(op.required_input("X"))};
    // ReduceSum takes its axes as an input from opset 13; the others as an attribute until opset 18.
    if (onnx_op == "ReduceSum" && !dims.empty()) inputs.push_back(g.const_i64(dims));
    auto& n = g.node(onnx_op, inputs, {op.output("Out")});
    if (onnx_op != "ReduceSum" && !dims.empty()) attr_ints(n, "axes", dims);
    attr_i(n, "keepdims", op.attr_bool("keep_dim", false) ? 1 : 0);
  };
}

}  // namespace

void register_nn_ops(MapperTable& t) {
  t["matmul"] = matmul_v1;
  t["matmul_v2"] = matmul_v2;
  t["softmax"] = softmax;
  t["layer_norm"] = layer_norm;
  t["dropout"] = dropout;
  t["nearest_interp_v2"] = interp(false);
  t["bilinear_interp_v2"] = interp(true);
  t["grid_sampler"] = grid_sampler;
  t["arg_max"] = arg_max;
  t["reduce_mean"] = reduce("ReduceMean");
  t["reduce_sum"] = reduce("ReduceSum");
  t["reduce_max"] = reduce("ReduceMax");
}

}  // namespace hpocr::convert
