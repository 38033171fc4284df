// The POST /ocr request parser (apps/serve/request): JSON, base64 file, fileType, parameter fields, the image
// header / PDF page-count checks it makes. HttpError (400/413/422) is its expected refusal.
#include <string_view>

#include "fuzz_common.h"
#include "serve/request.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace hpocr;
  fuzz::quiet();
  static const serve::RequestPolicy policy = [] {
    serve::RequestPolicy p;
    p.defaults.max_image_pixels = 4'000'000;
    p.defaults.max_pdf_pages = 4;
    return p;
  }();
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  if (serve::json_depth(body) < 0) fuzz::violated("negative JSON depth");
  try {
    const serve::OcrRequest r = serve::parse_ocr_request(body, policy);
    if (r.file.empty()) fuzz::violated("an accepted request has no file");
    if (r.pdf_pages == 0 && r.header.width * r.header.height > policy.defaults.max_image_pixels)
      fuzz::violated("an accepted image exceeds max_image_pixels");
    if (r.pdf_pages > policy.defaults.max_pdf_pages) fuzz::violated("an accepted PDF exceeds max_pdf_pages");
  } catch (const serve::HttpError& e) {
    if (e.status() < 400 || e.status() > 599) fuzz::violated("HttpError with a non-error status");
  } catch (const Error&) {
  }
  return 0;
}
