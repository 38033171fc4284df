// The PaddleX/PaddleOCR basic-serving schema of POST /ocr: request parsing and validation, response bodies.
// See docs/serving.md for the fields.
#pragma once
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "hpocr/image_decode.h"
#include "hpocr/pipeline.h"

namespace hpocr::serve {

/// A failure answered to the client: the HTTP status (also the body's errorCode) and errorMsg.
class HttpError : public std::runtime_error {
 public:
  HttpError(int status, const std::string& message) : std::runtime_error(message), status_(status) {}
  int status() const noexcept { return status_; }

 private:
  int status_;
};

/// What a request may ask for, from the server's pipeline and options.
struct RequestPolicy {
  OcrOptions defaults;               ///< the pipeline's options (parameter defaults, max_image_pixels)
  bool classifier_loaded = true;     ///< useTextlineOrientation=true needs the orientation model
  bool visualize_default = true;     ///< `visualize` when the request leaves it out
  int max_json_depth = 32;           ///< deeper nesting is refused before parsing
};

/// A validated POST /ocr request.
struct OcrRequest {
  std::vector<unsigned char> file;   ///< the decoded image or PDF bytes
  ImageHeader header;                ///< images: checked (supported format, complete, within the pixel limit)
  int pdf_pages = 0;                 ///< PDFs: the page count (checked against max_pdf_pages); 0 for an image
  PredictParams params;
  bool visualize = true;
};

/// Parses and validates a POST /ocr body. Throws HttpError: 400 malformed JSON/base64/image/PDF or a URL,
/// 413 an image above max_image_pixels (read from its header, nothing decoded) or a PDF above max_pdf_pages,
/// 422 schema violations (unknown field, wrong type, out-of-range parameter, bad fileType or a fileType that
/// contradicts the bytes).
OcrRequest parse_ocr_request(std::string_view body, const RequestPolicy& policy);

/// A random RFC 4122 version-4 UUID, the logId of a response.
std::string new_log_id();

/// {logId, errorCode, errorMsg}: the body of every failed request.
std::string error_body(const std::string& log_id, int status, std::string_view message);

/// The body of a successful POST /ocr: {logId, errorCode: 0, errorMsg: "Success", result: {ocrResults:
/// [{prunedResult, ocrImage, inputImage}], dataInfo}}, one ocrResults entry per page. prunedResult is the
/// CLI's JSON without input_path; ocrImage/inputImage are base64 JPEGs when `visualize`, else null. dataInfo is
/// {width, height, type: "image"} for an image, {numPages, pages: [{width, height}], type: "pdf"} for a PDF.
std::string success_body(const std::string& log_id, const std::vector<OcrResult>& pages, bool pdf, bool visualize,
                         const std::filesystem::path& font);

/// Maximum nesting depth of the JSON text (arrays and objects), counted without parsing it.
int json_depth(std::string_view text);

}  // namespace hpocr::serve
