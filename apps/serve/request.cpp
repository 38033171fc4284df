#include "serve/request.h"

#include <algorithm>
#include <random>

#include <fmt/format.h>
#include <opencv2/imgcodecs.hpp>

#include "hpocr/base64.h"
#include "hpocr/error.h"
#include "hpocr/parameters.h"
#include "hpocr/pdf_document.h"
#include "hpocr/result_io.h"

namespace hpocr::serve {
namespace {

using json = nlohmann::json;

/// Request fields that are not pipeline parameters; those are the table's per-call ones, in camelCase.
const char* const kOwnFields[] = {"file", "fileType", "visualize"};

const std::vector<std::string>& known_fields() {
  static const std::vector<std::string> fields = [] {
    std::vector<std::string> f(std::begin(kOwnFields), std::end(kOwnFields));
    for (const ParamSpec& spec : parameters())
      if (spec.scope == ParamScope::PerCall) f.push_back(camel_case(spec.name));
    return f;
  }();
  return fields;
}

[[noreturn]] void unprocessable(const std::string& message) { throw HttpError(422, message); }

/// The field's value when present and not null.
const json* field(const json& body, const char* name) {
  auto it = body.find(name);
  return it == body.end() || it->is_null() ? nullptr : &*it;
}

std::optional<bool> get_bool(const json& body, const char* name) {
  const json* v = field(body, name);
  if (!v) return std::nullopt;
  if (!v->is_boolean()) unprocessable(std::string(name) + " must be true or false, got " + describe_json_value(*v));
  return v->get<bool>();
}

/// The request's pipeline parameters, each checked on its own so that the error names the request's field.
ParamValues request_params(const json& body) {
  ParamValues values;
  for (const ParamSpec& spec : parameters()) {
    if (spec.scope != ParamScope::PerCall) continue;
    const std::string name = camel_case(spec.name);
    const json* v = field(body, name.c_str());
    if (!v) continue;
    try {
      ParamValue value = param_from_json(spec, *v, name);
      check_param(spec, value);
      values.emplace_back(&spec, std::move(value));
    } catch (const Error& e) {
      const std::string_view what = e.what();
      unprocessable(what.rfind(name, 0) == 0 ? std::string(what) : name + ": " + std::string(what));
    }
  }
  return values;
}

std::string jpeg_base64(const cv::Mat& image) {
  std::vector<unsigned char> bytes;
  if (!cv::imencode(".jpg", image, bytes)) throw Error(ErrorCode::Io, "cannot encode the visualisation as JPEG");
  return base64_encode(bytes);
}

/// Rejects the first body field that is neither a request field nor a per-call parameter, listing the accepted ones.
void reject_unknown_fields(const json& body) {
  const auto& fields = known_fields();
  for (const auto& [key, value] : body.items()) {
    if (std::find(fields.begin(), fields.end(), key) == fields.end()) {
      std::string known;
      for (const auto& f : fields) known += (known.empty() ? "" : ", ") + f;
      unprocessable("unknown field '" + key + "' (accepted: " + known + ")");
    }
  }
}

/// The body as a JSON object with known fields only; 400 for empty, too deep or malformed text, 422 otherwise.
json parse_body(std::string_view text, const RequestPolicy& policy) {
  if (text.empty()) throw HttpError(400, "empty request body: send a JSON object with the image as base64 in \"file\"");
  // A deeply nested body costs memory out of proportion to its size; no valid request nests beyond 2.
  if (json_depth(text) > policy.max_json_depth)
    throw HttpError(400, "request body nests deeper than " + std::to_string(policy.max_json_depth) + " levels");
  json body;
  try {
    body = json::parse(text);
  } catch (const json::exception& e) {  // parse_error, and out_of_range for numbers beyond double (1e309)
    std::string why = e.what();
    if (auto p = why.find("] "); p != std::string::npos) why = why.substr(p + 2);  // drop "[json.exception...]"
    throw HttpError(400, "request body is not valid JSON: " + why);
  }
  if (!body.is_object()) unprocessable("request body must be a JSON object, got " + std::string(body.type_name()));
  reject_unknown_fields(body);
  return body;
}

/// The optional fileType: 0 (PDF) or 1 (image).
std::optional<int> file_type_field(const json& body) {
  const json* v = field(body, "fileType");
  if (!v) return std::nullopt;
  if (!v->is_number_integer() || (v->get<int64_t>() != 0 && v->get<int64_t>() != 1))
    unprocessable("fileType must be 0 (PDF) or 1 (image), got " + describe_json_value(*v));
  return static_cast<int>(v->get<int64_t>());
}

/// The bytes of the required base64 `file` field; URLs and data URIs are refused with a hint.
std::vector<unsigned char> decoded_file_field(const json& body) {
  const json* file = field(body, "file");
  if (!file) unprocessable("missing field 'file': the image as base64");
  if (!file->is_string()) unprocessable("file must be a string (base64 of the image), got " + describe_json_value(*file));
  const auto& encoded = file->get_ref<const std::string&>();
  if (encoded.empty()) unprocessable("file is empty");
  if (encoded.rfind("http://", 0) == 0 || encoded.rfind("https://", 0) == 0)
    throw HttpError(400, "file is a URL; this server does not fetch URLs (no network access): send the file's bytes as base64");
  if (encoded.rfind("data:", 0) == 0)
    throw HttpError(400, "file is a data URI; send only the base64 text after \"base64,\"");
  try {
    return base64_decode(encoded);
  } catch (const Error& e) {
    throw HttpError(400, std::string("file: ") + e.what());
  }
}

/// The page count of a PDF within the page limit whose every page renders within the pixel limit.
int checked_pdf_pages(const std::vector<unsigned char>& bytes, const OcrOptions& limits) {
  // Opened here only to refuse bad or oversized documents before they take a worker; pages render there.
  std::optional<PdfDocument> pdf;
  try {
    pdf.emplace(bytes, "file");
  } catch (const Error& e) {
    throw HttpError(400, e.what());
  }
  const int pages = pdf->page_count();
  const int limit = limits.max_pdf_pages;
  if (limit > 0 && pages > limit)
    throw HttpError(413, fmt::format("the PDF has {} pages, above the server's limit of {} pages (--max_pdf_pages)",
                                     pages, limit));
  const int64_t max_pixels = limits.max_image_pixels;
  for (int i = 0; i < pages; ++i) {
    cv::Size size;
    try {
      size = pdf->page_size(i);
    } catch (const Error& e) {
      throw HttpError(400, e.what());
    }
    if (static_cast<double>(size.width) * size.height > static_cast<double>(max_pixels))
      throw HttpError(413, fmt::format("PDF page {} is {}x{} pixels at {:g} DPI, above the server's limit of {} pixels "
                                       "(--max_image_pixels)", i + 1, size.width, size.height, kPdfRenderDpi, max_pixels));
  }
  return pages;
}

/// The header of a supported, complete image within `max_pixels` (413 above it, 400 when unreadable).
ImageHeader checked_image_header(const std::vector<unsigned char>& bytes, int64_t max_pixels) {
  std::optional<ImageHeader> header;
  try {
    header = read_image_header(bytes);
  } catch (const Error&) {
    // Truncated header: check_image below words the error.
  }
  if (header && exceeds_pixel_limit(*header, max_pixels))
    throw HttpError(413, fmt::format("image is {}x{} pixels, above the server's limit of {} pixels (--max_image_pixels)",
                                     header->width, header->height, max_pixels));
  try {
    return check_image(bytes, max_pixels, "file");
  } catch (const Error& e) {
    throw HttpError(400, e.what());
  }
}

}  // namespace

int json_depth(std::string_view text) {
  int depth = 0, max_depth = 0;
  bool in_string = false, escaped = false;
  for (char c : text) {
    if (in_string) {
      if (escaped) escaped = false;
      else if (c == '\\') escaped = true;
      else if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      max_depth = std::max(max_depth, ++depth);
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return max_depth;
}

OcrRequest parse_ocr_request(std::string_view text, const RequestPolicy& policy) {
  const json body = parse_body(text, policy);
  OcrRequest req;
  // Parameters first: they are cheap to check, and a bad one should not cost a base64 decode.
  req.params = predict_params(policy.defaults, request_params(body));
  if (req.params.use_textline_orientation.value_or(false) && !policy.classifier_loaded)
    unprocessable(camel_case(param_names::kUseTextlineOrientation) + ": the server was started without the textline "
                  "orientation model (--" + param_names::kUseTextlineOrientation + " False)");
  req.visualize = get_bool(body, "visualize").value_or(policy.visualize_default);

  const std::optional<int> file_type = file_type_field(body);
  req.file = decoded_file_field(body);
  const bool looks_pdf = looks_like_pdf(req.file);
  if (file_type == 1 && looks_pdf) unprocessable("fileType is 1 (image) but file holds a PDF: send fileType 0 or leave it out");
  if (file_type == 0 && !looks_pdf) unprocessable("fileType is 0 (PDF) but file is not a PDF (no %PDF- header)");
  if (looks_pdf) req.pdf_pages = checked_pdf_pages(req.file, policy.defaults);
  else req.header = checked_image_header(req.file, policy.defaults.max_image_pixels);
  return req;
}

std::string new_log_id() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  uint64_t hi = rng(), lo = rng();
  hi = (hi & ~0xF000ull) | 0x4000ull;                      // version 4
  lo = (lo & ~(0xC000ull << 48)) | (0x8000ull << 48);      // RFC 4122 variant
  return fmt::format("{:08x}-{:04x}-{:04x}-{:04x}-{:012x}", hi >> 32, (hi >> 16) & 0xFFFF, hi & 0xFFFF, lo >> 48,
                     lo & 0xFFFFFFFFFFFFull);
}

std::string error_body(const std::string& log_id, int status, std::string_view message) {
  nlohmann::ordered_json j{{"logId", log_id}, {"errorCode", status}, {"errorMsg", valid_utf8(message)}};
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string success_body(const std::string& log_id, const std::vector<OcrResult>& pages, bool pdf, bool visualize,
                         const std::filesystem::path& font) {
  nlohmann::ordered_json items = nlohmann::ordered_json::array(), sizes = nlohmann::ordered_json::array();
  for (const OcrResult& r : pages) {
    nlohmann::ordered_json pruned = to_json(r);
    pruned.erase("input_path");  // as PaddleX's prune_result
    nlohmann::ordered_json item{{"prunedResult", std::move(pruned)}, {"ocrImage", nullptr}};
    if (visualize) {
      item["ocrImage"] = jpeg_base64(render_visualization(r, font));
      item["inputImage"] = jpeg_base64(r.image);
    }
    items.push_back(std::move(item));
    sizes.push_back({{"width", r.image.cols}, {"height", r.image.rows}});
  }
  nlohmann::ordered_json info;
  if (pdf)
    info = {{"numPages", pages.size()}, {"pages", std::move(sizes)}, {"type", "pdf"}};
  else if (!sizes.empty())
    info = {{"width", sizes[0]["width"]}, {"height", sizes[0]["height"]}, {"type", "image"}};
  nlohmann::ordered_json j{{"logId", log_id},
                           {"errorCode", 0},
                           {"errorMsg", "Success"},
                           {"result", {{"ocrResults", std::move(items)}, {"dataInfo", std::move(info)}}}};
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace hpocr::serve
