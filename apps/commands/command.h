// The `hpocr` subcommands: each is one Command object that declares its options and runs once parsed
// (apps/cli.cpp walks the list). Shared here: the pipeline options every OCR subcommand takes.
#pragma once
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "hpocr/options.h"
#include "hpocr/parameters.h"
#include "hpocr/pipeline.h"

namespace hpocr::cli {

/// One subcommand of `hpocr`.
class Command {
 public:
  virtual ~Command() = default;
  /// Adds the subcommand and its options to `app`; the options bind to this object, which must outlive parsing.
  virtual CLI::App* declare(CLI::App& app) = 0;
  /// Runs once the command line is parsed; returns the exit code (cli.h). Throws Error for failures.
  virtual int run() = 0;
};

/// Every subcommand, in the order --help lists them.
std::vector<std::unique_ptr<Command>> all_commands();

/// The pipeline options of ocr, demo, hpi-info, benchmark and serve: one per parameter of the table.
struct PipelineArgs {
  OcrOptions options;       ///< the defaults until resolve() applies the config file and the parameters
  ParamValues params;       ///< table parameters given on the command line, applied over --paddlex_config
  std::string log_level = "warning";
  bool verbose = false;
  std::filesystem::path save_path;
  std::filesystem::path pipeline_config;

  /// Adds --save_path, --paddlex_config, one option per table parameter (checked as parsed), --log_level, -v.
  void declare(CLI::App& app);
  /// Adds the option of one table parameter (for commands that take only some of them).
  void declare_parameter(CLI::App& app, const ParamSpec& spec);
  /// The effective options: defaults, then --paddlex_config, then the parameters given (in table order, so
  /// --precision wins over --hpi_config); sets the log level.
  void resolve();
};

/// A PaddleOCR-style boolean option (True/False, ...) stored in `target`.
void add_bool(CLI::App& app, const std::string& name, bool& target, const std::string& help);
/// Prints one result as the CLI does: the input, size, line count and time, then score and text per line.
void print_result(const OcrResult& r);
/// <dir>/<name>_res.json and <dir>/<name>_ocr_res_img.png.
void save_outputs(const OcrResult& r, const std::filesystem::path& dir);

// Factories (one file each under apps/commands/).
std::unique_ptr<Command> make_ocr_command();
std::unique_ptr<Command> make_demo_command();
std::unique_ptr<Command> make_info_command();
std::unique_ptr<Command> make_hpi_info_command();
std::unique_ptr<Command> make_parameters_command();
std::unique_ptr<Command> make_benchmark_command();
std::unique_ptr<Command> make_convert_command();
std::unique_ptr<Command> make_serve_command();
std::unique_ptr<Command> make_batch_command();
std::unique_ptr<Command> make_quantize_command();
std::unique_ptr<Command> make_install_deps_command();

}  // namespace hpocr::cli
