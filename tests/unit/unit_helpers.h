// Small helpers shared by the unit tests: error assertions, encoded images, throwaway model directories.
#pragma once
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <opencv2/imgcodecs.hpp>

#include "hpocr/error.h"
#include "support/test_support.h"

namespace hpocr::test {

/// Success when `f` throws an hpocr::Error with `code` whose message contains `needle`.
/// Use as EXPECT_TRUE(throws_error(...)) so that failures point at the caller's line.
inline testing::AssertionResult throws_error(const std::function<void()>& f, ErrorCode code, std::string_view needle) {
  try {
    f();
  } catch (const Error& e) {
    if (e.code() != code) return testing::AssertionFailure() << "wrong code " << e.category() << ": " << e.what();
    if (std::string_view(e.what()).find(needle) == std::string_view::npos)
      return testing::AssertionFailure() << "message lacks '" << needle << "': " << e.what();
    return testing::AssertionSuccess();
  } catch (const std::exception& e) {
    return testing::AssertionFailure() << "not an hpocr::Error: " << e.what();
  }
  return testing::AssertionFailure() << "nothing thrown; expected an error mentioning '" << needle << "'";
}

/// Writes `content` to `path` byte for byte.
inline void write_text(const std::filesystem::path& path, const std::string& content) {
  std::ofstream(path, std::ios::binary) << content;
}

/// The image encoded as by cv::imencode(ext).
inline std::vector<unsigned char> encode(const cv::Mat& image, const std::string& ext) {
  std::vector<unsigned char> bytes;
  if (!cv::imencode(ext, image, bytes)) throw std::runtime_error("cannot encode " + ext);
  return bytes;
}

/// A fresh directory holding a non-empty (fake) inference.onnx and, unless `yml` is empty, that inference.yml.
inline std::filesystem::path fake_model_dir(const std::string& yml, const std::string& tag = "model") {
  auto dir = temp_dir(tag);
  write_text(dir / "inference.onnx", "x");
  if (!yml.empty()) write_text(dir / "inference.yml", yml);
  return dir;
}

}  // namespace hpocr::test
