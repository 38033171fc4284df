// Convolution, pooling and batch normalisation (NCHW only).
#include <algorithm>

#include "convert/graph_builder.h"

namespace hpocr::convert {
namespace {
using paddle::Op;

void require_nchw(const Op& op, GraphBuilder& g) {
  const std::string layout = op.attr_string("data_format", op.attr_string("data_layout", "NCHW"));
  if (layout != "NCHW" && layout != "AnyLayout") g.unsupported(op, "data layout " + layout + " (only NCHW is supported)");
}

/// Paddle's paddings ([h, w] or [top, bottom, left, right]) and padding_algorithm as ONNX pads/auto_pad.
void set_padding(onnx::NodeProto& n, const Op& op, GraphBuilder& g) {
  const std::string algo = op.attr_string("padding_algorithm", "EXPLICIT");
  if (algo == "SAME") {
    attr_s(n, "auto_pad", "SAME_UPPER");  // Paddle puts the odd padding pixel at the end, as SAME_UPPER does
    return;
  }
  if (algo == "VALID") {
    attr_ints(n, "pads", {0, 0, 0, 0});
    return;
  }
  if (algo != "EXPLICIT") g.unsupported(op, "padding_algorithm " + algo);
  std::vector<int64_t> p = op.attr_ints("paddings", {0, 0});
  if (p.size() == 2) attr_ints(n, "pads", {p[0], p[1], p[0], p[1]});
  else if (p.size() == 4) attr_ints(n, "pads", {p[0], p[2], p[1], p[3]});
  else g.unsupported(op, "paddings with " + std::to_string(p.size()) + " values");
}

/// Conv / ConvTranspose with the attributes both share: inputs, strides, dilations, groups, kernel, padding.
onnx::NodeProto& conv_node(const Op& op, GraphBuilder& g, const std::string& onnx_op) {
  require_nchw(op, g);
  const std::string x = g.use(op.required_input("Input")), w = g.use(op.required_input("Filter"));
  std::vector<std::string> inputs = {x, w};
  if (auto b = op.input("Bias")) inputs.push_back(g.use(*b));
  auto& n = g.node(onnx_op, inputs, {op.output("Output")});
  attr_ints(n, "strides", op.attr_ints("strides", {1, 1}));
  // Paddle resolves SAME with a dilation of 1 whatever the attribute says (UpdatePaddingAndDilation).
  const bool same = op.attr_string("padding_algorithm", "EXPLICIT") == "SAME";
  attr_ints(n, "dilations", same ? std::vector<int64_t>{1, 1} : op.attr_ints("dilations", {1, 1}));
  attr_i(n, "group", op.attr_int("groups", 1));
  if (const auto* wc = g.constant(op.required_input("Filter")); wc && wc->shape.size() == 4)
    attr_ints(n, "kernel_shape", {wc->shape[2], wc->shape[3]});
  if (!(same && onnx_op == "ConvTranspose")) set_padding(n, op, g);  // conv_transpose pads SAME itself
  return n;
}

void conv(const Op& op, GraphBuilder& g) { conv_node(op, g, "Conv"); }

void conv_transpose(const Op& op, GraphBuilder& g) {
  if (op.input("OutputSizeTensor")) g.unsupported(op, "an output size computed at run time");
  auto& n = conv_node(op, g, "ConvTranspose");
  if (auto op_pad = op.attr_ints("output_padding"); !op_pad.empty()) attr_ints(n, "output_padding", op_pad);
  if (auto size = op.attr_ints("output_size"); !size.empty()) attr_ints(n, "output_shape", size);
  if (op.attr_string("padding_algorithm", "EXPLICIT") != "SAME") return;
  // Paddle pads a SAME transposed conv as it would pad the forward conv of its input (out = (in - 1) s + k -
  // pad_sum, dilation 1); ONNX's SAME_UPPER aims at out = in * s instead, so the pads are made explicit here.
  const paddle::VarInfo* in = g.info(op.required_input("Input"));
  const auto* wc = g.constant(op.required_input("Filter"));
  const std::vector<int64_t> strides = op.attr_ints("strides", {1, 1});
  if (!in || in->shape.size() != 4 || in->shape[2] <= 0 || in->shape[3] <= 0 || !wc || wc->shape.size() != 4 || strides.size() != 2)
    g.unsupported(op, "SAME padding needs a static input height and width and a constant filter");
  std::vector<int64_t> pads(4);
  for (std::size_t i = 0; i < 2; ++i) {
    const int64_t len = in->shape[2 + i], k = wc->shape[2 + i], s = strides[i];
    const int64_t sum = std::max<int64_t>(((len + s - 1) / s - 1) * s + k - len, 0);
    pads[i] = sum / 2;
    pads[i + 2] = sum - sum / 2;
  }
  attr_ints(n, "pads", pads);
}

/// Paddle's adaptive window for output cell i of n over an axis of length len: [floor(i*len/n), ceil((i+1)*len/n)).
std::pair<int64_t, int64_t> adaptive_window(int64_t i, int64_t n, int64_t len) {
  return {i * len / n, ((i + 1) * len + n - 1) / n};
}

/// Adaptive pooling with a static input size. The windows are rectangles, so pooling is separable: one axis
/// at a time, averaging as a MatMul with a window-averaging matrix, max as one ReduceMax per window.
/// When the size divides evenly it is a plain pooling.
void adaptive_pool(const Op& op, GraphBuilder& g, const std::string& x, bool avg, const std::vector<int64_t>& out_hw) {
  const paddle::VarInfo* in = g.info(op.required_input("X"));
  if (!in || in->shape.size() != 4 || in->shape[2] <= 0 || in->shape[3] <= 0)
    g.unsupported(op, "adaptive pooling needs a static input height and width");
  const int64_t h = in->shape[2], w = in->shape[3];
  const std::string out = op.output("Out");
  if (h % out_hw[0] == 0 && w % out_hw[1] == 0) {
    auto& n = g.node(avg ? "AveragePool" : "MaxPool", {x}, {out});
    attr_ints(n, "kernel_shape", {h / out_hw[0], w / out_hw[1]});
    attr_ints(n, "strides", {h / out_hw[0], w / out_hw[1]});
    return;
  }
  std::string cur = x;
  for (int axis : {2, 3}) {
    const int64_t len = in->shape[static_cast<std::size_t>(axis)], n = out_hw[static_cast<std::size_t>(axis - 2)];
    const bool last = axis == 3;
    const std::string next = last ? out : g.fresh("adaptive_h");
    if (len == n) {
      g.node("Identity", {cur}, {next});
    } else if (avg) {
      // rows: input positions, columns: output cells; x' = x @ M along W, and M^T @ x along H.
      std::vector<float> m(static_cast<std::size_t>(len * n), 0.f);
      for (int64_t i = 0; i < n; ++i) {
        const auto [a, b] = adaptive_window(i, n, len);
        for (int64_t k = a; k < b; ++k) m[static_cast<std::size_t>(k * n + i)] = 1.f / static_cast<float>(b - a);
      }
      if (last) {
        g.node("MatMul", {cur, g.const_f32(m, {len, n})}, {next});
      } else {
        std::vector<float> mt(m.size());
        for (int64_t r = 0; r < len; ++r)
          for (int64_t c = 0; c < n; ++c) mt[static_cast<std::size_t>(c * len + r)] = m[static_cast<std::size_t>(r * n + c)];
        g.node("MatMul", {g.const_f32(mt, {n, len}), cur}, {next});
      }
    } else {
      std::vector<std::string> cells;
      for (int64_t i = 0; i < n; ++i) {
        const auto [a, b] = adaptive_window(i, n, len);
        const std::string window = g.fresh("window"), cell = g.fresh("cell");
        g.node("Slice", {cur, g.const_i64({a}), g.const_i64({b}), g.const_i64({axis})}, {window});
        auto& r = g.node("ReduceMax", {window}, {cell});
        attr_ints(r, "axes", {axis});
        attr_i(r, "keepdims", 1);
        cells.push_back(cell);
      }
      attr_i(g.node("Concat", cells, {next}), "axis", axis);
    }
    cur = next;
  }
}

void pool2d(const Op& op, GraphBuilder& g) {
  require_nchw(op, g);
  if (op.input("KernelSize")) g.unsupported(op, "a kernel size computed at run time");
  const std::string x = g.use(op.required_input("X"));
  const std::string type = op.attr_string("pooling_type", "max");
  if (type != "max" && type != "avg") g.unsupported(op, "pooling_type " + type);
  const bool avg = type == "avg";
  std::vector<int64_t> ksize = op.attr_ints("ksize");
  std::vector<int64_t> strides = op.attr_ints("strides", {1, 1});
  if (op.attr_bool("global_pooling", false) || (op.attr_bool("adaptive", false) && ksize == std::vector<int64_t>{1, 1})) {
    g.node(avg ? "GlobalAveragePool" : "GlobalMaxPool", {x}, {op.output("Out")});
    return;
  }
  if (ksize.size() != 2) g.unsupported(op, "a kernel size with " + std::to_string(ksize.size()) + " values");
  if (op.attr_bool("adaptive", false)) {
    adaptive_pool(op, g, x, avg, ksize);
    return;
  }
  const bool exclusive = op.attr_bool("exclusive", true), ceil_mode = op.attr_bool("ceil_mode", false);
  if (avg && !exclusive && ceil_mode && op.attr_string("padding_algorithm", "EXPLICIT") == "EXPLICIT") {
    // Paddle divides by kh * kw even when the last (ceil-mode) window reaches past the padding; ONNX divides by
    // the part inside the padded input. A depthwise Conv with a 1/(kh kw) kernel and stride - 1 more zero
    // padding at the end sums whole windows, and its (floor) size is Paddle's ceil-mode size,
    // (in + pads - k + s - 1) / s + 1. (Pad + AveragePool is fused back by ONNX Runtime, which then refuses
    // pads as large as the kernel.)
    std::vector<int64_t> p = op.attr_ints("paddings", {0, 0});
    if (p.size() == 2) p = {p[0], p[0], p[1], p[1]};
    const paddle::VarInfo* in = g.info(op.required_input("X"));
    if (p.size() != 4 || strides.size() != 2 || !in || in->shape.size() != 4 || in->shape[1] <= 0)
      g.unsupported(op, "inclusive average pooling in ceil mode needs a static channel count and 2 or 4 paddings");
    const int64_t c = in->shape[1];
    const std::vector<float> w(static_cast<std::size_t>(c * ksize[0] * ksize[1]), 1.f / static_cast<float>(ksize[0] * ksize[1]));
    auto& n = g.node("Conv", {x, g.const_f32(w, {c, 1, ksize[0], ksize[1]})}, {op.output("Out")});
    attr_ints(n, "kernel_shape", ksize);
    attr_ints(n, "strides", strides);
    attr_i(n, "group", c);
    attr_ints(n, "pads", {p[0], p[2], p[1] + strides[0] - 1, p[3] + strides[1] - 1});
    return;
  }
  auto& n = g.node(avg ? "AveragePool" : "MaxPool", {x}, {op.output("Out")});
  attr_ints(n, "kernel_shape", ksize);
  attr_ints(n, "strides", strides);
  attr_i(n, "ceil_mode", ceil_mode ? 1 : 0);
  if (avg) attr_i(n, "count_include_pad", exclusive ? 0 : 1);
  set_padding(n, op, g);
}

void batch_norm(const Op& op, GraphBuilder& g) {
  require_nchw(op, g);
  auto& n = g.node("BatchNormalization",
                   {g.use(op.required_input("X")), g.use(op.required_input("Scale")), g.use(op.required_input("Bias")), g.use(op.required_input("Mean")),
                    g.use(op.required_input("Variance"))},
                   {op.output("Y")});
  attr_f(n, "epsilon", static_cast<float>(op.attr_float("epsilon", 1e-5)));
}

}  // namespace

void register_conv_ops(MapperTable& t) {
  t["conv2d"] = conv;
  t["depthwise_conv2d"] = conv;
  t["conv2d_transpose"] = conv_transpose;
  t["depthwise_conv2d_transpose"] = conv_transpose;
  t["pool2d"] = pool2d;
  t["batch_norm"] = batch_norm;
}

}  // namespace hpocr::convert
