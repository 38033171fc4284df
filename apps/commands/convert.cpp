// hpocr convert: a Paddle model directory (inference.json or inference.pdmodel) to ONNX.
#include <cstdio>

#include "cli.h"
#include "commands/command.h"
#include "hpocr/convert.h"

namespace fs = std::filesystem;

namespace hpocr::cli {
namespace {

class ConvertCommand : public Command {
 public:
  CLI::App* declare(CLI::App& app) override {
    auto* cmd = app.add_subcommand("convert", "Convert a Paddle model directory (inference.json or inference.pdmodel) to ONNX");
    cmd->add_option("--model_dir", c_.model_dir, "Paddle model directory (with inference.pdiparams)")->required();
    cmd->add_option("--output", c_.output, "ONNX file to write (default: <model_dir>/inference.onnx)");
    cmd->add_option("--opset", c_.opset, "ONNX opset")
        ->check(CLI::Range(convert::kMinOpset, convert::kMaxOpset))
        ->capture_default_str();
    return cmd;
  }

  int run() override {
    const ConvertArgs& c = c_;
    const fs::path output = c.output.empty() ? c.model_dir / "inference.onnx" : c.output;
    convert::ConvertOptions options;
    options.opset = c.opset;
    const convert::ConvertReport r = convert::convert_model_dir(c.model_dir, output, options);
    std::string types;
    for (const auto& t : r.op_types) types += (types.empty() ? "" : ", ") + t;
    std::printf("%s: %zu Paddle ops (%zu types: %s) -> %zu ONNX nodes, opset %d, %.0f ms\nwrote %s\n", c.model_dir.string().c_str(),
                r.paddle_ops, r.op_types.size(), types.c_str(), r.onnx_nodes, c.opset, r.milliseconds, output.string().c_str());
    return kOk;
  }

 private:
  struct ConvertArgs {
    fs::path model_dir, output;
    int opset = convert::kDefaultOpset;
  };
  ConvertArgs c_;
};

}  // namespace

std::unique_ptr<Command> make_convert_command() { return std::make_unique<ConvertCommand>(); }

}  // namespace hpocr::cli
