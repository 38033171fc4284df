// The `hpocr` command line: one Command object per subcommand (apps/commands/). Kept out of main() so tests can drive it.
#pragma once
#include <string>
#include <string_view>

namespace hpocr::cli {

/// Exit codes of the hpocr command.
enum Exit : int {
  kOk = 0,
  kInputFailed = 1,   ///< one or more inputs could not be processed (the others were)
  kUsage = 2,         ///< bad command line or option value
  kModelFailed = 3,   ///< models or backend could not be loaded
  kOutputFailed = 4,  ///< results could not be written
};

/// PaddleOCR-style boolean: True/False, true/false, 1/0, yes/no, on/off. Throws std::invalid_argument.
bool parse_bool(std::string_view text);

/// Runs the command line; returns the process exit code. Never throws.
int run(int argc, char** argv);

}  // namespace hpocr::cli
