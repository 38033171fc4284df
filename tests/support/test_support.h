// Helpers shared by the tests: rendered text images, default model availability, running the CLI.
#pragma once
#include <filesystem>
#include <string>
#include <vector>

#include "hpocr/sample_page.h"
#include "hpocr/text_metrics.h"

namespace hpocr::test {

/// True when the default models are installed (scripts/setup.sh); tests needing them GTEST_SKIP otherwise.
bool default_models_present();
/// A CJK-covering font (Noto Sans CJK) for Chinese and mixed lines.
const TextRenderer& test_font();
/// DejaVu Sans for Latin-only lines: its word spaces are wider than the CJK font's Latin spaces, which
/// the Chinese recogniser tends to drop. Falls back to test_font().
const TextRenderer& latin_font();
/// A fresh empty directory under the system temp dir, unique per call, removed when the test process ends
/// (HPOCR_KEEP_TEST_DIRS=1 keeps it).
std::filesystem::path temp_dir(const std::string& tag);
/// Writes an image file; returns its path.
std::filesystem::path write_image(const cv::Mat& image, const std::filesystem::path& path);

struct CommandResult {
  int exit_code = -1;
  std::string out;  ///< stdout and stderr together
};
/// Runs the hpocr CLI with the given argument string (shell syntax).
CommandResult run_cli(const std::string& args);

using hpocr::char_count;
using hpocr::edit_distance;
using hpocr::without_spaces;  // exact comparisons are made without spaces; see core/text_metrics.h

}  // namespace hpocr::test
