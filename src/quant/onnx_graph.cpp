#include "quant/onnx_graph.h"

#include <cmath>
#include <cstring>
#include <fstream>
#include <limits>
#include <optional>
#include <set>

#include "hpocr/error.h"

namespace fs = std::filesystem;

namespace hpocr::quant {
namespace {

const onnx::AttributeProto* find_attr(const onnx::NodeProto& n, const std::string& name) {
  for (const auto& a : n.attribute())
    if (a.name() == name) return &a;
  return nullptr;
}

void remove_attr(onnx::NodeProto& n, const std::string& name) {
  auto* attrs = n.mutable_attribute();
  for (int i = 0; i < attrs->size(); ++i)
    if (attrs->Get(i).name() == name) {
      attrs->DeleteSubrange(i, 1);
      return;
    }
}

template <typename T>
std::vector<T> raw_or(const onnx::TensorProto& t, const google::protobuf::RepeatedField<T>& typed) {
  if (t.has_raw_data()) {
    std::vector<T> v(t.raw_data().size() / sizeof(T));
    std::memcpy(v.data(), t.raw_data().data(), v.size() * sizeof(T));
    return v;
  }
  return {typed.begin(), typed.end()};
}

/// Adds an INT64 initializer `name` and returns its name.
std::string add_int64s(onnx::GraphProto& g, const std::string& name, const std::vector<int64_t>& values) {
  *g.add_initializer() = make_tensor<int64_t>(name, onnx::TensorProto::INT64, {static_cast<int64_t>(values.size())}, values);
  return name;
}

}  // namespace

onnx::ModelProto load_onnx(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw Error(ErrorCode::ModelFormat, "cannot read " + file.string());
  onnx::ModelProto m;
  if (!m.ParseFromIstream(&in) || !m.has_graph())
    throw Error(ErrorCode::ModelFormat, file.string() + " is not a readable ONNX model");
  return m;
}

void save_onnx(const onnx::ModelProto& model, const fs::path& file) {
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  if (!out || !model.SerializeToOstream(&out) || !out.flush()) throw Error(ErrorCode::Io, "cannot write " + file.string());
}

int onnx_opset(const onnx::ModelProto& model) {
  for (const auto& o : model.opset_import())
    if (o.domain().empty() || o.domain() == "ai.onnx") return static_cast<int>(o.version());
  return 0;
}

std::vector<float> tensor_floats(const onnx::TensorProto& t) {
  if (t.data_type() != onnx::TensorProto::FLOAT)
    throw Error(ErrorCode::ModelFormat, "tensor " + t.name() + " is not float32 (type " + std::to_string(t.data_type()) + ")");
  return raw_or<float>(t, t.float_data());
}

std::vector<int64_t> tensor_int64s(const onnx::TensorProto& t) {
  if (t.data_type() != onnx::TensorProto::INT64)
    throw Error(ErrorCode::ModelFormat, "tensor " + t.name() + " is not int64");
  return raw_or<int64_t>(t, t.int64_data());
}

template <typename T>
onnx::TensorProto make_tensor(const std::string& name, int type, const std::vector<int64_t>& dims, const std::vector<T>& values) {
  onnx::TensorProto t;
  t.set_name(name);
  t.set_data_type(type);
  for (auto d : dims) t.add_dims(d);
  t.set_raw_data(std::string(reinterpret_cast<const char*>(values.data()), values.size() * sizeof(T)));
  return t;
}
template onnx::TensorProto make_tensor<float>(const std::string&, int, const std::vector<int64_t>&, const std::vector<float>&);
template onnx::TensorProto make_tensor<int8_t>(const std::string&, int, const std::vector<int64_t>&, const std::vector<int8_t>&);
template onnx::TensorProto make_tensor<uint8_t>(const std::string&, int, const std::vector<int64_t>&, const std::vector<uint8_t>&);
template onnx::TensorProto make_tensor<int32_t>(const std::string&, int, const std::vector<int64_t>&, const std::vector<int32_t>&);
template onnx::TensorProto make_tensor<int64_t>(const std::string&, int, const std::vector<int64_t>&, const std::vector<int64_t>&);

std::map<std::string, int> initializer_index(const onnx::GraphProto& g) {
  std::map<std::string, int> out;
  for (int i = 0; i < g.initializer_size(); ++i) out[g.initializer(i).name()] = i;
  return out;
}

void normalise_graph(onnx::GraphProto& g) {
  google::protobuf::RepeatedPtrField<onnx::NodeProto> kept;
  std::set<std::string> names;
  for (const auto& n : g.node()) names.insert(n.name());
  int index = 0;
  for (auto& n : *g.mutable_node()) {
    const auto* value = find_attr(n, "value");
    if (n.op_type() == "Constant" && n.domain().empty() && value && value->has_t() && n.output_size() == 1) {
      onnx::TensorProto* t = g.add_initializer();
      *t = value->t();
      t->set_name(n.output(0));
      continue;
    }
    if (n.name().empty()) {
      std::string name;
      do name = n.op_type() + "_" + std::to_string(index++);
      while (names.count(name));
      names.insert(name);
      n.set_name(name);
    }
    *kept.Add() = std::move(n);
  }
  g.mutable_node()->Swap(&kept);
}

int fold_batchnorm(onnx::GraphProto& g) {
  std::map<std::string, int> producer, uses;
  for (int i = 0; i < g.node_size(); ++i) {
    for (const auto& o : g.node(i).output()) producer[o] = i;
    for (const auto& in : g.node(i).input()) ++uses[in];
  }
  for (const auto& o : g.output()) ++uses[o.name()];
  auto inits = initializer_index(g);
  auto constant = [&](const std::string& name) { return inits.count(name) ? &g.initializer(inits[name]) : nullptr; };
  std::set<int> removed;
  int folded = 0;
  for (int b = 0; b < g.node_size(); ++b) {
    const auto& bn = g.node(b);
    if (bn.op_type() != "BatchNormalization" || bn.input_size() != 5 || bn.output_size() < 1) continue;
    auto p = producer.find(bn.input(0));
    if (p == producer.end() || uses[bn.input(0)] != 1) continue;
    onnx::NodeProto& conv = *g.mutable_node(p->second);
    const bool transpose = conv.op_type() == "ConvTranspose";
    if (conv.op_type() != "Conv" && !transpose) continue;
    const auto* group = find_attr(conv, "group");
    if (transpose && group && group->i() != 1) continue;  // output channels are split across groups
    if (conv.input_size() < 2) continue;
    const onnx::TensorProto* w = constant(conv.input(1));
    const onnx::TensorProto *scale = constant(bn.input(1)), *shift = constant(bn.input(2)), *mean = constant(bn.input(3)),
                            *var = constant(bn.input(4));
    if (!w || !scale || !shift || !mean || !var || w->dims_size() < 2) continue;
    const onnx::TensorProto* bias = conv.input_size() > 2 && !conv.input(2).empty() ? constant(conv.input(2)) : nullptr;
    if (conv.input_size() > 2 && !conv.input(2).empty() && !bias) continue;
    const auto* eps_attr = find_attr(bn, "epsilon");
    const float eps = eps_attr ? eps_attr->f() : 1e-5f;
    auto wv = tensor_floats(*w), sv = tensor_floats(*scale), hv = tensor_floats(*shift), mv = tensor_floats(*mean),
         vv = tensor_floats(*var);
    const size_t channels = sv.size();
    const int64_t d0 = w->dims(0), d1 = w->dims(1);
    // Conv weights are [C_out, C_in/g, k...]; ConvTranspose weights [C_in, C_out, k...] (group 1).
    if ((transpose ? static_cast<size_t>(d1) : static_cast<size_t>(d0)) != channels) continue;
    // Inconsistent tensors (a corrupt model) are left alone: their data must match their dims.
    if (hv.size() != channels || mv.size() != channels || vv.size() != channels || d0 <= 0 || d1 <= 0) continue;
    bool dims_match = true;
    size_t numel = 1;
    for (int64_t d : w->dims()) {
      if (d <= 0 || numel > wv.size() / static_cast<size_t>(d)) {
        dims_match = false;
        break;
      }
      numel *= static_cast<size_t>(d);
    }
    if (!dims_match || numel != wv.size()) continue;
    std::vector<float> bv = bias ? tensor_floats(*bias) : std::vector<float>(channels, 0.f);
    if (bv.size() != channels) continue;
    std::vector<float> factor(channels);
    for (size_t c = 0; c < channels; ++c) {
      factor[c] = sv[c] / std::sqrt(vv[c] + eps);
      bv[c] = (bv[c] - mv[c]) * factor[c] + hv[c];
    }
    const size_t inner = wv.size() / static_cast<size_t>(d0 * d1);
    for (int64_t i = 0; i < d0; ++i)
      for (int64_t j = 0; j < d1; ++j)
        for (size_t k = 0; k < inner; ++k) wv[(static_cast<size_t>(i * d1 + j)) * inner + k] *= factor[transpose ? j : i];
    // New names: the original weights may be shared with other nodes.
    std::vector<int64_t> wdims(w->dims().begin(), w->dims().end());
    const std::string wname = conv.input(1) + "_bnfold", bname = conv.name() + "_bnfold_bias";
    *g.add_initializer() = make_tensor(wname, onnx::TensorProto::FLOAT, wdims, wv);
    *g.add_initializer() = make_tensor(bname, onnx::TensorProto::FLOAT, {static_cast<int64_t>(channels)}, bv);
    inits = initializer_index(g);
    conv.set_input(1, wname);
    if (conv.input_size() > 2) conv.set_input(2, bname);
    else conv.add_input(bname);
    conv.set_output(0, bn.output(0));
    removed.insert(b);
    ++folded;
  }
  google::protobuf::RepeatedPtrField<onnx::NodeProto> kept;
  for (int i = 0; i < g.node_size(); ++i)
    if (!removed.count(i)) *kept.Add() = std::move(*g.mutable_node(i));
  g.mutable_node()->Swap(&kept);
  prune_unused_initializers(g);  // the unfolded weights and BN parameters
  return folded;
}

int prune_unused_initializers(onnx::GraphProto& g) {
  std::set<std::string> used;
  for (const auto& n : g.node())
    for (const auto& in : n.input()) used.insert(in);
  for (const auto& o : g.output()) used.insert(o.name());  // a constant graph output stays
  google::protobuf::RepeatedPtrField<onnx::TensorProto> live;
  const int before = g.initializer_size();
  for (auto& t : *g.mutable_initializer())
    if (used.count(t.name())) *live.Add() = std::move(t);
  g.mutable_initializer()->Swap(&live);
  return before - g.initializer_size();
}

namespace {

/// Uses of every tensor (node inputs and graph outputs) and the producer of every node output.
struct Uses {
  std::map<std::string, int> count;
  std::map<std::string, int> producer;
  std::map<std::string, std::vector<int>> consumers;
  explicit Uses(const onnx::GraphProto& g) {
    for (int i = 0; i < g.node_size(); ++i) {
      for (const auto& o : g.node(i).output()) producer[o] = i;
      for (const auto& in : g.node(i).input())
        if (!in.empty()) ++count[in], consumers[in].push_back(i);
    }
    for (const auto& o : g.output()) ++count[o.name()];
  }
  /// The single node reading `t` (none when `t` is read twice or is a graph output).
  int sole_consumer(const std::string& t) const {
    auto c = count.find(t);
    if (c == count.end() || c->second != 1) return -1;
    auto it = consumers.find(t);
    return it == consumers.end() || it->second.size() != 1 ? -1 : it->second[0];
  }
};

/// The float values of a constant input of `n` that is a scalar or one value per channel ([C], [1,C,1,1],
/// [C,1,1]); empty when it is not constant, not float or shaped otherwise.
std::vector<float> channel_constant(const onnx::GraphProto& g, const std::map<std::string, int>& inits, const std::string& name,
                                    int64_t channels) {
  auto it = inits.find(name);
  if (it == inits.end()) return {};
  const onnx::TensorProto& t = g.initializer(it->second);
  if (t.data_type() != onnx::TensorProto::FLOAT) return {};
  int64_t numel = 1, non_unit = 0, non_unit_axis = -1;
  for (int d = 0; d < t.dims_size(); ++d) {
    numel *= t.dims(d);
    if (t.dims(d) != 1) ++non_unit, non_unit_axis = d;
  }
  auto v = tensor_floats(t);
  if (static_cast<int64_t>(v.size()) != numel) return {};
  if (numel == 1) return std::vector<float>(channels, v[0]);
  // Per channel: the channel axis of an NCHW tensor, i.e. axis 1 of a rank-4 constant or axis 0 of rank 3.
  const bool channel_axis = (t.dims_size() == 4 && non_unit_axis == 1) || (t.dims_size() == 3 && non_unit_axis == 0);
  if (non_unit != 1 || !channel_axis || numel != channels) return {};
  return v;
}

std::optional<float> scalar_constant(const onnx::GraphProto& g, const std::map<std::string, int>& inits, const std::string& name) {
  auto v = channel_constant(g, inits, name, 1);
  if (v.size() != 1) return std::nullopt;
  return v[0];
}

void set_float_attr(onnx::NodeProto& n, const std::string& name, float value) {
  auto* a = n.add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::FLOAT);
  a->set_f(value);
}

}  // namespace

int fold_conv_affine(onnx::GraphProto& g) {
  int folded = 0;
  for (bool changed = true; changed;) {
    changed = false;
    const Uses uses(g);
    const auto inits = initializer_index(g);
    for (int c = 0; c < g.node_size() && !changed; ++c) {
      const onnx::NodeProto& conv = g.node(c);
      if (conv.op_type() != "Conv" || !conv.domain().empty() || conv.input_size() < 2) continue;
      auto w_it = inits.find(conv.input(1));
      if (w_it == inits.end()) continue;
      const onnx::TensorProto& w = g.initializer(w_it->second);
      if (w.data_type() != onnx::TensorProto::FLOAT || w.dims_size() < 3 || w.dims(0) <= 0) continue;
      const int64_t channels = w.dims(0);
      const bool has_bias = conv.input_size() > 2 && !conv.input(2).empty();
      if (has_bias && !inits.count(conv.input(2))) continue;
      const int next = uses.sole_consumer(conv.output(0));
      if (next < 0) continue;
      const onnx::NodeProto& op = g.node(next);
      if ((op.op_type() != "Mul" && op.op_type() != "Add") || !op.domain().empty() || op.input_size() != 2) continue;
      const std::string other = op.input(0) == conv.output(0) ? op.input(1) : op.input(0);
      if (other == conv.output(0)) continue;
      const auto k = channel_constant(g, inits, other, channels);
      if (k.empty()) continue;
      auto wv = tensor_floats(w);
      std::vector<float> bv = has_bias ? tensor_floats(g.initializer(inits.at(conv.input(2)))) : std::vector<float>(channels, 0.f);
      if (bv.size() != static_cast<size_t>(channels) || wv.size() % channels) continue;
      const size_t per = wv.size() / channels;
      if (op.op_type() == "Mul") {
        for (int64_t ch = 0; ch < channels; ++ch) {
          for (size_t i = 0; i < per; ++i) wv[ch * per + i] *= k[ch];
          bv[ch] *= k[ch];
        }
      } else {
        for (int64_t ch = 0; ch < channels; ++ch) bv[ch] += k[ch];
      }
      std::vector<int64_t> wdims(w.dims().begin(), w.dims().end());
      const std::string wname = conv.name() + "_affine_w" + std::to_string(folded), bname = conv.name() + "_affine_b" + std::to_string(folded);
      *g.add_initializer() = make_tensor(wname, onnx::TensorProto::FLOAT, wdims, wv);
      *g.add_initializer() = make_tensor(bname, onnx::TensorProto::FLOAT, {channels}, bv);
      const std::string out = op.output(0);
      onnx::NodeProto& cv = *g.mutable_node(c);
      cv.set_input(1, wname);
      if (cv.input_size() > 2) cv.set_input(2, bname);
      else cv.add_input(bname);
      cv.set_output(0, out);
      g.mutable_node()->DeleteSubrange(next, 1);
      ++folded;
      changed = true;
    }
  }
  if (folded) prune_unused_initializers(g);
  return folded;
}

int fuse_hardswish(onnx::GraphProto& g) {
  int fused = 0;
  for (bool changed = true; changed;) {
    changed = false;
    const Uses uses(g);
    const auto inits = initializer_index(g);
    for (int a = 0; a < g.node_size() && !changed; ++a) {
      // x + 3 -> Clip(0, 6) -> x * clip -> / 6
      const onnx::NodeProto& add = g.node(a);
      if (add.op_type() != "Add" || !add.domain().empty() || add.input_size() != 2) continue;
      const int xi = scalar_constant(g, inits, add.input(1)) ? 0 : scalar_constant(g, inits, add.input(0)) ? 1 : -1;
      if (xi < 0 || *scalar_constant(g, inits, add.input(1 - xi)) != 3.f) continue;
      const std::string x = add.input(xi);
      const int c = uses.sole_consumer(add.output(0));
      if (c < 0) continue;
      const onnx::NodeProto& clip = g.node(c);
      if (clip.op_type() != "Clip" || !clip.domain().empty()) continue;
      std::optional<float> lo, hi;
      if (const auto* m = find_attr(clip, "min")) lo = m->f();
      if (const auto* m = find_attr(clip, "max")) hi = m->f();
      if (clip.input_size() > 1 && !clip.input(1).empty()) lo = scalar_constant(g, inits, clip.input(1));
      if (clip.input_size() > 2 && !clip.input(2).empty()) hi = scalar_constant(g, inits, clip.input(2));
      if (!lo || !hi || *lo != 0.f || *hi != 6.f) continue;
      const int m = uses.sole_consumer(clip.output(0));
      if (m < 0) continue;
      const onnx::NodeProto& mul = g.node(m);
      if (mul.op_type() != "Mul" || !mul.domain().empty() || mul.input_size() != 2) continue;
      if (!((mul.input(0) == x && mul.input(1) == clip.output(0)) || (mul.input(1) == x && mul.input(0) == clip.output(0)))) continue;
      const int d = uses.sole_consumer(mul.output(0));
      if (d < 0) continue;
      const onnx::NodeProto& div = g.node(d);
      if (div.op_type() != "Div" || !div.domain().empty() || div.input_size() != 2 || div.input(0) != mul.output(0)) continue;
      const auto six = scalar_constant(g, inits, div.input(1));
      if (!six || *six != 6.f) continue;
      // x * HardSigmoid(x; 1/6, 1/2) == x * clip(x + 3, 0, 6) / 6: four elementwise passes become two.
      onnx::NodeProto hs;
      hs.set_op_type("HardSigmoid");
      hs.set_name(add.name() + "_hardsigmoid");
      hs.add_input(x);
      hs.add_output(add.output(0) + "_hardsigmoid");
      set_float_attr(hs, "alpha", 1.f / 6.f);
      set_float_attr(hs, "beta", 0.5f);
      onnx::NodeProto prod;
      prod.set_op_type("Mul");
      prod.set_name(mul.name() + "_hardswish");
      prod.add_input(x);
      prod.add_input(hs.output(0));
      prod.add_output(div.output(0));
      google::protobuf::RepeatedPtrField<onnx::NodeProto> nodes;
      for (int i = 0; i < g.node_size(); ++i) {
        if (i == c || i == m || i == d) continue;
        if (i == a) {
          *nodes.Add() = hs;
          *nodes.Add() = prod;
        } else {
          *nodes.Add() = std::move(*g.mutable_node(i));
        }
      }
      g.mutable_node()->Swap(&nodes);
      ++fused;
      changed = true;
    }
  }
  if (fused) prune_unused_initializers(g);
  return fused;
}

void upgrade_to_opset13(onnx::ModelProto& model, const std::map<std::string, int>& ranks) {
  const int from = onnx_opset(model);
  if (from >= 13) return;
  if (from < 7) throw Error(ErrorCode::UnsupportedOp, "opset " + std::to_string(from) + " models are too old to quantise");
  onnx::GraphProto& g = *model.mutable_graph();
  for (auto& n : *g.mutable_node()) {
    if (!n.domain().empty() && n.domain() != "ai.onnx") continue;
    const std::string& op = n.op_type();
    auto ints = [&](const char* name) -> std::optional<std::vector<int64_t>> {
      const auto* a = find_attr(n, name);
      if (!a) return std::nullopt;
      return std::vector<int64_t>(a->ints().begin(), a->ints().end());
    };
    if (op == "Clip" && from < 11) {
      const auto *lo = find_attr(n, "min"), *hi = find_attr(n, "max");
      std::string lo_name, hi_name;
      if (lo) *g.add_initializer() = make_tensor<float>(lo_name = n.name() + "_min", onnx::TensorProto::FLOAT, {}, {lo->f()});
      if (hi) *g.add_initializer() = make_tensor<float>(hi_name = n.name() + "_max", onnx::TensorProto::FLOAT, {}, {hi->f()});
      remove_attr(n, "min");
      remove_attr(n, "max");
      n.add_input(lo_name);
      n.add_input(hi_name);
    } else if (op == "Slice" && from < 10) {
      auto starts = ints("starts"), ends = ints("ends"), axes = ints("axes");
      if (!starts || !ends) throw Error(ErrorCode::UnsupportedOp, n.name() + ": Slice without starts/ends");
      n.add_input(add_int64s(g, n.name() + "_starts", *starts));
      n.add_input(add_int64s(g, n.name() + "_ends", *ends));
      if (axes) n.add_input(add_int64s(g, n.name() + "_axes", *axes));
      for (const char* a : {"starts", "ends", "axes"}) remove_attr(n, a);
    } else if (op == "Squeeze" || op == "Unsqueeze" || op == "ReduceSum") {
      if (auto axes = ints("axes")) {
        n.add_input(add_int64s(g, n.name() + "_axes", *axes));
        remove_attr(n, "axes");
      }
    } else if (op == "Split") {
      if (auto split = ints("split")) {
        n.add_input(add_int64s(g, n.name() + "_split", *split));
        remove_attr(n, "split");
      }
    } else if (op == "Softmax" || op == "LogSoftmax" || op == "Hardmax") {
      // Before opset 13 these flatten to 2-D at `axis`; from 13 they work along `axis` alone. Both agree when
      // `axis` is the last dimension, which is what the PP-OCR graphs use.
      if (n.input_size() < 1) throw Error(ErrorCode::ModelFormat, n.name() + ": " + op + " without an input");
      const auto* a = find_attr(n, "axis");
      const int64_t axis = a ? a->i() : 1;
      auto r = ranks.find(n.input(0));
      const bool last = axis == -1 || (r != ranks.end() && (axis < 0 ? axis + r->second : axis) == r->second - 1);
      if (!last)
        throw Error(ErrorCode::UnsupportedOp, n.name() + ": " + op + " over axis " + std::to_string(axis) +
                                                  " of a tensor of " + (r == ranks.end() ? "unknown" : std::to_string(r->second)) +
                                                  " dimensions cannot be moved to opset 13 without reshaping");
    } else if (op == "Upsample" || op == "Scatter") {
      throw Error(ErrorCode::UnsupportedOp, n.name() + ": " + op + " is deprecated and cannot be moved to opset 13");
    }
  }
  for (auto& o : *model.mutable_opset_import())
    if (o.domain().empty() || o.domain() == "ai.onnx") o.set_version(13);
  if (model.ir_version() < 7) model.set_ir_version(7);
}

}  // namespace hpocr::quant
