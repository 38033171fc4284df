#include "quant/quantizer.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>

#include "backend/backend.h"
#include "core/file_util.h"
#include "hpocr/device.h"
#include "hpocr/error.h"
#include "hpocr/logging.h"
#include "quant/onnx_graph.h"

namespace fs = std::filesystem;

namespace hpocr::quant {
namespace {

constexpr int kBins = 2048;
/// The operator domain of ai.hpocr.LookupTable (backend/onnxruntime/lookup_table_op.h).
constexpr const char* kLookupDomain = "ai.hpocr";

/// Conv and MatMul: ORT 1.30 fuses their QDQ form into integer kernels on CPU. ConvTranspose is left in fp32:
/// ORT keeps DQ -> ConvTranspose -> Q as an fp32 ConvTranspose (checked in the optimised graph), which
/// would cost accuracy and Q/DQ time for no integer kernel.
bool quantizable_op(const onnx::NodeProto& n) {
  return n.domain().empty() && (n.op_type() == "Conv" || n.op_type() == "MatMul");
}

/// Activation inputs of a quantisable node: Conv/ConvTranspose input 0, MatMul inputs 0 and 1 when not constant.
std::vector<std::string> activation_inputs(const onnx::NodeProto& n, const std::map<std::string, int>& inits) {
  std::vector<std::string> out;
  const int count = n.op_type() == "MatMul" ? 2 : 1;
  for (int i = 0; i < count && i < n.input_size(); ++i)
    if (!inits.count(n.input(i))) out.push_back(n.input(i));
  return out;
}

/// The fp32 model with `extra` tensors added as graph outputs, loaded on ONNX Runtime from a temporary file.
class Runner {
 public:
  Runner(const onnx::ModelProto& model, const std::vector<std::string>& extra, int threads) : tmp_("hpocr-quant") {
    onnx::ModelProto m = model;
    std::set<std::string> outputs;
    for (const auto& o : m.graph().output()) outputs.insert(o.name());
    for (const auto& name : extra) {
      if (!outputs.insert(name).second) continue;
      auto* vi = m.mutable_graph()->add_output();
      vi->set_name(name);
      vi->mutable_type()->mutable_tensor_type()->set_elem_type(onnx::TensorProto::FLOAT);
    }
    ModelDir dir;
    dir.dir = tmp_.path();
    dir.model_file = tmp_.path() / "inference.onnx";
    dir.model_name = "calibration";
    save_onnx(m, dir.model_file);
    const Backend* ort = &reference_backend();
    EngineOptions opts;
    opts.cpu_threads = threads;
    engine_ = ort->load(dir, opts);
  }

  /// Every output by name.
  std::map<std::string, Tensor> run(const Tensor& input) const {
    auto out = engine_->run(std::span<const Tensor>(&input, 1));
    std::map<std::string, Tensor> named;
    for (size_t i = 0; i < out.size(); ++i) named[engine_->signature().outputs[i].name] = std::move(out[i]);
    return named;
  }

 private:
  TempDirectory tmp_;
  std::unique_ptr<Engine> engine_;
};

/// The tensors calibration observes: activations in and out of quantisable nodes, and the inputs of
/// Softmax-like nodes (their rank decides the opset-13 rewrite).
std::vector<std::string> observed_tensors(const onnx::GraphProto& g) {
  auto inits = initializer_index(g);
  std::set<std::string> seen;
  std::vector<std::string> out;
  auto add = [&](const std::string& t) {
    if (!t.empty() && !inits.count(t) && seen.insert(t).second) out.push_back(t);
  };
  for (const auto& n : g.node()) {
    if (quantizable_op(n)) {
      for (const auto& t : activation_inputs(n, inits)) add(t);
      add(n.output(0));
    } else if (n.op_type() == "Softmax" || n.op_type() == "LogSoftmax" || n.op_type() == "Hardmax") {
      add(n.input(0));
    }
  }
  return out;
}

/// Threshold on |x| minimising the KL divergence between the clipped histogram and its 128-level
/// quantisation (the TensorRT entropy calibration).
float entropy_threshold(const std::vector<double>& hist, float max_abs) {
  const int levels = 128;
  double best = std::numeric_limits<double>::max();
  int best_i = kBins;
  for (int i = levels; i <= kBins; i += 8) {
    std::vector<double> p(hist.begin(), hist.begin() + i);
    for (int k = i; k < kBins; ++k) p[i - 1] += hist[k];
    std::vector<double> q(i, 0.0);
    const double step = static_cast<double>(i) / levels;
    for (int l = 0; l < levels; ++l) {
      int b0 = static_cast<int>(l * step), b1 = std::max(b0 + 1, static_cast<int>((l + 1) * step));
      double sum = 0;
      int nonzero = 0;
      for (int k = b0; k < b1; ++k) sum += hist[k], nonzero += hist[k] > 0;
      for (int k = b0; k < b1; ++k) q[k] = hist[k] > 0 ? sum / nonzero : 0;
    }
    double ps = 0, qs = 0;
    for (int k = 0; k < i; ++k) ps += p[k], qs += q[k];
    if (ps <= 0 || qs <= 0) continue;
    double kl = 0;
    for (int k = 0; k < i; ++k)
      if (p[k] > 0) kl += p[k] / ps * std::log((p[k] / ps) / std::max(q[k] / qs, 1e-12));
    if (kl < best) best = kl, best_i = i;
  }
  return max_abs * static_cast<float>(best_i) / kBins;
}

float percentile_threshold(const std::vector<double>& hist, float max_abs, double keep = 0.99999) {
  double total = 0;
  for (double h : hist) total += h;
  double acc = 0;
  for (int k = 0; k < kBins; ++k) {
    acc += hist[k];
    if (acc >= keep * total) return max_abs * static_cast<float>(k + 1) / kBins;
  }
  return max_abs;
}

struct ActQuant {
  float scale;
  uint8_t zero_point;
};

ActQuant activation_params(Range r) {
  float lo = std::min(r.lo, 0.f), hi = std::max(r.hi, 0.f);
  if (hi - lo < 1e-6f) hi = lo + 1e-6f;
  float scale = (hi - lo) / 255.f;
  long zp = std::lround(-lo / scale);
  return {scale, static_cast<uint8_t>(std::clamp(zp, 0l, 255l))};
}

/// One element-wise step of a chain that a lookup table replaces.
struct Step {
  enum Kind { HardSwish, HardSigmoid, Sigmoid, Relu, Clip, Mul, Add } kind;
  float a = 0, b = 0;
  float apply(float x) const {
    switch (kind) {
      case HardSwish: return x * std::clamp(a * x + b, 0.f, 1.f);
      case HardSigmoid: return std::clamp(a * x + b, 0.f, 1.f);
      case Sigmoid: return 1.f / (1.f + std::exp(-x));
      case Relu: return std::max(x, 0.f);
      case Clip: return std::clamp(x, a, b);
      case Mul: return x * a;
      case Add: return x + a;
    }
    return x;
  }
};

/// A chain of element-wise nodes from the output of a quantised node (`in`) to a tensor with a calibrated
/// range (`out`): u8 -> u8 through one table.
struct Chain {
  std::string in, out;
  std::vector<int> nodes;
  std::vector<Step> steps;
};

/// The initializer called `name` (looked up in `inits`, the graph's index), or null when it is not one.
const onnx::TensorProto* find_initializer(const onnx::GraphProto& g, const std::map<std::string, int>& inits, const std::string& name) {
  auto it = inits.find(name);
  return it == inits.end() ? nullptr : &g.initializer(it->second);
}

std::optional<float> scalar_init(const onnx::GraphProto& g, const std::map<std::string, int>& inits, const std::string& name) {
  const onnx::TensorProto* t = find_initializer(g, inits, name);
  if (!t || t->data_type() != onnx::TensorProto::FLOAT) return std::nullopt;
  auto v = tensor_floats(*t);
  if (v.size() != 1) return std::nullopt;
  return v[0];
}

float float_attr(const onnx::NodeProto& n, const std::string& name, float fallback) {
  for (const auto& a : n.attribute())
    if (a.name() == name) return a.f();
  return fallback;
}

/// The chains starting at the outputs of quantised nodes, longest first per start (see Chain).
std::vector<Chain> lookup_chains(const onnx::GraphProto& g, const std::set<int>& qnodes, const std::map<std::string, Range>& ranges) {
  const auto inits = initializer_index(g);
  std::map<std::string, std::vector<int>> consumers;
  std::set<std::string> outputs;
  for (int i = 0; i < g.node_size(); ++i)
    for (const auto& in : g.node(i).input())
      if (!in.empty()) consumers[in].push_back(i);
  for (const auto& o : g.output()) outputs.insert(o.name());
  auto users = [&](const std::string& t) {
    auto it = consumers.find(t);
    std::vector<int> u = it == consumers.end() ? std::vector<int>{} : it->second;
    std::sort(u.begin(), u.end());
    u.erase(std::unique(u.begin(), u.end()), u.end());
    return u;
  };
  std::vector<Chain> chains;
  for (int q : qnodes) {
    Chain c;
    c.in = g.node(q).output(0);
    if (outputs.count(c.in)) continue;
    std::string cur = c.in;
    // (nodes, steps, tensor) after each accepted step, to cut the chain back to the last calibrated tensor.
    std::vector<std::pair<size_t, std::string>> marks;
    for (;;) {
      if (outputs.count(cur)) break;
      const auto u = users(cur);
      if (u.empty()) break;
      const onnx::NodeProto& n = g.node(u[0]);
      if (!n.domain().empty()) break;
      if (u.size() == 2) {
        // x * HardSigmoid(x): the HardSwish form fuse_hardswish writes.
        const onnx::NodeProto& m = g.node(u[1]);
        const bool hs_first = n.op_type() == "HardSigmoid" && m.op_type() == "Mul" && m.domain().empty() && m.input_size() == 2 &&
                              users(n.output(0)) == std::vector<int>{u[1]} &&
                              ((m.input(0) == cur && m.input(1) == n.output(0)) || (m.input(1) == cur && m.input(0) == n.output(0)));
        if (!hs_first) break;
        c.nodes.insert(c.nodes.end(), {u[0], u[1]});
        c.steps.push_back({Step::HardSwish, float_attr(n, "alpha", 0.2f), float_attr(n, "beta", 0.5f)});
        cur = m.output(0);
      } else if (u.size() == 1) {
        const std::string& op = n.op_type();
        std::optional<Step> step;
        if (op == "Relu" && n.input_size() == 1) step = Step{Step::Relu};
        else if (op == "Sigmoid" && n.input_size() == 1) step = Step{Step::Sigmoid};
        else if (op == "HardSigmoid" && n.input_size() == 1)
          step = Step{Step::HardSigmoid, float_attr(n, "alpha", 0.2f), float_attr(n, "beta", 0.5f)};
        else if ((op == "Mul" || op == "Add") && n.input_size() == 2 && n.input(0) != n.input(1)) {
          const auto k = scalar_init(g, inits, n.input(0) == cur ? n.input(1) : n.input(0));
          if (k) step = Step{op == "Mul" ? Step::Mul : Step::Add, *k};
        } else if (op == "Clip" && n.input(0) == cur) {
          std::optional<float> lo = -std::numeric_limits<float>::infinity(), hi = std::numeric_limits<float>::infinity();
          if (n.input_size() > 1 && !n.input(1).empty()) lo = scalar_init(g, inits, n.input(1));
          if (n.input_size() > 2 && !n.input(2).empty()) hi = scalar_init(g, inits, n.input(2));
          if (lo && hi) step = Step{Step::Clip, *lo, *hi};
        }
        if (!step) break;
        c.nodes.push_back(u[0]);
        c.steps.push_back(*step);
        cur = n.output(0);
      } else {
        break;
      }
      if (ranges.count(cur)) marks.emplace_back(c.steps.size(), cur);
    }
    if (marks.empty()) continue;
    // Cut back to the last tensor with a calibrated range (its quantisation parameters are known).
    const size_t keep_steps = marks.back().first;
    size_t keep_nodes = 0;
    for (size_t s = 0; s < keep_steps; ++s) keep_nodes += c.steps[s].kind == Step::HardSwish ? 2 : 1;
    c.steps.resize(keep_steps);
    c.nodes.resize(keep_nodes);
    c.out = marks.back().second;
    chains.push_back(std::move(c));
  }
  return chains;
}
/// Throws InvalidArgument when `exclude` names a node the graph does not have (a typo would go unnoticed).
void check_excluded_nodes(const onnx::GraphProto& g, const std::set<std::string>& exclude) {
  for (const auto& ex : exclude) {
    bool found = false;
    for (const auto& n : g.node()) found = found || n.name() == ex;
    if (!found) throw Error(ErrorCode::InvalidArgument, "--exclude: the model has no node named '" + ex + "'");
  }
}

/// The nodes that run in INT8: a quantisable op with constant weights where applicable, ranges for every
/// activation in and out, and not excluded by the user.
std::set<int> int8_nodes(const onnx::GraphProto& g, const std::map<std::string, int>& inits, const Calibration& calib,
                         const QuantOptions& options) {
  auto init = [&](const std::string& name) { return find_initializer(g, inits, name); };
  std::set<int> qnodes;
  for (int i = 0; i < g.node_size(); ++i) {
    const auto& n = g.node(i);
    if (!quantizable_op(n) || options.exclude.count(n.name())) continue;
    if (n.op_type() != "MatMul" && (n.input_size() < 2 || !init(n.input(1)))) continue;
    if (n.op_type() == "ConvTranspose" || n.op_type() == "Conv") {
      const auto* w = init(n.input(1));
      if (w->data_type() != onnx::TensorProto::FLOAT || w->dims_size() < 3) continue;
      if (n.input_size() > 2 && !n.input(2).empty() && !init(n.input(2))) continue;
    }
    bool ok = calib.ranges.count(n.output(0)) > 0;
    for (const auto& t : activation_inputs(n, inits)) ok = ok && calib.ranges.count(t);
    if (ok) qnodes.insert(i);
  }
  return qnodes;
}

/// The activation side of the rewrite: the tensors that get a QuantizeLinear/DequantizeLinear pair with their
/// parameters, and the element-wise chains that become lookup tables.
struct QdqPlan {
  std::map<std::string, bool> qdq;         // tensor -> replace in all consumers
  std::map<std::string, ActQuant> params;  // of every tensor in qdq
  std::vector<Chain> chains;
  std::map<int, size_t> chain_end;         // last node of a chain -> its index in chains
  std::set<int> chain_nodes;
  std::set<std::string> chain_in;
};

/// Plans the activation pairs and lookup-table chains around the INT8 nodes `qnodes`.
QdqPlan plan_activations(const onnx::GraphProto& g, const std::map<std::string, int>& inits, const std::set<int>& qnodes,
                         const Calibration& calib, const QuantOptions& options) {
  QdqPlan plan;
  // A quantised node's output is re-read through the pair by every consumer (ORT fuses DQ -> op -> Q only
  // when Q is the sole consumer); other tensors only for quantised consumers, so fp32 layers keep reading
  // fp32 values.
  for (int i : qnodes) {
    const auto& n = g.node(i);
    for (const auto& t : activation_inputs(n, inits)) plan.qdq.try_emplace(t, false);
    plan.qdq[n.output(0)] = true;
  }
  // Element-wise chains between integer kernels become one uint8 table (ai.hpocr.LookupTable): the chain's
  // input keeps its QuantizeLinear (no DequantizeLinear), its output gets a DequantizeLinear read by all.
  if (options.lookup_tables) plan.chains = lookup_chains(g, qnodes, calib.ranges);
  for (size_t k = 0; k < plan.chains.size(); ++k) {
    const Chain& c = plan.chains[k];
    plan.chain_end[c.nodes.back()] = k;
    plan.chain_nodes.insert(c.nodes.begin(), c.nodes.end());
    plan.chain_in.insert(c.in);
    plan.qdq[c.out] = true;
  }
  for (const auto& [t, all] : plan.qdq) plan.params[t] = activation_params(calib.ranges.at(t));
  return plan;
}

/// Adds each activation's `<tensor>_scale` and `<tensor>_zero_point` initializers.
void add_activation_initializers(onnx::GraphProto& g, const std::map<std::string, ActQuant>& params) {
  for (const auto& [t, a] : params) {
    *g.add_initializer() = make_tensor<float>(t + "_scale", onnx::TensorProto::FLOAT, {}, {a.scale});
    *g.add_initializer() = make_tensor<uint8_t>(t + "_zero_point", onnx::TensorProto::UINT8, {}, {a.zero_point});
  }
}

/// Adds `base`_quantized (`values` of `type` with `dims`), `base`_scale and an all-zero `base`_zero_point
/// of `type` (both with `scale_dims`): the inputs of dequantize_node(base).
template <typename T>
void add_quantized_initializers(onnx::GraphProto& g, const std::string& base, int type, const std::vector<int64_t>& dims,
                                const std::vector<T>& values, const std::vector<int64_t>& scale_dims, const std::vector<float>& scale) {
  *g.add_initializer() = make_tensor(base + "_quantized", type, dims, values);
  *g.add_initializer() = make_tensor(base + "_scale", onnx::TensorProto::FLOAT, scale_dims, scale);
  *g.add_initializer() = make_tensor(base + "_zero_point", type, scale_dims, std::vector<T>(scale.size(), 0));
}

/// The QuantizeLinear of `t` into `t`_quantized with `t`_scale and `t`_zero_point.
onnx::NodeProto quantize_node(const std::string& t) {
  onnx::NodeProto q;
  q.set_op_type("QuantizeLinear");
  q.set_name(t + "_QuantizeLinear");
  for (const auto& in : {t, t + "_scale", t + "_zero_point"}) q.add_input(in);
  q.add_output(t + "_quantized");
  return q;
}

/// The DequantizeLinear of `base`_quantized with `base`_scale and `base`_zero_point into `base`_dequantized,
/// per channel along `axis` when given.
onnx::NodeProto dequantize_node(const std::string& base, std::optional<int64_t> axis = std::nullopt) {
  onnx::NodeProto dq;
  dq.set_op_type("DequantizeLinear");
  dq.set_name(base + "_DequantizeLinear");
  for (const auto& in : {base + "_quantized", base + "_scale", base + "_zero_point"}) dq.add_input(in);
  dq.add_output(base + "_dequantized");
  if (axis) {
    auto* a = dq.add_attribute();
    a->set_name("axis");
    a->set_type(onnx::AttributeProto::INT);
    a->set_i(*axis);
  }
  return dq;
}

/// A weight tensor in int8, symmetric: one scale per output channel along `axis`, or one scale when axis < 0.
struct QuantizedWeights {
  std::vector<int64_t> dims;
  std::vector<int8_t> values;
  std::vector<float> scale;
  int axis = -1;
};

/// Quantises the fp32 weight `w` of a node of type `op_type` ([-63, 63] with reduce_range, else [-127, 127]).
QuantizedWeights quantize_weights(const onnx::TensorProto& w, const std::string& op_type, const QuantOptions& options) {
  QuantizedWeights out;
  out.dims.assign(w.dims().begin(), w.dims().end());
  // ConvTranspose weights are [C_in, C_out/group, ...] and MatMul's [K, N]: their channels are axis 1.
  int axis = op_type == "Conv" ? 0 : 1;
  if (op_type == "MatMul" && out.dims.size() != 2) axis = -1;
  const bool per_channel = options.per_channel && axis >= 0;
  const int64_t channels = per_channel ? out.dims[axis] : 1;
  int64_t inner = 1;  // elements between two steps of the channel index
  if (per_channel)
    for (size_t d = axis + 1; d < out.dims.size(); ++d) inner *= out.dims[d];
  const auto wv = tensor_floats(w);
  const int64_t total = static_cast<int64_t>(wv.size());
  auto channel_of = [&](int64_t idx) { return per_channel ? (idx / inner) % channels : 0; };
  std::vector<float> maxabs(channels, 0.f);
  out.scale.resize(channels);
  for (int64_t k = 0; k < total; ++k) maxabs[channel_of(k)] = std::max(maxabs[channel_of(k)], std::abs(wv[k]));
  const long qmax = options.reduce_range ? 63 : 127;
  for (int64_t c = 0; c < channels; ++c) out.scale[c] = maxabs[c] > 0 ? maxabs[c] / static_cast<float>(qmax) : 1.f;
  out.values.resize(total);
  for (int64_t k = 0; k < total; ++k)
    out.values[k] = static_cast<int8_t>(std::clamp(std::lround(wv[k] / out.scale[channel_of(k)]), -qmax, qmax));
  out.axis = per_channel ? axis : -1;
  return out;
}

/// Replaces Conv `n`'s bias (input 2, `bias`) with int32 values at scale input_scale * weight_scale behind a
/// DequantizeLinear added to `head`.
void quantize_bias(onnx::GraphProto& g, onnx::NodeProto& n, const onnx::TensorProto& bias, const std::map<std::string, ActQuant>& params,
                   const std::vector<float>& wscale, std::vector<onnx::NodeProto>& head) {
  const auto bv = tensor_floats(bias);
  const float in_scale = params.at(n.input(0)).scale;
  const int64_t out_channels = static_cast<int64_t>(bv.size());
  std::vector<float> bscale(out_channels);
  std::vector<int32_t> bq(out_channels);
  for (int64_t c = 0; c < out_channels; ++c) {
    bscale[c] = in_scale * wscale[c % static_cast<int64_t>(wscale.size())];  // one scale per channel, or one in all
    double v = std::round(bv[c] / bscale[c]);
    bq[c] = static_cast<int32_t>(std::clamp(v, -2147483647.0, 2147483647.0));
  }
  const std::string b = n.name() + "_B";
  add_quantized_initializers(g, b, onnx::TensorProto::INT32, {out_channels}, bq, {out_channels}, bscale);
  head.push_back(dequantize_node(b, 0));
  n.set_input(2, b + "_dequantized");
}

/// Replaces INT8 node `n`'s constant fp32 weight (and a Conv's bias) with integer initializers behind
/// DequantizeLinear nodes added to `head`; a MatMul of two activations is left as it is.
void quantize_node_constants(onnx::GraphProto& g, onnx::NodeProto& n, const std::map<std::string, int>& inits,
                             const std::map<std::string, ActQuant>& params, const QuantOptions& options,
                             std::vector<onnx::NodeProto>& head) {
  const onnx::TensorProto* w = find_initializer(g, inits, n.input(1));
  if (!w) return;  // MatMul with two activations
  if (w->data_type() != onnx::TensorProto::FLOAT) return;
  const QuantizedWeights qw = quantize_weights(*w, n.op_type(), options);
  const bool per_channel = qw.axis >= 0;
  const std::string base = n.name() + "_W";
  const std::vector<int64_t> cdims = per_channel ? std::vector<int64_t>{static_cast<int64_t>(qw.scale.size())} : std::vector<int64_t>{};
  add_quantized_initializers(g, base, onnx::TensorProto::INT8, qw.dims, qw.values, cdims, qw.scale);
  head.push_back(dequantize_node(base, per_channel ? std::optional<int64_t>(qw.axis) : std::nullopt));
  const std::string bias_name = n.input_size() > 2 ? n.input(2) : "";
  n.set_input(1, base + "_dequantized");
  if (n.op_type() != "MatMul" && !bias_name.empty())
    quantize_bias(g, n, *find_initializer(g, inits, bias_name), params, qw.scale, head);
}

/// Points consumers at the DequantizeLinear output of paired tensors: every consumer of a tensor replaced in
/// all, only the INT8 nodes for the others.
void read_through_dequantize(onnx::GraphProto& g, const std::set<int>& qnodes, const std::map<std::string, bool>& qdq) {
  for (int i = 0; i < g.node_size(); ++i) {
    auto& n = *g.mutable_node(i);
    const bool is_q = qnodes.count(i) > 0;
    for (int k = 0; k < n.input_size(); ++k) {
      auto it = qdq.find(n.input(k));
      if (it != qdq.end() && (it->second || is_q)) n.set_input(k, n.input(k) + "_dequantized");
    }
  }
}

/// The ai.hpocr.LookupTable node mapping the chain's uint8 input (quantised with `in`) to its uint8 output
/// (quantised with `out`) through the chain's steps.
onnx::NodeProto lookup_table_node(const Chain& c, const ActQuant& in, const ActQuant& out) {
  onnx::NodeProto lut;
  lut.set_op_type("LookupTable");
  lut.set_domain(kLookupDomain);
  lut.set_name(c.out + "_LookupTable");
  lut.add_input(c.in + "_quantized");
  lut.add_output(c.out + "_quantized");
  auto* table = lut.add_attribute();
  table->set_name("table");
  table->set_type(onnx::AttributeProto::INTS);
  for (int v = 0; v < 256; ++v) {
    float x = (static_cast<float>(v) - in.zero_point) * in.scale;
    for (const auto& step : c.steps) x = step.apply(x);
    table->add_ints(std::clamp<long>(std::lround(x / out.scale) + out.zero_point, 0, 255));
  }
  return lut;
}

/// The rewritten node list in topological order: `head` (weight and bias DequantizeLinear nodes) and the
/// graph inputs' pairs first, then every node followed by the pairs of its outputs, each chain as its table.
google::protobuf::RepeatedPtrField<onnx::NodeProto> ordered_nodes(const onnx::GraphProto& g, const QdqPlan& plan,
                                                                  std::vector<onnx::NodeProto> head) {
  google::protobuf::RepeatedPtrField<onnx::NodeProto> nodes;
  for (auto& n : head) *nodes.Add() = std::move(n);
  for (const auto& in : g.input())
    if (plan.qdq.count(in.name())) {
      *nodes.Add() = quantize_node(in.name());
      *nodes.Add() = dequantize_node(in.name());
    }
  for (int i = 0; i < g.node_size(); ++i) {
    if (plan.chain_nodes.count(i)) {
      auto end = plan.chain_end.find(i);
      if (end == plan.chain_end.end()) continue;
      const Chain& c = plan.chains[end->second];
      *nodes.Add() = lookup_table_node(c, plan.params.at(c.in), plan.params.at(c.out));
      *nodes.Add() = dequantize_node(c.out);
      continue;
    }
    const auto& n = g.node(i);
    *nodes.Add() = n;
    for (const auto& out : n.output())
      if (plan.qdq.count(out)) {
        *nodes.Add() = quantize_node(out);
        if (!plan.chain_in.count(out)) *nodes.Add() = dequantize_node(out);  // a chain's input is read through its table only
      }
  }
  return nodes;
}
}  // namespace

bool QuantOptions::default_reduce_range() { return cpu_isa() != "avx512vnni"; }

CalibMethod parse_calib_method(std::string_view name) {
  if (name == "minmax") return CalibMethod::MinMax;
  if (name == "percentile") return CalibMethod::Percentile;
  if (name == "entropy") return CalibMethod::Entropy;
  throw Error(ErrorCode::InvalidArgument, "calibration method '" + std::string(name) + "' is unknown (minmax, percentile, entropy)");
}

std::string to_string(CalibMethod m) {
  return m == CalibMethod::MinMax ? "minmax" : m == CalibMethod::Percentile ? "percentile" : "entropy";
}

Calibration calibrate(const fs::path& model_file, const std::vector<Tensor>& inputs, const QuantOptions& options) {
  if (inputs.empty()) throw Error(ErrorCode::InvalidInput, "calibration needs at least one input for " + model_file.string());
  Calibration c;
  c.model = load_onnx(model_file);
  normalise_graph(*c.model.mutable_graph());
  int folded = fold_batchnorm(*c.model.mutable_graph());
  // Fewer fp32 elementwise passes between the integer kernels (docs/int8.md, "Where INT8 time goes").
  const int affine = fold_conv_affine(*c.model.mutable_graph());
  const int hardswish = fuse_hardswish(*c.model.mutable_graph());
  const auto tensors = observed_tensors(c.model.graph());
  log::info("{}: {} BatchNormalization and {} Mul/Add folded into convolutions, {} HardSwish chains shortened, observing {} "
            "activations on {} inputs",
            model_file.string(), folded, affine, hardswish, tensors.size(), inputs.size());
  Runner runner(c.model, tensors, options.cpu_threads);
  std::map<std::string, std::vector<double>> hists;
  for (int pass = 0; pass < (options.method == CalibMethod::MinMax ? 1 : 2); ++pass) {
    for (const auto& input : inputs) {
      auto out = runner.run(input);
      for (const auto& name : tensors) {
        auto it = out.find(name);
        if (it == out.end() || it->second.dtype() != DataType::Float32) continue;
        auto values = it->second.values<float>();
        if (pass == 0) {
          c.ranks[name] = static_cast<int>(it->second.shape().size());
          if (values.empty()) continue;
          auto [mn, mx] = std::minmax_element(values.begin(), values.end());
          auto r = c.ranges.try_emplace(name, Range{*mn, *mx});
          if (!r.second) r.first->second = {std::min(r.first->second.lo, *mn), std::max(r.first->second.hi, *mx)};
        } else {
          auto rit = c.ranges.find(name);
          if (rit == c.ranges.end()) continue;
          const float max_abs = std::max(std::abs(rit->second.lo), std::abs(rit->second.hi));
          if (max_abs <= 0) continue;
          auto& h = hists.try_emplace(name, std::vector<double>(kBins, 0.0)).first->second;
          const float k = kBins / max_abs;
          for (float v : values) h[std::min(kBins - 1, static_cast<int>(std::abs(v) * k))] += 1;
        }
      }
    }
  }
  for (auto& [name, h] : hists) {
    Range& r = c.ranges[name];
    const float max_abs = std::max(std::abs(r.lo), std::abs(r.hi));
    const float t = options.method == CalibMethod::Entropy ? entropy_threshold(h, max_abs) : percentile_threshold(h, max_abs);
    r = {std::max(r.lo, -t), std::min(r.hi, t)};
  }
  c.samples = inputs.size();
  return c;
}

onnx::ModelProto quantize(const Calibration& calib, const QuantOptions& options, std::vector<std::string>* quantized) {
  check_excluded_nodes(calib.model.graph(), options.exclude);
  onnx::ModelProto model = calib.model;
  upgrade_to_opset13(model, calib.ranks);
  onnx::GraphProto& g = *model.mutable_graph();
  const auto inits = initializer_index(g);  // the fp32 initializers; the rewrite only appends to them

  // 1. Which nodes run in INT8. 2. Activations: QuantizeLinear/DequantizeLinear pairs and lookup-table chains.
  const std::set<int> qnodes = int8_nodes(g, inits, calib, options);
  const QdqPlan plan = plan_activations(g, inits, qnodes, calib, options);
  add_activation_initializers(g, plan.params);
  // 3. Weights: int8 symmetric, per output channel; biases int32 at scale input_scale * weight_scale.
  std::vector<onnx::NodeProto> head;  // weight and bias DequantizeLinear nodes
  for (int i : qnodes) quantize_node_constants(g, *g.mutable_node(i), inits, plan.params, options, head);
  // 4. Rewire consumers and rebuild the node list in topological order (pairs right after their producer).
  read_through_dequantize(g, qnodes, plan.qdq);
  auto nodes = ordered_nodes(g, plan, std::move(head));
  g.mutable_node()->Swap(&nodes);
  if (!plan.chains.empty()) {
    auto* op = model.add_opset_import();
    op->set_domain(kLookupDomain);
    op->set_version(1);
  }
  prune_unused_initializers(g);  // the fp32 weights nothing reads any more
  if (quantized) {
    quantized->clear();
    for (int i : qnodes) quantized->push_back(calib.model.graph().node(i).name());
  }
  return model;
}

std::vector<std::pair<std::string, double>> layer_sensitivity(const Calibration& calib, const QuantOptions& options,
                                                              const std::vector<Tensor>& inputs) {
  std::vector<std::string> names;
  onnx::ModelProto q = quantize(calib, options, &names);
  // Node outputs of the quantised nodes (same tensor names in both graphs, before their QuantizeLinear).
  std::map<std::string, std::string> out_of;  // node -> output tensor
  std::map<std::string, std::string> producer;  // tensor -> quantised node
  for (const auto& n : calib.model.graph().node())
    if (std::find(names.begin(), names.end(), n.name()) != names.end()) out_of[n.name()] = n.output(0), producer[n.output(0)] = n.name();
  std::vector<std::string> tensors;
  for (const auto& [n, t] : out_of) tensors.push_back(t);
  Runner fp32(calib.model, tensors, options.cpu_threads), int8(q, tensors, options.cpu_threads);
  std::map<std::string, std::pair<double, double>> err;  // tensor -> (sum sq diff, sum sq ref)
  for (const auto& input : inputs) {
    auto a = fp32.run(input), b = int8.run(input);
    for (const auto& t : tensors) {
      auto ia = a.find(t), ib = b.find(t);
      if (ia == a.end() || ib == b.end() || ia->second.numel() != ib->second.numel()) continue;
      auto va = ia->second.values<float>(), vb = ib->second.values<float>();
      auto& e = err[t];
      for (size_t k = 0; k < va.size(); ++k) e.first += double(va[k] - vb[k]) * (va[k] - vb[k]), e.second += double(va[k]) * va[k];
    }
  }
  auto nmse = [&](const std::string& t) {
    auto it = err.find(t);
    return it == err.end() || it->second.second <= 0 ? 0.0 : it->second.first / it->second.second;
  };
  // What a layer adds: its output error minus the worst error already present in its quantised inputs.
  std::map<std::string, std::string> produced_by;  // any tensor -> producing node
  for (const auto& n : calib.model.graph().node())
    for (const auto& o : n.output()) produced_by[o] = n.name();
  std::vector<std::pair<std::string, double>> out;
  for (const auto& n : calib.model.graph().node()) {
    auto it = out_of.find(n.name());
    if (it == out_of.end()) continue;
    double upstream = 0;
    for (const auto& in : n.input())
      if (producer.count(in)) upstream = std::max(upstream, nmse(in));
    out.emplace_back(n.name(), nmse(it->second) - upstream);
  }
  std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  return out;
}

std::map<std::string, int> integer_kernels(const onnx::ModelProto& optimized) {
  static const std::set<std::string> kInteger = {"QLinearConv",   "ConvInteger",          "MatMulInteger",   "QLinearMatMul",
                                                 "MatMulIntegerToFloat", "QLinearAdd", "QLinearMul", "QLinearConcat",
                                                 "QLinearGlobalAveragePool", "QLinearAveragePool", "QLinearSigmoid",
                                                 "QLinearLeakyRelu", "QLinearConvTranspose", "DynamicQuantizeMatMul",
                                                 "QGemm", "QLinearSoftmax", "QLinearWhere", "QLinearReduceMean", "LookupTable"};
  std::map<std::string, int> out;
  for (const auto& n : optimized.graph().node())
    if (kInteger.count(n.op_type())) ++out[n.op_type()];
  return out;
}

void write_optimized_graph(const fs::path& model_file, const fs::path& optimized_file, int cpu_threads) {
  TempDirectory tmp("hpocr-optimized");
  ModelDir dir;
  dir.dir = model_file.parent_path();
  dir.model_file = model_file;
  dir.model_name = model_file.stem().string();
  EngineOptions opts;
  opts.cpu_threads = cpu_threads;
  opts.backend_config = {{"graph_optimization_level", "all"}, {"cache_optimized_model", true}};
  opts.cache_dir = tmp.path() / "entry";  // the backend writes model.optimized.onnx there (its engine cache)
  reference_backend().load(dir, opts);
  std::error_code ec;
  fs::copy_file(opts.cache_dir / "model.optimized.onnx", optimized_file, fs::copy_options::overwrite_existing, ec);
  if (ec) throw Error(ErrorCode::Io, "ONNX Runtime did not write its optimised graph for " + model_file.string() + ": " + ec.message());
}

}  // namespace hpocr::quant
