// The deterministic benchmark set: generated, never downloaded, identical on every run and machine
// (same fonts installed).
#pragma once
#include <string>
#include <vector>

#include <opencv2/core.hpp>

namespace hpocr::bench {

struct BenchImage {
  std::string name;
  std::string kind;                 ///< "page", "receipt", "scene", "line"
  cv::Mat image;                    ///< 8-bit BGR
  std::vector<std::string> lines;   ///< the text drawn, top to bottom
};

/// `pages` document pages (1600x2000, 30-60 lines), one receipt, one scene and `crops` single-line crops.
std::vector<BenchImage> make_bench_set(int pages = 2, int crops = 64);

}  // namespace hpocr::bench
