// PDF open + page size + render (src/io/pdf_document, poppler): the PDF input of the CLI, API and server.
#include <algorithm>
#include <span>

#include "fuzz_common.h"
#include "hpocr/pdf_document.h"

namespace {
constexpr int64_t kMaxPixels = 1'000'000;
constexpr double kDpi = 18;  // a low resolution keeps rendering fast; the parsing is the same
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace hpocr;
  fuzz::quiet();
  const std::span<const unsigned char> bytes(data, size);
  (void)looks_like_pdf(bytes);
  fuzz::expect_ok_or_error([&] {
    PdfDocument doc(bytes, "fuzz");
    const int pages = doc.page_count();
    if (pages < 1) fuzz::violated("an opened PDF has no pages");
    for (int i = 0; i < std::min(pages, 2); ++i) {
      fuzz::expect_ok_or_error([&] {
        const cv::Size s = doc.page_size(i, kDpi);
        if (s.width <= 0 || s.height <= 0) fuzz::violated("page_size returned an empty size");
      });
      fuzz::expect_ok_or_error([&] {
        const cv::Mat m = doc.render(i, kMaxPixels, kDpi);
        if (m.empty() || m.type() != CV_8UC3) fuzz::violated("render returned no 8-bit BGR image");
      });
    }
  });
  return 0;
}
