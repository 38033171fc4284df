// A format-neutral view of a PaddlePaddle static-graph inference program, read from either the legacy
// protobuf (inference.pdmodel) or the PIR JSON (inference.json), with the weights of inference.pdiparams.
// The PIR reader translates its ops into the legacy op names, slot names and attribute names, so the
// converter (src/convert/) has one vocabulary to map.
#pragma once
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace hpocr::paddle {

/// Element types, numbered as Paddle's VarType.Type.
enum class DType : int { Bool = 0, Int16 = 1, Int32 = 2, Int64 = 3, Float16 = 4, Float32 = 5, Float64 = 6, UInt8 = 20, Int8 = 21 };

/// Bytes per element; throws Error(ModelFormat) for types the converter does not handle.
std::size_t dtype_size(DType t);
/// "float32", "int64", ...
std::string to_string(DType t);

/// An attribute value. Integers and floats are widened; lists keep their element kind.
using Attr = std::variant<bool, int64_t, double, std::string, std::vector<int64_t>, std::vector<double>,
                          std::vector<std::string>, std::vector<bool>>;

/// A tensor with known contents: a weight from .pdiparams, or a constant folded by a reader.
struct ConstTensor {
  DType dtype = DType::Float32;
  std::vector<int64_t> shape;
  std::vector<uint8_t> data;  ///< little-endian, row-major

  int64_t numel() const;
  /// The values as int64 (integer or float types); for shapes, axes and the like.
  std::vector<int64_t> as_ints() const;
  /// The values as double.
  std::vector<double> as_doubles() const;
};

/// A constant of `shape` holding `values` converted to `dtype` (one value fills the whole tensor).
ConstTensor make_const(DType dtype, std::vector<int64_t> shape, const std::vector<double>& values);

/// A variable (legacy) or value (PIR): name, type and static shape (-1 = dynamic).
struct VarInfo {
  DType dtype = DType::Float32;
  std::vector<int64_t> shape;
  bool known_shape = false;  ///< false when the program does not declare one
};

struct Op {
  std::string type;  ///< legacy op name ("conv2d", "elementwise_add", ...)
  std::map<std::string, std::vector<std::string>> inputs;   ///< slot -> variable names
  std::map<std::string, std::vector<std::string>> outputs;  ///< slot -> variable names
  std::map<std::string, Attr> attrs;

  /// The single variable in `slot`, or nullopt when the slot is absent or empty.
  std::optional<std::string> input(const std::string& slot) const;
  /// The single variable in `slot`; throws Error(ModelFormat) when the slot is absent or empty.
  std::string required_input(const std::string& slot) const;
  /// The single output of `slot`; throws Error(ModelFormat) when absent.
  const std::string& output(const std::string& slot) const;
  bool has_attr(const std::string& name) const { return attrs.count(name) != 0; }
  /// Typed attribute access with a default when absent; throws Error(ModelFormat) on a type mismatch.
  int64_t attr_int(const std::string& name, int64_t fallback) const;
  double attr_float(const std::string& name, double fallback) const;
  bool attr_bool(const std::string& name, bool fallback) const;
  std::string attr_string(const std::string& name, const std::string& fallback) const;
  std::vector<int64_t> attr_ints(const std::string& name, std::vector<int64_t> fallback = {}) const;
  std::vector<double> attr_floats(const std::string& name, std::vector<double> fallback = {}) const;
};

struct Program {
  std::string source;  ///< "legacy ProgramDesc v<N>" or "PIR v<N>", for messages
  std::vector<Op> ops; ///< in execution order, without feed/fetch
  std::map<std::string, VarInfo> vars;
  std::vector<std::string> inputs;   ///< feed targets, in feed order
  std::vector<std::string> outputs;  ///< fetch targets, in fetch order
  std::map<std::string, ConstTensor> params;  ///< weights and reader-folded constants by variable name
  std::vector<std::string> param_order;       ///< names the .pdiparams file holds, in file order
};

/// Reads a legacy program (inference.pdmodel bytes). Weights are not loaded; see load_params.
Program read_legacy_program(const std::filesystem::path& pdmodel);
/// Reads a PIR program (inference.json).
Program read_pir_program(const std::filesystem::path& json_file);
/// Fills program.params from an inference.pdiparams file (tensors in param_order). Throws Error(ModelFormat)
/// for truncated files, trailing bytes, or tensors whose shape differs from the program's declaration.
void load_params(Program& program, const std::filesystem::path& pdiparams);
/// Writes tensors in the .pdiparams layout (tests use it to give weight-less programs seeded weights).
void save_params(const Program& program, const std::filesystem::path& pdiparams);

/// Reads inference.json or inference.pdmodel (the PIR file wins when both exist) + inference.pdiparams
/// from a model directory.
Program read_paddle_model(const std::filesystem::path& model_dir);

}  // namespace hpocr::paddle
