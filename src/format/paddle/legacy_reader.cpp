// Legacy static-graph programs: inference.pdmodel is a serialized ProgramDesc (framework.proto).
#include <algorithm>

#include "format/paddle/framework.pb.h"
#include "format/paddle/program.h"
#include "hpocr/error.h"
#include "hpocr/image_decode.h"

namespace hpocr::paddle {
namespace {

Attr to_attr(const proto::OpDesc::Attr& a) {
  auto ints = [](const auto& list) { return std::vector<int64_t>(list.begin(), list.end()); };
  auto floats = [](const auto& list) { return std::vector<double>(list.begin(), list.end()); };
  switch (a.type()) {
    case proto::INT: return int64_t{a.i()};
    case proto::LONG: return int64_t{a.l()};
    case proto::FLOAT: return double{a.f()};
    case proto::FLOAT64: return a.float64();
    case proto::STRING: return a.s();
    case proto::BOOLEAN: return a.b();
    case proto::INTS: return ints(a.ints());
    case proto::LONGS: return ints(a.longs());
    case proto::FLOATS: return floats(a.floats());
    case proto::FLOAT64S: return floats(a.float64s());
    case proto::STRINGS: return std::vector<std::string>(a.strings().begin(), a.strings().end());
    case proto::BOOLEANS: return std::vector<bool>(a.bools().begin(), a.bools().end());
    case proto::BLOCK: return int64_t{a.block_idx()};
    case proto::BLOCKS: return ints(a.blocks_idx());
    case proto::VAR: return a.var_name();
    case proto::VARS: return std::vector<std::string>(a.vars_name().begin(), a.vars_name().end());
    case proto::SCALAR: {
      const auto& s = a.scalar();
      if (s.type() == proto::Scalar::BOOLEAN) return s.b();
      if (s.type() == proto::Scalar::LONG) return int64_t{s.i()};
      return s.r();
    }
    case proto::SCALARS: {
      std::vector<double> out;
      for (const auto& s : a.scalars()) out.push_back(s.type() == proto::Scalar::LONG ? static_cast<double>(s.i()) : s.r());
      return out;
    }
  }
  return std::string();
}

}  // namespace

Program read_legacy_program(const std::filesystem::path& pdmodel) {
  const std::vector<unsigned char> bytes = read_file(pdmodel);
  proto::ProgramDesc desc;
  if (!desc.ParseFromArray(bytes.data(), static_cast<int>(bytes.size())) || desc.blocks_size() == 0)
    throw Error(ErrorCode::ModelFormat, pdmodel.string() + " is not a Paddle program (corrupt or truncated inference.pdmodel)");
  Program program;
  program.source = "legacy ProgramDesc" + (desc.has_version() ? " v" + std::to_string(desc.version().version()) : std::string());
  const proto::BlockDesc& block = desc.blocks(0);
  for (const auto& v : block.vars()) {
    if (v.type().type() != proto::VarType::LOD_TENSOR) continue;
    VarInfo info;
    const auto& t = v.type().lod_tensor().tensor();
    info.dtype = static_cast<DType>(t.data_type());
    info.shape.assign(t.dims().begin(), t.dims().end());
    info.known_shape = true;
    program.vars[v.name()] = info;
    if (v.persistable() && v.name() != "feed" && v.name() != "fetch") program.param_order.push_back(v.name());
  }
  // .pdiparams holds the persistable tensors sorted by name (byte order).
  std::sort(program.param_order.begin(), program.param_order.end());

  std::vector<std::pair<int64_t, std::string>> feeds, fetches;
  for (const auto& o : block.ops()) {
    Op op;
    op.type = o.type();
    for (const auto& slot : o.inputs()) op.inputs[slot.parameter()].assign(slot.arguments().begin(), slot.arguments().end());
    for (const auto& slot : o.outputs()) op.outputs[slot.parameter()].assign(slot.arguments().begin(), slot.arguments().end());
    for (const auto& a : o.attrs()) {
      if (a.name() == "op_callstack" || a.name() == "op_namescope") continue;  // debugging aids, often large
      op.attrs[a.name()] = to_attr(a);
    }
    if (op.type == "feed") {
      feeds.emplace_back(op.attr_int("col", 0), op.output("Out"));
    } else if (op.type == "fetch") {
      auto x = op.input("X");
      if (!x) throw Error(ErrorCode::ModelFormat, pdmodel.string() + ": a fetch op has no input");
      fetches.emplace_back(op.attr_int("col", 0), *x);
    } else {
      program.ops.push_back(std::move(op));
    }
  }
  std::sort(feeds.begin(), feeds.end());
  std::sort(fetches.begin(), fetches.end());
  for (auto& f : feeds) program.inputs.push_back(f.second);
  for (auto& f : fetches) program.outputs.push_back(f.second);
  if (program.inputs.empty() || program.outputs.empty())
    throw Error(ErrorCode::ModelFormat, pdmodel.string() + " has no feed or fetch operators: not an inference program");
  return program;
}

}  // namespace hpocr::paddle
