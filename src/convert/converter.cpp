#include "convert/converter.h"

#include <fstream>
#include <unistd.h>
#include <set>

#include <onnx/checker.h>

#include "convert/graph_builder.h"
#include "core/timer.h"
#include "hpocr/error.h"
#include "hpocr/logging.h"
#include "hpocr/version.h"

namespace hpocr::convert {
namespace fs = std::filesystem;
namespace {

const MapperTable& mappers() {
  static const MapperTable table = [] {
    MapperTable t;
    register_conv_ops(t);
    register_math_ops(t);
    register_tensor_ops(t);
    register_nn_ops(t);
    return t;
  }();
  return table;
}

/// Declares a graph input/output with its element type and shape; unknown dims get symbolic names.
/// Inputs keep batch, height and width dynamic and outputs keep only their rank: programs often record the
/// sizes of the export example (the v2 classifier says 32x100 and runs at 48x192), and every size inside the
/// graph is computed at run time.
void declare(onnx::ValueInfoProto& v, const std::string& name, const paddle::VarInfo* info, bool is_input) {
  v.set_name(name);
  auto& tensor = *v.mutable_type()->mutable_tensor_type();
  tensor.set_elem_type(onnx_type(info ? info->dtype : paddle::DType::Float32));
  if (!info) return;
  auto& shape = *tensor.mutable_shape();
  const std::size_t rank = info->shape.size();
  for (std::size_t i = 0; i < rank; ++i) {
    auto& dim = *shape.add_dim();
    const bool dynamic = info->shape[i] < 0 || !is_input || i == 0 || (rank == 4 && i >= 2);
    if (dynamic) dim.set_dim_param(name + "_dim" + std::to_string(i));
    else dim.set_dim_value(info->shape[i]);
  }
}

}  // namespace

std::vector<std::string> supported_ops() {
  std::vector<std::string> out;
  for (const auto& [name, _] : mappers()) out.push_back(name);
  return out;
}

std::string convert_program(const paddle::Program& program, const ConvertOptions& options, ConvertReport* report) {
  Timer timer;
  const std::string model = options.model_name.empty() ? "model" : options.model_name;
  if (options.opset < kMinOpset || options.opset > kMaxOpset)
    throw Error(ErrorCode::InvalidArgument, "opset " + std::to_string(options.opset) + " is not supported: use " +
                                                std::to_string(kMinOpset) + ".." + std::to_string(kMaxOpset));
  // Every op must have a mapper before anything is built: a partial graph is never written.
  std::map<std::string, int> missing;
  for (const auto& op : program.ops)
    if (!mappers().count(op.type)) ++missing[op.type];
  if (!missing.empty()) {
    std::string list;
    for (const auto& [type, count] : missing) list += (list.empty() ? "" : ", ") + type + " (x" + std::to_string(count) + ")";
    throw Error(ErrorCode::UnsupportedOp, model + " (" + program.source + ") uses operators the converter does not support: " + list);
  }

  onnx::ModelProto proto;
  proto.set_ir_version(8);
  proto.set_producer_name("hpocr");
  proto.set_producer_version(kVersion);
  auto& opset = *proto.add_opset_import();
  opset.set_domain("");
  opset.set_version(options.opset);
  onnx::GraphProto& graph = *proto.mutable_graph();
  graph.set_name(model);

  GraphBuilder builder(program, graph, options.opset, model);
  for (const auto& in : program.inputs) declare(*graph.add_input(), in, builder.info(in), true);
  std::set<std::string> types;
  for (const auto& op : program.ops) {
    mappers().at(op.type)(op, builder);
    types.insert(op.type);
  }
  for (const auto& out : program.outputs) {
    if (builder.constant(out)) builder.node("Identity", {builder.use(out)}, {out + "__out"});
    declare(*graph.add_output(), builder.constant(out) ? out + "__out" : out, builder.info(out), false);
  }

  try {
    onnx::checker::check_model(proto);
  } catch (const std::exception& e) {
    throw Error(ErrorCode::ModelFormat, model + ": the converted ONNX model fails the ONNX checker: " + e.what());
  }
  std::string bytes;
  if (!proto.SerializeToString(&bytes)) throw Error(ErrorCode::ModelFormat, model + ": the converted model cannot be serialized");
  if (report) {
    report->op_types.assign(types.begin(), types.end());
    report->paddle_ops = program.ops.size();
    report->onnx_nodes = static_cast<std::size_t>(graph.node_size());
    report->milliseconds = timer.lap();
  }
  return bytes;
}

ConvertReport convert_model_dir(const fs::path& model_dir, const fs::path& output, const ConvertOptions& options) {
  ConvertOptions opts = options;
  if (opts.model_name.empty()) opts.model_name = model_dir.filename().string();
  Timer timer;
  paddle::Program program = paddle::read_paddle_model(model_dir);
  ConvertReport report;
  const std::string bytes = convert_program(program, opts, &report);
  report.milliseconds = timer.lap();
  std::error_code ec;
  if (output.has_parent_path()) fs::create_directories(output.parent_path(), ec);
  const fs::path tmp = output.string() + ".tmp" + std::to_string(::getpid());
  {
    std::ofstream out(tmp, std::ios::binary);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!out) {
      fs::remove(tmp, ec);
      throw Error(ErrorCode::Io, "cannot write " + output.string());
    }
  }
  fs::rename(tmp, output, ec);
  if (ec) {
    fs::remove(tmp, ec);
    throw Error(ErrorCode::Io, "cannot write " + output.string() + ": " + ec.message());
  }
  log::info("{}: converted {} ({} ops -> {} ONNX nodes, opset {}) in {:.0f} ms", opts.model_name, program.source, report.paddle_ops,
            report.onnx_nodes, opts.opset, report.milliseconds);
  return report;
}

}  // namespace hpocr::convert
