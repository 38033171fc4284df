// The state shared by the op mappers while one program is converted: the ONNX graph under construction,
// what is known about each Paddle variable (type, static shape, constant value), and helpers that add
// nodes and constants.
#pragma once
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <onnx/onnx_pb.h>

#include "format/paddle/program.h"

namespace hpocr::convert {

class GraphBuilder {
 public:
  GraphBuilder(const paddle::Program& program, onnx::GraphProto& graph, int opset, std::string model_name);

  int opset() const { return opset_; }
  const std::string& model_name() const { return model_name_; }

  /// Adds a node; returns its first output name. Attributes are set with the attr_* helpers below.
  onnx::NodeProto& node(const std::string& op_type, const std::vector<std::string>& inputs, const std::vector<std::string>& outputs);
  /// A new unique tensor name derived from `hint`.
  std::string fresh(const std::string& hint);

  /// Initializer helpers; each returns the new tensor's name.
  std::string const_i64(const std::vector<int64_t>& values, bool scalar = false);
  std::string const_f32(const std::vector<float>& values, std::vector<int64_t> shape);
  std::string const_f32(float value) { return const_f32({value}, {}); }
  /// A new initializer holding `value`.
  std::string const_tensor(const paddle::ConstTensor& value);
  /// A scalar initializer of the element type of `like` (so it can meet `like` in Add, Mul, Clip, ...).
  std::string scalar_like(double value, const std::string& like) { return const_tensor(paddle::make_const(dtype(like), {}, {value})); }

  /// Uses a Paddle variable as a node input: weights and folded constants become initializers the first
  /// time they are used.
  std::string use(const std::string& var);
  /// The constant value of a variable, or nullptr when it is computed at run time.
  const paddle::ConstTensor* constant(const std::string& var) const;
  /// Records a value computed at conversion time (fill_constant, assign_value, ...) as a constant.
  void set_constant(const std::string& var, paddle::ConstTensor value);

  /// Declared element type / shape of a variable (shape empty + known=false when undeclared).
  paddle::DType dtype(const std::string& var) const;
  const paddle::VarInfo* info(const std::string& var) const;
  /// Rank of a variable; throws Error(UnsupportedOp) naming `op` when the program does not declare it.
  int64_t rank(const std::string& var, const paddle::Op& op) const;
  /// Remembers the declared info of a value made by a mapper (e.g. a reshaped weight).
  void set_info(const std::string& var, paddle::VarInfo info) { extra_info_[var] = std::move(info); }

  /// An Error(UnsupportedOp) "<model>: <op>: <what>".
  [[noreturn]] void unsupported(const paddle::Op& op, const std::string& what) const;

 private:
  const paddle::Program& program_;
  onnx::GraphProto& graph_;
  int opset_;
  std::string model_name_;
  void fill_initializer(onnx::TensorProto& t, const paddle::ConstTensor& value) const;
  std::set<std::string> initialized_;
  std::map<std::string, paddle::ConstTensor> folded_;
  std::map<std::string, paddle::VarInfo> extra_info_;
  std::set<std::string> names_;
  int counter_ = 0;
};

void attr_i(onnx::NodeProto& n, const std::string& name, int64_t v);
void attr_f(onnx::NodeProto& n, const std::string& name, float v);
void attr_s(onnx::NodeProto& n, const std::string& name, const std::string& v);
void attr_ints(onnx::NodeProto& n, const std::string& name, const std::vector<int64_t>& v);
void attr_floats(onnx::NodeProto& n, const std::string& name, const std::vector<float>& v);

/// An int64 tensor from an integer variable (Paddle uses int32 for shapes, sizes and indices); constants are
/// folded into an int64 initializer.
std::string as_i64(GraphBuilder& g, const std::string& var);
/// One-element tensors (ShapeTensor, SizeTensor, StartsTensorList, ...) concatenated into one int64 vector.
std::string concat_i64(GraphBuilder& g, const std::vector<std::string>& parts);

/// ONNX element type of a Paddle type.
int onnx_type(paddle::DType t);

/// Converts one Paddle op by adding ONNX nodes to the builder.
using Mapper = std::function<void(const paddle::Op&, GraphBuilder&)>;
using MapperTable = std::map<std::string, Mapper>;

/// Each ops_*.cpp file registers its op family.
void register_conv_ops(MapperTable& table);
void register_math_ops(MapperTable& table);
void register_tensor_ops(MapperTable& table);
void register_nn_ops(MapperTable& table);

}  // namespace hpocr::convert
