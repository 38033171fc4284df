// hpocr batch (the Python entry point on a Dask cluster) and hpocr install_hpi_deps.
#include "batch.h"
#include "cli.h"
#include "commands/command.h"
#include "install_deps.h"

namespace hpocr::cli {
namespace {

class BatchCommand : public Command {
 public:
  CLI::App* declare(CLI::App& app) override {
    // Everything after `batch` goes to the Python entry point, --help included (see batch.h).
    cmd_ = app.add_subcommand("batch", "OCR of many images on a Dask cluster (local or remote); see hpocr batch --help");
    cmd_->prefix_command();
    cmd_->set_help_flag();
    return cmd_;
  }

  int run() override { return exec_batch(cmd_->remaining()); }

 private:
  CLI::App* cmd_ = nullptr;
};

class InstallDepsCommand : public Command {
 public:
  CLI::App* declare(CLI::App& app) override {
    auto* cmd = app.add_subcommand("install_hpi_deps", "Install the runtime libraries HPI uses (cpu | gpu)");
    cmd->add_option("target", kind_, "cpu or gpu: the ONNX Runtime build to install")->required()->check(CLI::IsMember({"cpu", "gpu"}));
    return cmd;
  }

  int run() override { return install_hpi_deps(kind_) ? kOk : kModelFailed; }

 private:
  std::string kind_;
};

}  // namespace

std::unique_ptr<Command> make_batch_command() { return std::make_unique<BatchCommand>(); }
std::unique_ptr<Command> make_install_deps_command() { return std::make_unique<InstallDepsCommand>(); }

}  // namespace hpocr::cli
