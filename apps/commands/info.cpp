// hpocr info (backends, default models), hpocr hpi-info (the HPI plan per model) and hpocr parameters (the
// parameter table, as docs/parameters.md shows it).
#include <cstdio>

#include "backend/backend.h"
#include "cli.h"
#include "commands/command.h"
#include "core/device.h"
#include "format/model_dir.h"
#include "hpi/int8_cache.h"
#include "hpi/selection.h"
#include "hpocr/error.h"
#include "hpocr/version.h"

namespace fs = std::filesystem;

namespace hpocr::cli {
namespace {

class InfoCommand : public Command {
 public:
  CLI::App* declare(CLI::App& app) override {
    return app.add_subcommand("info", "Show backends, their availability and the default model directories");
  }

  int run() override {
    std::printf("hpocr %s\nHPOCR_HOME: %s\nbackends:\n", kVersion, hpocr_home().c_str());
    for (const auto& b : backends()) {
      Availability a = b->probe(Device{});
      std::printf("  %-12s %s\n", std::string(b->name()).c_str(),
                  a.available ? ("available, version " + a.version).c_str() : ("unavailable: " + a.reason).c_str());
    }
    std::printf("default models:\n");
    for (const char* m : {"PP-OCRv4_mobile_det", "PP-OCRv4_mobile_rec", "ch_ppocr_mobile_v2.0_cls"}) {
      fs::path p = hpocr_home() / "models" / m;
      std::printf("  %-26s %s%s\n", m, p.c_str(), fs::exists(p / "inference.onnx") ? "" : "  (missing: run scripts/setup.sh)");
    }
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
    for (const auto& b : backends()) {
      Availability av = b->probe(device);
      std::printf("  %-12s %s\n", std::string(b->name()).c_str(),
                  av.available ? ("available, version " + av.version).c_str() : ("unavailable: " + av.reason).c_str());
    }
    for (ModelRole role : kModelRoles) {
      const std::string module(role_name(role));
      const fs::path dir = model_dir(o, role);
      auto it = o.module_hpi_config.find(module);
      const HpiConfig& config = it != o.module_hpi_config.end() ? it->second : o.hpi_config;
      try {
        ModelDir m = open_model_dir(dir, module);
        std::printf("%s: %s [%s], %s\n%s", module.c_str(), m.model_name.c_str(), to_string(m.format).c_str(), dir.c_str(),
                    hpi::make_plan(m, device, config, o.enable_hpi).describe().c_str());
        hpi::Int8Status int8 = hpi::int8_status(m);
        std::printf("  int8: %s\n", int8.reason.c_str());
        if (int8.usable && !int8.pays) std::printf("  int8: not picked by HPI by itself: %s\n", int8.slower_reason.c_str());
      } catch (const Error& e) {
        std::printf("%s: %s\n", module.c_str(), e.what());
      }
    }
    if (!o.enable_hpi) std::printf("(enable_hpi is False: the plain default engine is used; pass --enable_hpi True to see the HPI plan)\n");
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
