// A generated corpus of bad image files, shared by the library, CLI and server tests: truncated and
// bit-flipped JPEG/PNG/BMP/TIFF/WebP, zero-size, 1-pixel and 65535x65535 headers, decompression bombs,
// non-image bytes. Every entry is judged with max_image_pixels = kCorpusMaxPixels.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace hpocr::test {

/// The pixel limit the corpus is meant for: the bombs decode to 4 M pixels, above it.
inline constexpr int64_t kCorpusMaxPixels = 1'000'000;

struct BadImage {
  std::string name;                 ///< unique, usable as a file name stem, e.g. "png_truncated_half"
  std::string ext;                  ///< extension for a file of it, e.g. ".png"
  std::vector<unsigned char> bytes;
  /// True when the input must be refused. False for random bit flips, which may leave a decodable image:
  /// then a clean result is as acceptable as a clean error, and only crashes or hangs are failures.
  bool must_fail = true;
};

/// The corpus: deterministic (fixed seeds), more than 60 entries.
std::vector<BadImage> bad_image_corpus();

}  // namespace hpocr::test
