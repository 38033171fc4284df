#include "cli.h"

#include <cstdio>

#include <CLI/CLI.hpp>

#include "commands/command.h"
#include "hpocr/error.h"
#include "hpocr/parameters.h"
#include "hpocr/version.h"

namespace hpocr::cli {

bool parse_bool(std::string_view text) {
  if (auto b = bool_from_text(text)) return *b;
  throw std::invalid_argument("'" + std::string(text) + "' is not a boolean (use True or False)");
}

std::vector<std::unique_ptr<Command>> all_commands() {
  std::vector<std::unique_ptr<Command>> commands;
  for (auto make : {make_ocr_command, make_demo_command, make_info_command, make_hpi_info_command, make_benchmark_command,
                    make_convert_command, make_serve_command, make_batch_command, make_quantize_command,
                    make_install_deps_command, make_parameters_command})
    commands.push_back(make());
  return commands;
}

int run(int argc, char** argv) {
  CLI::App app{"hpocr: fast OCR (PP-OCR models) in C++"};
  app.set_version_flag("--version", std::string("hpocr ") + kVersion);
  app.require_subcommand(1);
  std::vector<std::pair<CLI::App*, std::unique_ptr<Command>>> commands;
  for (auto& command : all_commands()) {
    CLI::App* sub = command->declare(app);
    commands.emplace_back(sub, std::move(command));
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? kOk : kUsage;
  }
  try {
    for (auto& [sub, command] : commands)
      if (sub->parsed()) return command->run();
  } catch (const Error& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    switch (e.code()) {
      case ErrorCode::InvalidArgument: return kUsage;
      case ErrorCode::InvalidInput: return kInputFailed;
      case ErrorCode::Io: return kOutputFailed;
      default: return kModelFailed;
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: unexpected failure: %s\n", e.what());
    return kModelFailed;
  }
  return kUsage;
}

}  // namespace hpocr::cli
