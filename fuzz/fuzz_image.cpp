// Image header check + decode (src/core/image_decode): every format the OCR input accepts.
#include <span>

#include "fuzz_common.h"
#include "hpocr/image_decode.h"

namespace {
// Small enough that an accepted input decodes in milliseconds and well inside -rss_limit_mb.
constexpr int64_t kMaxPixels = 2'000'000;
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace hpocr;
  fuzz::quiet();
  const std::span<const unsigned char> bytes(data, size);
  // The raw header may hold any size (negative BMP widths too); check_image is what judges it.
  fuzz::expect_ok_or_error([&] { (void)read_image_header(bytes); });
  fuzz::expect_ok_or_error([&] {
    const ImageHeader h = check_image(bytes, kMaxPixels, "fuzz");
    // Sides below kMinImageSide are accepted here: the pipeline answers them with an empty result.
    if (h.width < 1 || h.height < 1 || h.width * h.height > kMaxPixels) fuzz::violated("check_image accepted a size outside the limits");
  });
  fuzz::expect_ok_or_error([&] {
    const cv::Mat m = decode_image(bytes, kMaxPixels, "fuzz");
    if (m.empty() || m.type() != CV_8UC3) fuzz::violated("decode_image returned no 8-bit BGR image");
    if (static_cast<int64_t>(m.total()) > kMaxPixels) fuzz::violated("decode_image returned more than max_pixels");
  });
  return 0;
}
