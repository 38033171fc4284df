#include "format/paddle/program.h"

#include <cstring>
#include <fstream>

#include "format/paddle/framework.pb.h"
#include "hpocr/error.h"

namespace hpocr::paddle {
namespace fs = std::filesystem;
namespace {

[[noreturn]] void format_error(const std::string& what) { throw Error(ErrorCode::ModelFormat, what); }

template <typename T>
std::vector<T> convert_values(const ConstTensor& t) {
  std::vector<T> out(static_cast<std::size_t>(t.numel()));
  auto read = [&](auto tag) {
    using S = decltype(tag);
    for (std::size_t i = 0; i < out.size(); ++i) {
      S v;
      std::memcpy(&v, t.data.data() + i * sizeof(S), sizeof(S));
      out[i] = static_cast<T>(v);
    }
  };
  switch (t.dtype) {
    case DType::Bool:
    case DType::UInt8: read(uint8_t{}); break;
    case DType::Int8: read(int8_t{}); break;
    case DType::Int16: read(int16_t{}); break;
    case DType::Int32: read(int32_t{}); break;
    case DType::Int64: read(int64_t{}); break;
    case DType::Float32: read(float{}); break;
    case DType::Float64: read(double{}); break;
    default: format_error("cannot read " + to_string(t.dtype) + " constant values");
  }
  return out;
}

template <typename T>
T get_attr(const Op& op, const std::string& name, T fallback, const char* kind) {
  auto it = op.attrs.find(name);
  if (it == op.attrs.end()) return fallback;
  if (const T* v = std::get_if<T>(&it->second)) return *v;
  if constexpr (std::is_same_v<T, double>)
    if (const int64_t* v = std::get_if<int64_t>(&it->second)) return static_cast<double>(*v);
  if constexpr (std::is_same_v<T, int64_t>)
    if (const bool* v = std::get_if<bool>(&it->second)) return *v;
  if constexpr (std::is_same_v<T, bool>)
    if (const int64_t* v = std::get_if<int64_t>(&it->second)) return *v != 0;
  format_error("operator " + op.type + ": attribute '" + name + "' is not " + kind);
}

/// Reads exactly n bytes or reports the file as truncated.
void read_exact(std::istream& in, void* dst, std::size_t n, const fs::path& file, const std::string& what) {
  in.read(static_cast<char*>(dst), static_cast<std::streamsize>(n));
  if (static_cast<std::size_t>(in.gcount()) != n)
    format_error(file.string() + " is truncated (while reading " + what + ")");
}

}  // namespace

std::size_t dtype_size(DType t) {
  switch (t) {
    case DType::Bool:
    case DType::UInt8:
    case DType::Int8: return 1;
    case DType::Int16:
    case DType::Float16: return 2;
    case DType::Int32:
    case DType::Float32: return 4;
    case DType::Int64:
    case DType::Float64: return 8;
  }
  format_error("unsupported Paddle element type " + std::to_string(static_cast<int>(t)));
}

std::string to_string(DType t) {
  switch (t) {
    case DType::Bool: return "bool";
    case DType::Int16: return "int16";
    case DType::Int32: return "int32";
    case DType::Int64: return "int64";
    case DType::Float16: return "float16";
    case DType::Float32: return "float32";
    case DType::Float64: return "float64";
    case DType::UInt8: return "uint8";
    case DType::Int8: return "int8";
  }
  return "type#" + std::to_string(static_cast<int>(t));
}

int64_t ConstTensor::numel() const {
  int64_t n = 1;
  for (int64_t d : shape) n *= d;
  return n;
}
std::vector<int64_t> ConstTensor::as_ints() const { return convert_values<int64_t>(*this); }
std::vector<double> ConstTensor::as_doubles() const { return convert_values<double>(*this); }

std::optional<std::string> Op::input(const std::string& slot) const {
  auto it = inputs.find(slot);
  if (it == inputs.end() || it->second.empty() || it->second.front().empty()) return std::nullopt;
  return it->second.front();
}

std::string Op::required_input(const std::string& slot) const {
  auto in = input(slot);
  if (!in) format_error("operator " + type + " has no input '" + slot + "'");
  return *in;
}

const std::string& Op::output(const std::string& slot) const {
  auto it = outputs.find(slot);
  if (it == outputs.end() || it->second.empty()) format_error("operator " + type + " has no output '" + slot + "'");
  return it->second.front();
}

int64_t Op::attr_int(const std::string& name, int64_t fallback) const { return get_attr<int64_t>(*this, name, fallback, "an integer"); }
double Op::attr_float(const std::string& name, double fallback) const { return get_attr<double>(*this, name, fallback, "a number"); }
bool Op::attr_bool(const std::string& name, bool fallback) const { return get_attr<bool>(*this, name, fallback, "a boolean"); }
std::string Op::attr_string(const std::string& name, const std::string& fallback) const {
  return get_attr<std::string>(*this, name, fallback, "a string");
}
std::vector<int64_t> Op::attr_ints(const std::string& name, std::vector<int64_t> fallback) const {
  auto it = attrs.find(name);
  if (it == attrs.end()) return fallback;
  if (const auto* v = std::get_if<std::vector<int64_t>>(&it->second)) return *v;
  if (const auto* v = std::get_if<int64_t>(&it->second)) return {*v};
  // An empty list is stored untyped by some exporters.
  if (const auto* v = std::get_if<std::vector<double>>(&it->second); v && v->empty()) return {};
  format_error("operator " + type + ": attribute '" + name + "' is not a list of integers");
}
std::vector<double> Op::attr_floats(const std::string& name, std::vector<double> fallback) const {
  auto it = attrs.find(name);
  if (it == attrs.end()) return fallback;
  if (const auto* v = std::get_if<std::vector<double>>(&it->second)) return *v;
  if (const auto* v = std::get_if<double>(&it->second)) return {*v};
  if (const auto* v = std::get_if<std::vector<int64_t>>(&it->second)) return {v->begin(), v->end()};
  format_error("operator " + type + ": attribute '" + name + "' is not a list of numbers");
}

ConstTensor make_const(DType dtype, std::vector<int64_t> shape, const std::vector<double>& values) {
  ConstTensor t;
  t.dtype = dtype;
  t.shape = std::move(shape);
  const std::size_t n = static_cast<std::size_t>(t.numel());
  t.data.resize(n * dtype_size(dtype));
  for (std::size_t i = 0; i < n; ++i) {
    const double v = values.size() == 1 ? values[0] : values.at(i);
    auto put = [&](auto x) { std::memcpy(t.data.data() + i * sizeof(x), &x, sizeof(x)); };
    switch (dtype) {
      case DType::Float32: put(static_cast<float>(v)); break;
      case DType::Float64: put(v); break;
      case DType::Int64: put(static_cast<int64_t>(v)); break;
      case DType::Int32: put(static_cast<int32_t>(v)); break;
      case DType::Int16: put(static_cast<int16_t>(v)); break;
      case DType::Int8: put(static_cast<int8_t>(v)); break;
      case DType::UInt8:
      case DType::Bool: put(static_cast<uint8_t>(v)); break;
      default: throw Error(ErrorCode::UnsupportedOp, "constants of type " + to_string(dtype) + " are not supported");
    }
  }
  return t;
}


void load_params(Program& program, const fs::path& pdiparams) {
  std::ifstream in(pdiparams, std::ios::binary);
  if (!in) format_error("cannot open " + pdiparams.string());
  std::error_code ec;
  const uint64_t file_size = fs::file_size(pdiparams, ec);
  if (ec) format_error("cannot read the size of " + pdiparams.string() + ": " + ec.message());
  for (const std::string& name : program.param_order) {
    const std::string what = "parameter '" + name + "'";
    uint32_t version = 0;
    uint64_t lod_level = 0;
    read_exact(in, &version, 4, pdiparams, what);
    if (version != 0) format_error(pdiparams.string() + ": unknown tensor format version " + std::to_string(version) + " at " + what);
    read_exact(in, &lod_level, 8, pdiparams, what);
    if (lod_level > 8) format_error(pdiparams.string() + ": implausible LoD level at " + what + " (corrupt file?)");
    for (uint64_t l = 0; l < lod_level; ++l) {
      uint64_t nbytes = 0;
      read_exact(in, &nbytes, 8, pdiparams, what);
      in.seekg(static_cast<std::streamoff>(nbytes), std::ios::cur);
    }
    int32_t desc_size = 0;
    read_exact(in, &version, 4, pdiparams, what);
    if (version != 0) format_error(pdiparams.string() + ": unknown tensor version " + std::to_string(version) + " at " + what);
    read_exact(in, &desc_size, 4, pdiparams, what);
    if (desc_size < 0 || desc_size > (1 << 20)) format_error(pdiparams.string() + ": corrupt tensor header at " + what);
    std::string desc_bytes(static_cast<std::size_t>(desc_size), '\0');
    read_exact(in, desc_bytes.data(), desc_bytes.size(), pdiparams, what);
    proto::VarType::TensorDesc desc;
    if (!desc.ParseFromString(desc_bytes)) format_error(pdiparams.string() + ": corrupt tensor description at " + what);
    ConstTensor t;
    t.dtype = static_cast<DType>(desc.data_type());
    t.shape.assign(desc.dims().begin(), desc.dims().end());
    // Checked before allocating: a corrupt header must not make us allocate more than the file can hold.
    constexpr uint64_t kMaxTensorBytes = uint64_t{1} << 34;
    uint64_t nbytes = dtype_size(t.dtype);
    for (int64_t d : t.shape) {
      if (d < 0 || d > (int64_t{1} << 32)) format_error(pdiparams.string() + ": bad dimension in " + what);
      if (d > 0 && nbytes > kMaxTensorBytes / static_cast<uint64_t>(d))
        format_error(pdiparams.string() + ": implausible size of " + what);
      nbytes *= static_cast<uint64_t>(d);
    }
    const std::streamoff pos = in.tellg();
    const uint64_t left = pos < 0 || static_cast<uint64_t>(pos) > file_size ? 0 : file_size - static_cast<uint64_t>(pos);
    if (nbytes > left)
      format_error(pdiparams.string() + " is truncated: " + what + " needs " + std::to_string(nbytes) + " bytes, " +
                   std::to_string(left) + " are left");
    t.data.resize(nbytes);
    read_exact(in, t.data.data(), nbytes, pdiparams, what);
    if (auto v = program.vars.find(name); v != program.vars.end() && v->second.known_shape && v->second.shape != t.shape) {
      auto dims = [](const std::vector<int64_t>& s) {
        std::string out;
        for (int64_t d : s) {
          if (!out.empty()) out += 'x';
          out += std::to_string(d);
        }
        return "[" + out + "]";
      };
      format_error(pdiparams.string() + " does not match the program: " + what + " is " + dims(t.shape) + " in the weights but " +
                   dims(v->second.shape) + " in the program");
    }
    program.params[name] = std::move(t);
  }
  if (in.peek() != std::char_traits<char>::eof())
    format_error(pdiparams.string() + " has more tensors than the program declares (" + std::to_string(program.param_order.size()) +
                 "): the weights belong to another model");
}

void save_params(const Program& program, const fs::path& pdiparams) {
  std::ofstream out(pdiparams, std::ios::binary);
  for (const std::string& name : program.param_order) {
    const ConstTensor& t = program.params.at(name);
    const uint32_t version = 0;
    const uint64_t lod_level = 0;
    proto::VarType::TensorDesc desc;
    desc.set_data_type(static_cast<proto::VarType::Type>(t.dtype));
    for (int64_t d : t.shape) desc.add_dims(d);
    const std::string desc_bytes = desc.SerializeAsString();
    const int32_t desc_size = static_cast<int32_t>(desc_bytes.size());
    out.write(reinterpret_cast<const char*>(&version), 4);
    out.write(reinterpret_cast<const char*>(&lod_level), 8);
    out.write(reinterpret_cast<const char*>(&version), 4);
    out.write(reinterpret_cast<const char*>(&desc_size), 4);
    out.write(desc_bytes.data(), desc_size);
    out.write(reinterpret_cast<const char*>(t.data.data()), static_cast<std::streamsize>(t.data.size()));
  }
  if (!out) throw Error(ErrorCode::Io, "cannot write " + pdiparams.string());
}

Program read_paddle_model(const fs::path& model_dir) {
  const fs::path pir = model_dir / "inference.json", legacy = model_dir / "inference.pdmodel",
                 params = model_dir / "inference.pdiparams";
  if (!fs::is_directory(model_dir)) format_error(model_dir.string() + ": no such model directory");
  if (!fs::exists(pir) && !fs::exists(legacy))
    format_error(model_dir.string() + " holds no Paddle model (expected inference.json or inference.pdmodel, with inference.pdiparams)");
  Program program = fs::exists(pir) ? read_pir_program(pir) : read_legacy_program(legacy);
  if (!fs::exists(params)) {
    if (!program.param_order.empty()) format_error("no inference.pdiparams in " + model_dir.string() + " (the weights of the program)");
  } else {
    load_params(program, params);
  }
  return program;
}

}  // namespace hpocr::paddle
