// PIR programs (PaddlePaddle 3.x): inference.json, {"base_code":{"magic":"pir",...},"program":{"regions":[...]}}.
// Ops are written with short names ("1.conv2d" = pd_op.conv2d, "0.combine" = builtin.combine, "p" =
// builtin.parameter), operands and results are value ids ({"%": n}, 0 = none). This reader translates each
// op into the legacy op vocabulary (type, slot names, attribute names) so one converter serves both formats;
// full / full_int_array (no operands) are folded into constants, and operands that legacy programs carry as
// attributes (pool2d's kernel size, concat's axis, ...) become attributes when they are constants.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <fstream>
#include <stdexcept>
#include <utility>

#include <nlohmann/json.hpp>

#include "format/paddle/program.h"
#include "hpocr/error.h"

namespace hpocr::paddle {
namespace {
using nlohmann::json;

/// How one PIR op reads in the legacy vocabulary. An operand spec "name" is a tensor slot; "attr:Slot"
/// becomes attribute `attr` when the operand is a constant, else tensor slot `Slot`; "-" is ignored.
struct OpSpec {
  const char* legacy;
  std::vector<const char*> operands;
  std::vector<const char*> results;
  std::vector<std::pair<const char*, const char*>> renamed_attrs;  ///< PIR name -> legacy name
};

const std::map<std::string, OpSpec>& op_specs() {
  static const std::map<std::string, OpSpec> specs = [] {
    std::map<std::string, OpSpec> m;
    const OpSpec conv{"conv2d", {"Input", "Filter"}, {"Output"}, {}};
    m["conv2d"] = conv;
    m["depthwise_conv2d"] = {"depthwise_conv2d", {"Input", "Filter"}, {"Output"}, {}};
    m["conv2d_transpose"] = {"conv2d_transpose", {"Input", "Filter", "output_size:OutputSizeTensor"}, {"Output"}, {}};
    m["depthwise_conv2d_transpose"] = {"depthwise_conv2d_transpose", {"Input", "Filter", "output_size:OutputSizeTensor"}, {"Output"}, {}};
    for (const char* bn : {"batch_norm", "batch_norm_"})
      m[bn] = {"batch_norm", {"X", "Mean", "Variance", "Scale", "Bias"}, {"Y", "MeanOut", "VarianceOut", "SavedMean", "SavedVariance", "ReserveSpace"}, {}};
    const std::pair<const char*, const char*> binary[] = {{"add", "elementwise_add"}, {"subtract", "elementwise_sub"},
                                                          {"multiply", "elementwise_mul"}, {"divide", "elementwise_div"},
                                                          {"maximum", "elementwise_max"}, {"minimum", "elementwise_min"},
                                                          {"elementwise_pow", "elementwise_pow"}};
    for (auto [pir, legacy] : binary) m[pir] = {legacy, {"X", "Y"}, {"Out"}, {}};
    for (const char* unary : {"relu", "relu6", "sigmoid", "tanh", "exp", "log", "sqrt", "abs", "floor", "ceil", "softmax", "gelu", "erf",
                              "reciprocal", "square", "sin", "cos", "assign", "round", "sign", "softplus", "rsqrt"})
      m[unary] = {unary, {"X"}, {"Out"}, {}};
    m["hardswish"] = {"hard_swish", {"X"}, {"Out"}, {}};
    m["hardsigmoid"] = {"hard_sigmoid", {"X"}, {"Out"}, {}};
    m["swish"] = {"swish", {"X"}, {"Out"}, {}};
    m["silu"] = {"swish", {"X"}, {"Out"}, {}};
    m["leaky_relu"] = {"leaky_relu", {"X"}, {"Out"}, {{"negative_slope", "alpha"}}};
    m["pow"] = {"pow", {"X"}, {"Out"}, {{"y", "factor"}}};
    m["pool2d"] = {"pool2d", {"X", "ksize:KernelSize"}, {"Out"}, {}};
    m["reshape"] = {"reshape2", {"X", "Shape"}, {"Out", "XShape"}, {}};
    m["flatten"] = {"flatten_contiguous_range", {"X"}, {"Out", "XShape"}, {}};
    m["matmul"] = {"matmul_v2", {"X", "Y"}, {"Out"}, {{"transpose_x", "trans_x"}, {"transpose_y", "trans_y"}}};
    m["dropout"] = {"dropout", {"X", "-", "dropout_prob:DropoutProb"}, {"Out", "Mask"}, {{"mode", "dropout_implementation"}}};
    m["concat"] = {"concat", {"X", "axis:AxisTensor"}, {"Out"}, {}};
    m["slice"] = {"slice", {"Input", "starts:StartsTensor", "ends:EndsTensor"}, {"Out"}, {}};
    m["shape"] = {"shape", {"Input"}, {"Out"}, {}};
    m["shape64"] = {"shape", {"Input"}, {"Out"}, {}};
    m["stack"] = {"stack", {"X"}, {"Y"}, {}};
    m["squeeze"] = {"squeeze2", {"X", "axes:AxesTensor"}, {"Out", "XShape"}, {}};
    m["unsqueeze"] = {"unsqueeze2", {"X", "axes:AxesTensor"}, {"Out", "XShape"}, {}};
    m["transpose"] = {"transpose2", {"X"}, {"Out", "XShape"}, {{"perm", "axis"}}};
    m["layer_norm"] = {"layer_norm", {"X", "Scale", "Bias"}, {"Y", "Mean", "Variance"}, {}};
    m["scale"] = {"scale", {"X", "scale:ScaleTensor"}, {"Out"}, {}};
    m["nearest_interp"] = {"nearest_interp_v2", {"X", "OutSize", "SizeTensor", "Scale"}, {"Out"}, {}};
    m["bilinear_interp"] = {"bilinear_interp_v2", {"X", "OutSize", "SizeTensor", "Scale"}, {"Out"}, {}};
    m["cast"] = {"cast", {"X"}, {"Out"}, {{"dtype", "out_dtype"}}};
    m["clip"] = {"clip", {"X", "min:Min", "max:Max"}, {"Out"}, {}};
    m["split"] = {"split", {"X", "sections:SectionsTensorList", "axis:AxisTensor"}, {"Out"}, {}};
    m["split_with_num"] = {"split", {"X", "axis:AxisTensor"}, {"Out"}, {}};
    m["expand"] = {"expand_v2", {"X", "shape:Shape"}, {"Out"}, {}};
    m["grid_sample"] = {"grid_sampler", {"X", "Grid"}, {"Output"}, {}};
    m["argmax"] = {"arg_max", {"X", "axis:AxisTensor"}, {"Out"}, {{"keepdims", "keepdims"}}};
    m["mean"] = {"reduce_mean", {"X", "dim:AxisTensor"}, {"Out"}, {{"keepdim", "keep_dim"}}};
    m["sum"] = {"reduce_sum", {"X", "dim:AxisTensor"}, {"Out"}, {{"keepdim", "keep_dim"}}};
    m["max"] = {"reduce_max", {"X", "dim:AxisTensor"}, {"Out"}, {{"keepdim", "keep_dim"}}};
    return m;
  }();
  return specs;
}

/// An integer from JSON. nlohmann's get<int64_t> casts any double, which is undefined beyond int64's range; a float
/// is accepted only when it is integral and representable.
int64_t to_int(const json& v, const std::string& where) {
  if (v.is_number_integer()) return v.get<int64_t>();
  if (v.is_number_float()) {
    const double d = v.get<double>();
    if (std::isfinite(d) && d == std::trunc(d) && d >= -9.2e18 && d <= 9.2e18) return static_cast<int64_t>(d);
  }
  throw Error(ErrorCode::ModelFormat, where + ": expected an integer, got " + std::string(v.type_name()) +
                                          (v.is_number() ? " " + v.dump() : std::string()));
}

std::vector<int64_t> to_ints(const json& v, const std::string& where) {
  if (!v.is_array()) throw Error(ErrorCode::ModelFormat, where + ": expected a list of integers, got " + std::string(v.type_name()));
  std::vector<int64_t> out;
  out.reserve(v.size());
  for (const auto& e : v) out.push_back(to_int(e, where));
  return out;
}

DType dtype_from_name(const std::string& name, const std::string& where) {
  static const std::map<std::string, DType> names = {
      {"float32", DType::Float32}, {"float64", DType::Float64}, {"float16", DType::Float16}, {"int64", DType::Int64},
      {"int32", DType::Int32},     {"int16", DType::Int16},     {"int8", DType::Int8},        {"uint8", DType::UInt8},
      {"bool", DType::Bool},       {"f32", DType::Float32},     {"f64", DType::Float64},      {"f16", DType::Float16},
      {"i64", DType::Int64},       {"i32", DType::Int32},       {"i16", DType::Int16},        {"i8", DType::Int8},
      {"ui8", DType::UInt8},       {"b", DType::Bool}};
  auto it = names.find(name);
  if (it == names.end()) throw Error(ErrorCode::ModelFormat, where + ": unknown element type '" + name + "'");
  return it->second;
}

/// {"#": "0.a_array", "D": [...]} and friends -> Attr.
Attr to_attr(const json& typed, const std::string& where) {
  const std::string kind = typed.value("#", "");
  const json& d = typed.contains("D") ? typed["D"] : json();
  if (kind == "0.a_str") return d.get<std::string>();
  if (kind == "0.a_bool") return d.get<bool>();
  if (kind == "0.a_i32" || kind == "0.a_i64" || kind == "0.a_index") return to_int(d, where);
  if (kind == "0.a_f32" || kind == "0.a_f64") return d.get<double>();
  if (kind == "1.a_intarray") return to_ints(d, where);
  if (kind == "1.a_dtype") return static_cast<int64_t>(dtype_from_name(d.get<std::string>(), where));
  if (kind == "1.a_scalar") {
    // [type, value]
    if (d.is_array() && d.size() == 2) return d[1].is_boolean() ? Attr(d[1].get<bool>()) : Attr(d[1].get<double>());
    return d.is_boolean() ? Attr(d.get<bool>()) : Attr(d.get<double>());
  }
  if (kind == "0.a_array") {
    if (d.empty()) return std::vector<int64_t>{};
    const std::string elem = d[0].value("#", "");
    if (elem == "0.a_bool") {
      std::vector<bool> out;
      for (const auto& e : d) out.push_back(e.at("D").get<bool>());
      return out;
    }
    if (elem == "0.a_str") {
      std::vector<std::string> out;
      for (const auto& e : d) out.push_back(e.at("D").get<std::string>());
      return out;
    }
    if (elem == "0.a_f32" || elem == "0.a_f64") {
      std::vector<double> out;
      for (const auto& e : d) out.push_back(e.at("D").get<double>());
      return out;
    }
    std::vector<int64_t> out;
    for (const auto& e : d) out.push_back(to_int(e.at("D"), where));
    return out;
  }
  return std::string();  // places, layouts and other attributes the converter does not read
}

/// The element type and shape of a result's {"TT": {"#": "0.t_dtensor", "D": [{"#": "0.t_f32"}, dims, ...]}}.
VarInfo value_info(const json& result, const std::string& where) {
  VarInfo info;
  const json& tt = result.contains("TT") ? result["TT"] : json();
  if (tt.value("#", "") != "0.t_dtensor" || !tt.contains("D") || !tt["D"].is_array() || tt["D"].size() < 2) return info;
  std::string dt = tt["D"][0].value("#", "");
  if (dt.rfind("0.t_", 0) == 0) info.dtype = dtype_from_name(dt.substr(4), where);
  info.shape = to_ints(tt["D"][1], where);
  info.known_shape = true;
  return info;
}

/// The JSON document in `json_file`; Error(ModelFormat) when it cannot be opened or is not JSON.
json parse_json_file(const std::filesystem::path& json_file, const std::string& where) {
  std::ifstream in(json_file);
  if (!in) throw Error(ErrorCode::ModelFormat, "cannot open " + where);
  try {
    return json::parse(in);
  } catch (const json::exception& e) {
    throw Error(ErrorCode::ModelFormat, where + " is not valid JSON (truncated or corrupt inference.json): " + e.what());
  }
}

/// The serialization version of a PIR document; Error(ModelFormat) when it is not PIR or not version 1-3.
int64_t pir_version(const json& doc, const std::string& where) {
  const json& base = doc.contains("base_code") ? doc["base_code"] : json();
  if (!base.is_object() || base.value("magic", "") != "pir")
    throw Error(ErrorCode::ModelFormat, where + " is not a PIR program (no base_code.magic \"pir\")");
  const int64_t version = base.contains("version") ? to_int(base["version"], where + ": base_code.version") : 0;
  if (version < 1 || version > 3)
    throw Error(ErrorCode::ModelFormat, where + ": PIR serialization version " + std::to_string(version) +
                                            " is not supported (this hpocr reads versions 1-3)");
  return version;
}

/// The ops of the program's top-level block.
const json& block_ops(const json& doc, const std::string& where) {
  try {
    return doc.at("program").at("regions").at(0).at("blocks").at(0).at("ops");
  } catch (const json::exception&) {
    throw Error(ErrorCode::ModelFormat, where + ": no program.regions[0].blocks[0].ops");
  }
}

/// Pass 1, names: parameters keep their names, feeds their input names, fetched values their fetch names.
std::map<int64_t, std::string> given_names(const json& ops, const std::string& where) {
  std::map<int64_t, std::string> name_of;
  try {
    for (const auto& op : ops) {
      const std::string type = op.value("#", "");
      if (type == "p") {
        name_of[to_int(op.at("O").at("%"), where)] = op.at("A").at(3).get<std::string>();
      } else if (type == "1.data" || type == "1.fetch") {
        std::string name;
        for (const auto& a : op.value("A", json::array()))
          if (a.value("N", "") == "name") name = a.at("AT").at("D").get<std::string>();
        if (type == "1.data") name_of[to_int(op.at("O").at(0).at("%"), where)] = name;
        else name_of[to_int(op.at("I").at(0).at("%"), where)] = name;
      }
    }
  } catch (const json::exception& e) {
    throw Error(ErrorCode::ModelFormat, where + ": a parameter, data or fetch operator is malformed: " + e.what());
  }
  return name_of;
}

/// A constant operand as the attribute legacy programs carry instead: a scalar for axis, scale, dropout_prob,
/// min and max, a list for the rest (ksize, axes, starts, shape, ...).
Attr constant_attr(const std::string& attr, const ConstTensor& c) {
  const bool scalar = attr == "axis" || attr == "scale" || attr == "dropout_prob" || attr == "min" || attr == "max";
  const bool is_float = c.dtype == DType::Float32 || c.dtype == DType::Float64;
  if (scalar && is_float) return c.as_doubles().at(0);
  if (scalar) return c.as_ints().at(0);
  if (is_float) return c.as_doubles();
  return c.as_ints();
}

/// One op as read from the JSON: its type ("1.conv2d"), attributes, operand and result value ids.
struct PirOp {
  std::string full;
  std::string here;  ///< "<file>: operator <type>", for messages
  std::map<std::string, Attr> attrs;
  std::vector<int64_t> in_ids, out_ids;
  json results;
};

/// Pass 2: translates the ops, in program order, into `program` in the legacy vocabulary.
class PirTranslator {
 public:
  PirTranslator(Program& program, std::map<int64_t, std::string> name_of, const std::string& where)
      : program_(program), name_of_(std::move(name_of)), where_(where) {}

  /// Translates one op; a malformed op is an Error(ModelFormat) that names it.
  void translate(const json& jop) {
    const std::string full = jop.value("#", "");
    const std::string here = where_ + ": operator " + full;
    try {
      translate_op(jop, full, here);
    } catch (const json::exception& e) {
      throw Error(ErrorCode::ModelFormat, here + " is malformed: " + e.what());
    } catch (const std::bad_variant_access&) {
      throw Error(ErrorCode::ModelFormat, here + " has an attribute of an unexpected type");
    } catch (const std::out_of_range&) {  // map/vector at(): an attribute, operand or result the op needs
      throw Error(ErrorCode::ModelFormat, here + " is malformed: a required attribute, operand or result is missing");
    }
  }

  /// Orders the parameters by name and the outputs by fetch column; Error(ModelFormat) without feeds or fetches.
  void finish() {
    std::sort(program_.param_order.begin(), program_.param_order.end());
    std::sort(fetches_.begin(), fetches_.end());
    for (auto& f : fetches_) program_.outputs.push_back(f.second);
    if (program_.inputs.empty() || program_.outputs.empty())
      throw Error(ErrorCode::ModelFormat, where_ + " has no data or fetch operators: not an inference program");
  }

 private:
  /// The name of value `id`: its given name, else "pir_<id>"; "" for id 0 (no value).
  std::string name(int64_t id) const {
    if (id == 0) return "";
    auto it = name_of_.find(id);
    return it != name_of_.end() ? it->second : "pir_" + std::to_string(id);
  }

  void translate_op(const json& jop, const std::string& full, const std::string& here) {
    if (full == "p") {
      const std::string n = jop.at("A").at(3).get<std::string>();
      program_.vars[n] = value_info(jop.at("O"), here);
      program_.param_order.push_back(n);
      return;
    }
    PirOp op = read_op(jop, full, here);
    if (full == "1.data") {
      program_.inputs.push_back(name(op.out_ids.at(0)));
    } else if (full == "1.fetch") {
      fetches_.emplace_back(std::get<int64_t>(op.attrs.count("col") ? op.attrs.at("col") : Attr(int64_t{0})), name(op.in_ids.at(0)));
    } else if (full == "0.combine") {
      auto& list = lists_[op.out_ids.at(0)];
      for (int64_t id : op.in_ids) list.push_back(name(id));
    } else if (full == "0.split" || full == "0.slice") {
      unpack_vector(op);
    } else if (full == "1.full" || full == "1.full_int_array") {
      fold_constant(op);
    } else {
      translate_pd_op(op);
    }
  }

  /// The op's attributes and value ids; records the type and shape of results that declare them.
  PirOp read_op(const json& jop, const std::string& full, const std::string& here) {
    PirOp op{full, here, {}, {}, {}, {}};
    for (const auto& a : jop.value("A", json::array())) {
      const std::string n = a.value("N", "");
      if (n == "struct_name" || n == "place" || n == "stop_gradient") continue;
      op.attrs[n] = to_attr(a.at("AT"), here);
    }
    for (const auto& i : jop.value("I", json::array())) op.in_ids.push_back(i.contains("%") ? to_int(i.at("%"), here) : 0);
    op.results = jop.value("O", json::array());
    for (const auto& r : op.results) {
      op.out_ids.push_back(to_int(r.at("%"), here));
      VarInfo info = value_info(r, here);
      if (info.known_shape) program_.vars[name(op.out_ids.back())] = info;
    }
    return op;
  }

  /// builtin.split / builtin.slice unpack a vector result: give the producer's output slot the element names.
  void unpack_vector(const PirOp& op) {
    auto p = list_producers_.find(op.in_ids.at(0));
    if (p == list_producers_.end()) throw Error(ErrorCode::UnsupportedOp, op.here + " unpacks a value this reader cannot trace");
    auto& slot = program_.ops[p->second.first].outputs[p->second.second];
    if (op.full == "0.split") {
      slot.clear();
      for (int64_t id : op.out_ids) slot.push_back(name(id));
      return;
    }
    const int64_t at = std::get<int64_t>(op.attrs.at("index"));
    if (at < 0 || at >= int64_t{1} << 16) throw Error(ErrorCode::ModelFormat, op.here + ": index " + std::to_string(at) + " is out of range");
    const auto index = static_cast<std::size_t>(at);
    if (slot.size() <= index) slot.resize(index + 1);
    slot[index] = name(op.out_ids.at(0));
  }

  /// pd_op.full / full_int_array (no operands): folded into a constant of program.params.
  void fold_constant(const PirOp& op) {
    const bool is_array = op.full == "1.full_int_array";
    const DType dt = op.attrs.count("dtype") ? static_cast<DType>(std::get<int64_t>(op.attrs.at("dtype"))) : DType::Int64;
    std::vector<double> values;
    std::vector<int64_t> shape;
    if (is_array) {
      for (int64_t v : std::get<std::vector<int64_t>>(op.attrs.at("value"))) values.push_back(static_cast<double>(v));
      shape = {static_cast<int64_t>(values.size())};
    } else {
      const Attr& v = op.attrs.at("value");
      values = {std::holds_alternative<double>(v) ? std::get<double>(v) : static_cast<double>(std::get<int64_t>(v))};
      shape = std::get<std::vector<int64_t>>(op.attrs.at("shape"));
    }
    int64_t numel = 1;
    for (int64_t d : shape) {
      if (d < 0 || (d > 0 && numel > (int64_t{1} << 26) / d))
        throw Error(ErrorCode::ModelFormat, op.here + ": a constant of implausible shape (negative or above 64 Mi elements)");
      numel *= d;
    }
    const std::string n = name(op.out_ids.at(0));
    program_.params[n] = make_const(dt, shape, values);
    program_.vars[n] = {dt, shape, true};
  }

  /// Any other pd_op: an Op with the legacy type, attribute names and slots of its OpSpec.
  void translate_pd_op(PirOp& pir_op) {
    const std::string& full = pir_op.full;
    if (full.rfind("1.", 0) != 0)
      throw Error(ErrorCode::UnsupportedOp, "unsupported operator " + full + " in " + where_);
    const std::string pir = full.substr(2);
    auto spec_it = op_specs().find(pir);
    if (spec_it == op_specs().end())
      throw Error(ErrorCode::UnsupportedOp, "unsupported operator pd_op." + pir + " in " + where_);
    const OpSpec& spec = spec_it->second;
    Op op;
    op.type = spec.legacy;
    auto& attrs = pir_op.attrs;
    for (auto [from, to] : spec.renamed_attrs) {
      auto it = attrs.find(from);
      if (it == attrs.end()) continue;
      Attr v = it->second;
      attrs.erase(it);
      attrs[to] = std::move(v);
    }
    op.attrs = std::move(attrs);
    for (std::size_t i = 0; i < pir_op.in_ids.size() && i < spec.operands.size(); ++i) bind_operand(op, spec.operands[i], pir_op.in_ids[i]);
    for (std::size_t i = 0; i < pir_op.out_ids.size(); ++i) {
      const std::string slot = i < spec.results.size() ? spec.results[i] : "_extra" + std::to_string(i);
      op.outputs[slot] = {name(pir_op.out_ids[i])};
      const json& result = std::as_const(pir_op.results)[i];
      if (!result.contains("TT") || result["TT"].value("#", "") == "0.t_vec") list_producers_[pir_op.out_ids[i]] = {program_.ops.size(), slot};
    }
    program_.ops.push_back(std::move(op));
  }

  /// Binds value `id` to `op` by operand spec `s` (see OpSpec): a tensor slot, a combined list, or a constant
  /// operand turned into the attribute legacy programs carry.
  void bind_operand(Op& op, const std::string& s, int64_t id) const {
    if (s == "-" || id == 0) return;
    const std::string n = name(id);
    if (auto colon = s.find(':'); colon != std::string::npos) {
      auto c = program_.params.find(n);
      if (c != program_.params.end() && c->second.numel() < 1024) {
        const std::string attr = s.substr(0, colon);
        op.attrs[attr] = constant_attr(attr, c->second);
        return;
      }
      op.inputs[s.substr(colon + 1)] = {n};
      return;
    }
    if (auto l = lists_.find(id); l != lists_.end()) op.inputs[s] = l->second;
    else op.inputs[s] = {n};
  }

  Program& program_;
  const std::map<int64_t, std::string> name_of_;
  const std::string& where_;
  std::map<int64_t, std::vector<std::string>> lists_;                    // builtin.combine results
  std::map<int64_t, std::pair<std::size_t, std::string>> list_producers_;  // vector results: op index, slot
  std::vector<std::pair<int64_t, std::string>> fetches_;                 // (fetch column, value name)
};

}  // namespace

Program read_pir_program(const std::filesystem::path& json_file) {
  const std::string where = json_file.string();
  const json doc = parse_json_file(json_file, where);
  const int64_t version = pir_version(doc, where);
  const json& ops = block_ops(doc, where);
  Program program;
  program.source = "PIR v" + std::to_string(version);
  PirTranslator translator(program, given_names(ops, where), where);
  for (const auto& jop : ops) translator.translate(jop);
  translator.finish();
  return program;
}

}  // namespace hpocr::paddle
