// Helpers shared by the tests: rendered text images, default model availability, running the CLI.
#pragma once
#include <filesystem>
#include <string>
#include <vector>

#include "io/sample_page.h"

namespace hpocr::test {

/// True when the default models are installed (scripts/setup.sh); tests needing them GTEST_SKIP otherwise.
bool default_models_present();
/// The font used to render test images (fails the test when none is installed).
const TextRenderer& test_font();
/// A fresh empty directory under the system temp dir, unique per call.
std::filesystem::path temp_dir(const std::string& tag);
/// Writes an image file; returns its path.
std::filesystem::path write_image(const cv::Mat& image, const std::filesystem::path& path);

struct CommandResult {
  int exit_code = -1;
  std::string out;  ///< stdout and stderr together
};
/// Runs the hpocr CLI with the given argument string (shell syntax).
CommandResult run_cli(const std::string& args);

/// Levenshtein distance over Unicode code points.
size_t edit_distance(const std::string& a, const std::string& b);
/// Number of Unicode code points.
size_t char_count(const std::string& s);

}  // namespace hpocr::test
