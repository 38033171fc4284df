// Shape and data-movement ops: reshape, transpose, flatten, squeeze/unsqueeze, concat, split, slice,
// stack, expand, shape, and the constant makers (fill_constant, assign_value, assign).
#include <algorithm>
#include <numeric>

#include "convert/graph_builder.h"
#include "hpocr/error.h"

namespace hpocr::convert {
namespace {
using paddle::ConstTensor;
using paddle::DType;
using paddle::Op;

/// An int64 vector operand from, in Paddle's order of precedence, a tensor slot, a tensor-list slot, or an
/// attribute; empty when none is present.
std::string int_operand(const Op& op, GraphBuilder& g, const std::string& tensor_slot, const std::string& list_slot,
                        const std::string& attr) {
  if (auto t = op.input(tensor_slot)) return as_i64(g, *t);
  if (auto it = op.inputs.find(list_slot); it != op.inputs.end() && !it->second.empty()) return concat_i64(g, it->second);
  if (op.has_attr(attr)) return g.const_i64(op.attr_ints(attr));
  return "";
}

void reshape(const Op& op, GraphBuilder& g) {
  const std::string x = g.use(op.required_input("X"));
  const std::string shape = int_operand(op, g, "Shape", "ShapeTensor", "shape");
  if (shape.empty()) g.unsupported(op, "no target shape");
  g.node("Reshape", {x, shape}, {op.output("Out")});  // Paddle's 0 (copy) and -1 (infer) mean the same in ONNX
}

void transpose(const Op& op, GraphBuilder& g) {
  attr_ints(g.node("Transpose", {g.use(op.required_input("X"))}, {op.output("Out")}), "perm", op.attr_ints("axis"));
}

int64_t normalize_axis(int64_t axis, int64_t rank) { return axis < 0 ? axis + rank : axis; }

void flatten(const Op& op, GraphBuilder& g) {
  const std::string x = g.use(op.required_input("X"));
  const int64_t r = g.rank(op.required_input("X"), op);
  if (r == 0) {
    g.node("Reshape", {x, g.const_i64({1})}, {op.output("Out")});
    return;
  }
  const int64_t start = normalize_axis(op.attr_int("start_axis", 1), r), stop = normalize_axis(op.attr_int("stop_axis", -1), r);
  if (start < 0 || stop >= r || start > stop) g.unsupported(op, "axes " + std::to_string(start) + ".." + std::to_string(stop));
  if (stop == r - 1) {
    std::vector<int64_t> shape(static_cast<std::size_t>(start), 0);  // 0 copies the input dimension
    shape.push_back(-1);
    g.node("Reshape", {x, g.const_i64(shape)}, {op.output("Out")});
    return;
  }
  // Dimensions after the flattened range may be dynamic: take them from Shape(x).
  const std::string shape = g.fresh("shape"), head = g.fresh("head"), tail = g.fresh("tail"), target = g.fresh("target");
  g.node("Shape", {x}, {shape});
  g.node("Slice", {shape, g.const_i64({0}), g.const_i64({start})}, {head});
  g.node("Slice", {shape, g.const_i64({stop + 1}), g.const_i64({r})}, {tail});
  attr_i(g.node("Concat", {head, g.const_i64({-1}), tail}, {target}), "axis", 0);
  g.node("Reshape", {x, target}, {op.output("Out")});
}

void squeeze(const Op& op, GraphBuilder& g) {
  const std::string x = g.use(op.required_input("X")), out = op.output("Out");
  const bool runtime_axes = op.input("AxesTensor") || (op.inputs.count("AxesTensorList") && !op.inputs.at("AxesTensorList").empty());
  if (runtime_axes) {
    g.node("Squeeze", {x, int_operand(op, g, "AxesTensor", "AxesTensorList", "axes")}, {out});
    return;
  }
  std::vector<int64_t> axes = op.attr_ints("axes");
  if (axes.empty()) {
    g.node("Squeeze", {x}, {out});  // without axes: every unit dimension, as in Paddle
    return;
  }
  // Paddle skips listed axes whose size is not 1 (ONNX Squeeze fails on them); drop those known statically.
  if (const paddle::VarInfo* in = g.info(op.required_input("X"))) {
    const auto r = static_cast<int64_t>(in->shape.size());
    std::erase_if(axes, [&](int64_t a) {
      const int64_t d = normalize_axis(a, r);
      return d >= 0 && d < r && in->shape[static_cast<std::size_t>(d)] > 1;
    });
    if (axes.empty()) {
      g.node("Identity", {x}, {out});
      return;
    }
  }
  g.node("Squeeze", {x, g.const_i64(axes)}, {out});
}

/// Paddle inserts unsqueeze axes one at a time, each relative to the shape so far, shifting the units it
/// inserted before; ONNX's axes name the final positions. Returns those positions.
std::vector<int64_t> paddle_unsqueeze_positions(const std::vector<int64_t>& axes, int64_t in_rank) {
  std::vector<bool> inserted(static_cast<std::size_t>(in_rank) + axes.size() + 1, false);
  int64_t rank = in_rank;
  for (int64_t axis : axes) {
    const int64_t cur = axis < 0 ? axis + rank + 1 : axis;
    if (cur < 0 || cur > rank) return {};
    for (int64_t i = rank; i >= cur; --i)
      if (inserted[static_cast<std::size_t>(i)]) {
        inserted[static_cast<std::size_t>(i) + 1] = true;
        inserted[static_cast<std::size_t>(i)] = false;
      }
    inserted[static_cast<std::size_t>(cur)] = true;
    ++rank;
  }
  std::vector<int64_t> positions;
  for (int64_t i = 0; i < rank; ++i)
    if (inserted[static_cast<std::size_t>(i)]) positions.push_back(i);
  return positions;
}

void unsqueeze(const Op& op, GraphBuilder& g) {
  const bool runtime_axes = op.input("AxesTensor") || (op.inputs.count("AxesTensorList") && !op.inputs.at("AxesTensorList").empty());
  std::string axes;
  if (runtime_axes) {
    axes = int_operand(op, g, "AxesTensor", "AxesTensorList", "axes");
  } else {
    const std::vector<int64_t> listed = op.attr_ints("axes");
    if (listed.empty()) g.unsupported(op, "no axes");
    // Without a declared rank, ascending non-negative axes mean the same in both conventions.
    const std::string x = op.required_input("X");
    const bool rank_known = g.constant(x) || g.info(x);
    const bool ascending = std::is_sorted(listed.begin(), listed.end()) && listed.front() >= 0 &&
                           std::adjacent_find(listed.begin(), listed.end()) == listed.end();
    const std::vector<int64_t> positions = !rank_known && ascending ? listed : paddle_unsqueeze_positions(listed, g.rank(x, op));
    if (positions.size() != listed.size()) g.unsupported(op, "axes out of range");
    axes = g.const_i64(positions);
  }
  g.node("Unsqueeze", {g.use(op.required_input("X")), axes}, {op.output("Out")});
}

std::vector<std::string> use_all(const Op& op, GraphBuilder& g, const std::string& slot) {
  std::vector<std::string> out;
  if (auto it = op.inputs.find(slot); it != op.inputs.end())
    for (const auto& v : it->second) out.push_back(g.use(v));
  if (out.empty()) g.unsupported(op, "no " + slot + " inputs");
  return out;
}

void concat(const Op& op, GraphBuilder& g) {
  if (op.input("AxisTensor")) g.unsupported(op, "an axis computed at run time");
  attr_i(g.node("Concat", use_all(op, g, "X"), {op.output("Out")}), "axis", op.attr_int("axis", 0));
}

void stack(const Op& op, GraphBuilder& g) {
  const int64_t axis = op.attr_int("axis", 0);
  std::vector<std::string> parts;
  for (const auto& x : use_all(op, g, "X")) {
    parts.push_back(g.fresh(x + "_unsq"));
    g.node("Unsqueeze", {x, g.const_i64({axis})}, {parts.back()});
  }
  attr_i(g.node("Concat", parts, {op.output("Y")}), "axis", axis);
}

void split(const Op& op, GraphBuilder& g) {
  if (op.input("AxisTensor")) g.unsupported(op, "an axis computed at run time");
  const std::vector<std::string> outs = op.outputs.count("Out") ? op.outputs.at("Out") : std::vector<std::string>{};
  if (outs.empty()) g.unsupported(op, "no outputs");
  const int64_t axis = op.attr_int("axis", 0);
  std::vector<std::string> inputs = {g.use(op.required_input("X"))};
  std::vector<int64_t> sections = op.attr_ints("sections");
  if (auto it = op.inputs.find("SectionsTensorList"); it != op.inputs.end() && !it->second.empty())
    g.unsupported(op, "sections computed at run time");
  if (!sections.empty()) {
    if (sections.size() != outs.size()) g.unsupported(op, "sections do not match the outputs");
    if (auto unknown = std::find(sections.begin(), sections.end(), -1); unknown != sections.end()) {
      const paddle::VarInfo* in = g.info(op.required_input("X"));
      const int64_t a = in ? normalize_axis(axis, static_cast<int64_t>(in->shape.size())) : -1;
      if (!in || a < 0 || a >= static_cast<int64_t>(in->shape.size()) || in->shape[static_cast<std::size_t>(a)] < 0)
        g.unsupported(op, "a -1 section along a dynamic dimension");
      *unknown = 0;
      *unknown = in->shape[static_cast<std::size_t>(a)] - std::accumulate(sections.begin(), sections.end(), int64_t{0});
    }
    inputs.push_back(g.const_i64(sections));
  }
  attr_i(g.node("Split", inputs, outs), "axis", axis);
}

void slice(const Op& op, GraphBuilder& g) {
  const std::string in = op.required_input("Input");
  const std::vector<int64_t> axes = op.attr_ints("axes");
  const std::string starts = int_operand(op, g, "StartsTensor", "StartsTensorList", "starts");
  const std::string ends = int_operand(op, g, "EndsTensor", "EndsTensorList", "ends");
  if (axes.empty() || starts.empty() || ends.empty()) g.unsupported(op, "missing axes, starts or ends");
  const std::vector<int64_t> decrease = op.attr_ints("decrease_axis");
  const std::string out = op.output("Out");
  const std::string sliced = decrease.empty() ? out : g.fresh("sliced");
  g.node("Slice", {g.use(in), starts, ends, g.const_i64(axes)}, {sliced});
  if (decrease.empty()) return;
  const int64_t in_rank = g.rank(in, op);
  const int64_t kept = in_rank - static_cast<int64_t>(decrease.size());
  const paddle::VarInfo* declared = g.info(out);
  // Older programs keep a 1-element vector when every dimension is dropped; PIR programs give a 0-D tensor.
  if (kept == 0 && declared && declared->shape.size() == 1) g.node("Reshape", {sliced, g.const_i64({1})}, {out});
  else g.node("Squeeze", {sliced, g.const_i64(decrease)}, {out});
}

void shape(const Op& op, GraphBuilder& g) {
  const std::string out = op.output("Out");
  const DType want = g.info(out) ? g.info(out)->dtype : DType::Int32;
  if (want == DType::Int64) {
    g.node("Shape", {g.use(op.required_input("Input"))}, {out});
    return;
  }
  const std::string s = g.fresh("shape");
  g.node("Shape", {g.use(op.required_input("Input"))}, {s});
  attr_i(g.node("Cast", {s}, {out}), "to", onnx_type(want));
}

void expand(const Op& op, GraphBuilder& g) {
  const std::string x = g.use(op.required_input("X"));
  const auto shape_input = op.input("Shape");
  const bool shape_list = op.inputs.count("expand_shapes_tensor") && !op.inputs.at("expand_shapes_tensor").empty();
  std::string shape;
  if (!shape_list && (!shape_input || g.constant(*shape_input))) {
    std::vector<int64_t> s = shape_input ? g.constant(*shape_input)->as_ints() : op.attr_ints("shape");
    for (auto& d : s) d = d == -1 ? 1 : d;  // Paddle's -1 keeps the dimension; ONNX broadcasting does that with 1
    shape = g.const_i64(s);
  } else {
    // The same at run time: max(shape, 1) keeps every real size and turns -1 into 1.
    shape = g.fresh("expand_shape");
    g.node("Max", {int_operand(op, g, "Shape", "expand_shapes_tensor", "shape"), g.const_i64({1})}, {shape});
  }
  g.node("Expand", {x, shape}, {op.output("Out")});
}

/// fill_constant: a constant when its shape and value are attributes; ConstantOfShape otherwise.
void fill_constant(const Op& op, GraphBuilder& g) {
  const auto dtype = static_cast<DType>(op.attr_int("dtype", static_cast<int64_t>(DType::Float32)));
  if (op.input("ValueTensor")) g.unsupported(op, "a value computed at run time");
  double value = op.attr_float("value", 0.0);
  if (const std::string s = op.attr_string("str_value", ""); !s.empty()) {
    try {
      value = std::stod(s);
    } catch (const std::exception&) {
      g.unsupported(op, "str_value '" + s + "' is not a number");
    }
  }
  const std::string out = op.output("Out");
  const bool runtime_shape = op.input("ShapeTensor") || (op.inputs.count("ShapeTensorList") && !op.inputs.at("ShapeTensorList").empty());
  if (!runtime_shape) {
    g.set_constant(out, paddle::make_const(dtype, op.attr_ints("shape"), {value}));
    return;
  }
  const std::string shape = int_operand(op, g, "ShapeTensor", "ShapeTensorList", "shape");
  onnx::NodeProto& n = g.node("ConstantOfShape", {shape}, {out});
  const ConstTensor v = paddle::make_const(dtype, {1}, {value});
  auto& a = *n.add_attribute();
  a.set_name("value");
  a.set_type(onnx::AttributeProto::TENSOR);
  a.mutable_t()->set_data_type(onnx_type(dtype));
  a.mutable_t()->add_dims(1);
  a.mutable_t()->set_raw_data(v.data.data(), v.data.size());
}

void assign_value(const Op& op, GraphBuilder& g) {
  const auto dtype = static_cast<DType>(op.attr_int("dtype", static_cast<int64_t>(DType::Float32)));
  std::vector<double> values;
  for (const char* key : {"fp32_values", "fp64_values", "values"})
    if (op.has_attr(key) && values.empty()) values = op.attr_floats(key);
  for (const char* key : {"int32_values", "int64_values"})
    if (op.has_attr(key) && values.empty())
      for (int64_t v : op.attr_ints(key)) values.push_back(static_cast<double>(v));
  std::vector<int64_t> shape = op.attr_ints("shape");
  const int64_t n = std::accumulate(shape.begin(), shape.end(), int64_t{1}, std::multiplies<>());
  if (static_cast<int64_t>(values.size()) != n) g.unsupported(op, "values do not match the shape");
  g.set_constant(op.output("Out"), paddle::make_const(dtype, shape, values));
}

void assign(const Op& op, GraphBuilder& g) {
  const std::string x = op.required_input("X");
  if (const ConstTensor* c = g.constant(x)) {
    g.set_constant(op.output("Out"), *c);
    return;
  }
  g.node("Identity", {x}, {op.output("Out")});
}

}  // namespace

void register_tensor_ops(MapperTable& t) {
  t["reshape2"] = reshape;
  t["reshape"] = reshape;
  t["transpose2"] = transpose;
  t["transpose"] = transpose;
  t["flatten_contiguous_range"] = flatten;
  t["squeeze2"] = squeeze;
  t["unsqueeze2"] = unsqueeze;
  t["concat"] = concat;
  t["stack"] = stack;
  t["split"] = split;
  t["slice"] = slice;
  t["shape"] = shape;
  t["expand_v2"] = expand;
  t["fill_constant"] = fill_constant;
  t["assign_value"] = assign_value;
  t["assign"] = assign;
}

}  // namespace hpocr::convert
