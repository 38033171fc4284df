#include "convert/graph_builder.h"

#include <cstring>

#include "hpocr/error.h"

namespace hpocr::convert {
using paddle::ConstTensor;
using paddle::DType;

int onnx_type(DType t) {
  switch (t) {
    case DType::Float32: return onnx::TensorProto::FLOAT;
    case DType::Float64: return onnx::TensorProto::DOUBLE;
    case DType::Float16: return onnx::TensorProto::FLOAT16;
    case DType::Int64: return onnx::TensorProto::INT64;
    case DType::Int32: return onnx::TensorProto::INT32;
    case DType::Int16: return onnx::TensorProto::INT16;
    case DType::Int8: return onnx::TensorProto::INT8;
    case DType::UInt8: return onnx::TensorProto::UINT8;
    case DType::Bool: return onnx::TensorProto::BOOL;
  }
  throw Error(ErrorCode::UnsupportedOp, "element type " + paddle::to_string(t) + " has no ONNX equivalent");
}

GraphBuilder::GraphBuilder(const paddle::Program& program, onnx::GraphProto& graph, int opset, std::string model_name)
    : program_(program), graph_(graph), opset_(opset), model_name_(std::move(model_name)) {
  for (const auto& [name, _] : program.vars) names_.insert(name);
  for (const auto& [name, _] : program.params) names_.insert(name);
}

onnx::NodeProto& GraphBuilder::node(const std::string& op_type, const std::vector<std::string>& inputs,
                                    const std::vector<std::string>& outputs) {
  onnx::NodeProto& n = *graph_.add_node();
  n.set_op_type(op_type);
  n.set_name(fresh(op_type));
  for (const auto& i : inputs) n.add_input(i);
  for (const auto& o : outputs) n.add_output(o);
  return n;
}

std::string GraphBuilder::fresh(const std::string& hint) {
  std::string name;
  do name = hint + "__" + std::to_string(counter_++);
  while (names_.count(name));
  names_.insert(name);
  return name;
}

std::string GraphBuilder::const_i64(const std::vector<int64_t>& values, bool scalar) {
  const std::string name = fresh("const");
  onnx::TensorProto& t = *graph_.add_initializer();
  t.set_name(name);
  t.set_data_type(onnx::TensorProto::INT64);
  if (!scalar) t.add_dims(static_cast<int64_t>(values.size()));
  for (int64_t v : values) t.add_int64_data(v);
  return name;
}

std::string GraphBuilder::const_f32(const std::vector<float>& values, std::vector<int64_t> shape) {
  const std::string name = fresh("const");
  onnx::TensorProto& t = *graph_.add_initializer();
  t.set_name(name);
  t.set_data_type(onnx::TensorProto::FLOAT);
  for (int64_t d : shape) t.add_dims(d);
  for (float v : values) t.add_float_data(v);
  return name;
}

const ConstTensor* GraphBuilder::constant(const std::string& var) const {
  if (auto it = folded_.find(var); it != folded_.end()) return &it->second;
  if (auto it = program_.params.find(var); it != program_.params.end()) return &it->second;
  return nullptr;
}

void GraphBuilder::set_constant(const std::string& var, ConstTensor value) { folded_[var] = std::move(value); }

void GraphBuilder::fill_initializer(onnx::TensorProto& t, const ConstTensor& value) const {
  t.set_data_type(onnx_type(value.dtype));
  for (int64_t d : value.shape) t.add_dims(d);
  t.set_raw_data(value.data.data(), value.data.size());
}

std::string GraphBuilder::const_tensor(const ConstTensor& value) {
  const std::string name = fresh("const");
  onnx::TensorProto& t = *graph_.add_initializer();
  t.set_name(name);
  fill_initializer(t, value);
  return name;
}

std::string GraphBuilder::use(const std::string& var) {
  const ConstTensor* c = constant(var);
  if (!c || initialized_.count(var)) return var;
  initialized_.insert(var);
  onnx::TensorProto& t = *graph_.add_initializer();
  t.set_name(var);
  fill_initializer(t, *c);
  return var;
}

DType GraphBuilder::dtype(const std::string& var) const {
  if (const ConstTensor* c = constant(var)) return c->dtype;
  if (const paddle::VarInfo* i = info(var)) return i->dtype;
  return DType::Float32;
}

const paddle::VarInfo* GraphBuilder::info(const std::string& var) const {
  if (auto it = extra_info_.find(var); it != extra_info_.end()) return &it->second;
  if (auto it = program_.vars.find(var); it != program_.vars.end() && it->second.known_shape) return &it->second;
  return nullptr;
}

int64_t GraphBuilder::rank(const std::string& var, const paddle::Op& op) const {
  if (const ConstTensor* c = constant(var)) return static_cast<int64_t>(c->shape.size());
  if (const paddle::VarInfo* i = info(var)) return static_cast<int64_t>(i->shape.size());
  unsupported(op, "the rank of '" + var + "' is not declared in the program");
}

void GraphBuilder::unsupported(const paddle::Op& op, const std::string& what) const {
  throw Error(ErrorCode::UnsupportedOp, model_name_ + ": operator " + op.type + ": " + what);
}

std::string as_i64(GraphBuilder& g, const std::string& var) {
  if (const paddle::ConstTensor* c = g.constant(var)) return g.const_i64(c->as_ints());
  if (g.dtype(var) == DType::Int64) return var;
  const std::string out = g.fresh(var + "_i64");
  attr_i(g.node("Cast", {var}, {out}), "to", onnx::TensorProto::INT64);
  return out;
}

std::string concat_i64(GraphBuilder& g, const std::vector<std::string>& parts) {
  std::vector<std::string> flat;
  for (const auto& p : parts) {
    const std::string one = g.fresh(p + "_1d");
    g.node("Reshape", {as_i64(g, p), g.const_i64({1})}, {one});
    flat.push_back(one);
  }
  const std::string out = g.fresh("concat_i64");
  attr_i(g.node("Concat", flat, {out}), "axis", 0);
  return out;
}

void attr_i(onnx::NodeProto& n, const std::string& name, int64_t v) {
  auto& a = *n.add_attribute();
  a.set_name(name);
  a.set_type(onnx::AttributeProto::INT);
  a.set_i(v);
}
void attr_f(onnx::NodeProto& n, const std::string& name, float v) {
  auto& a = *n.add_attribute();
  a.set_name(name);
  a.set_type(onnx::AttributeProto::FLOAT);
  a.set_f(v);
}
void attr_s(onnx::NodeProto& n, const std::string& name, const std::string& v) {
  auto& a = *n.add_attribute();
  a.set_name(name);
  a.set_type(onnx::AttributeProto::STRING);
  a.set_s(v);
}
void attr_ints(onnx::NodeProto& n, const std::string& name, const std::vector<int64_t>& v) {
  auto& a = *n.add_attribute();
  a.set_name(name);
  a.set_type(onnx::AttributeProto::INTS);
  for (int64_t x : v) a.add_ints(x);
}
void attr_floats(onnx::NodeProto& n, const std::string& name, const std::vector<float>& v) {
  auto& a = *n.add_attribute();
  a.set_name(name);
  a.set_type(onnx::AttributeProto::FLOATS);
  for (float x : v) a.add_floats(x);
}

}  // namespace hpocr::convert
