// hpocr info (backends, default models), hpocr hpi-info (the HPI plan per model) and hpocr parameters (the
// parameter table, as docs/parameters.md shows it).
#include <cstdio>

#include "cli.h"
#include "commands/command.h"
#include "hpocr/backends.h"
#include "hpocr/device.h"
#include "hpocr/error.h"
#include "hpocr/hpi_plan.h"
#include "hpocr/model_catalog.h"
#include "hpocr/version.h"
#include "hpocr/parameters.h"

namespace fs = std::filesystem;

namespace hpocr::cli {
namespace {

void print_backends(const Device& device) {
  for (const BackendStatus& b : probe_backends(device)) {
    const Availability& a = b.availability;
    std::printf("  %-12s %s\n", b.name.c_str(),
                a.available ? ("available, version " + a.version).c_str() : ("unavailable: " + a.reason).c_str());
  }
}

class InfoCommand : public Command {
 public:
  CLI::App* declare(CLI::App& app) override {
    return app.add_subcommand("info", "Show backends, their availability and the default model directories");
  }

  int run() override {
    std::printf("hpocr %s\nHPOCR_HOME: %s\nbackends:\n", kVersion, hpocr_home().c_str());
    print_backends(Device{});
    std::printf("default models (ocr_version %s, lang %s):\n", std::string(default_ocr_version()).c_str(),
                std::string(kDefaultLang).c_str());
    for (ModelRole role : kModelRoles) {
      const std::string name = default_model_name(role);
      std::printf("  %-26s %s%s\n", name.c_str(), (hpocr_home() / "models" / name).c_str(),
                  model_installed(name) ? "" : "  (missing: run scripts/setup.sh)");
    }
    std::printf("installed model families:\n");
    for (const std::string& line : describe_installed_families()) std::printf("  %s\n", line.c_str());
    return kOk;
  }
};

class HpiInfoCommand : public Command {
 public:
  CLI::App* declare(CLI::App& app) override {
    auto* cmd = app.add_subcommand("hpi-info", "Probe every backend and show the HPI plan for each model");
    a_.declare(*cmd);
    return cmd;
  }

  int run() override {
    a_.resolve();
    const OcrOptions& o = a_.options;
    o.validate();
    Device device = Device::parse(o.device);
    std::printf("backends on %s:\n", device.str().c_str());
    print_backends(device);
    std::printf("%s", describe_model_plans(o).c_str());
    if (!o.enable_hpi) std::printf("(%s is False: the plain default engine is used; pass --%s True to see the HPI plan)\n", param_names::kEnableHpi, param_names::kEnableHpi);
    return kOk;
  }

 private:
  PipelineArgs a_;
};

class ParametersCommand : public Command {
 public:
  CLI::App* declare(CLI::App& app) override {
    return app.add_subcommand("parameters", "Print the pipeline parameters as a Markdown table (docs/parameters.md)");
  }

  int run() override {
    std::printf("%s", parameters_markdown().c_str());
    return kOk;
  }
};

}  // namespace

std::unique_ptr<Command> make_info_command() { return std::make_unique<InfoCommand>(); }
std::unique_ptr<Command> make_hpi_info_command() { return std::make_unique<HpiInfoCommand>(); }
std::unique_ptr<Command> make_parameters_command() { return std::make_unique<ParametersCommand>(); }

}  // namespace hpocr::cli
