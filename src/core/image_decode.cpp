#include "hpocr/image_decode.h"

#include <algorithm>
#include <cstring>
#include <fstream>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "hpocr/error.h"

namespace hpocr {
namespace {

using Bytes = std::span<const unsigned char>;

uint32_t be16(Bytes b, size_t o) { return (uint32_t(b[o]) << 8) | b[o + 1]; }
uint32_t le16(Bytes b, size_t o) { return b[o] | (uint32_t(b[o + 1]) << 8); }
uint32_t be32(Bytes b, size_t o) { return (be16(b, o) << 16) | be16(b, o + 2); }
uint32_t le32(Bytes b, size_t o) { return le16(b, o) | (le16(b, o + 2) << 16); }
uint32_t le24(Bytes b, size_t o) { return le16(b, o) | (uint32_t(b[o + 2]) << 16); }

bool starts_with(Bytes b, std::string_view magic, size_t at = 0) {
  return b.size() >= at + magic.size() && std::memcmp(b.data() + at, magic.data(), magic.size()) == 0;
}

[[noreturn]] void truncated(const char* format) {
  throw Error(ErrorCode::InvalidInput, std::string("truncated ") + format + " header");
}

ImageHeader jpeg_header(Bytes b) {
  size_t p = 2;
  while (p + 4 <= b.size()) {
    if (b[p] != 0xFF) throw Error(ErrorCode::InvalidInput, "corrupt JPEG: bad marker structure");
    uint8_t m = b[p + 1];
    if (m == 0xFF) { ++p; continue; }                    // fill byte
    if (m == 0x01 || (m >= 0xD0 && m <= 0xD7)) { p += 2; continue; }  // markers without a length
    uint32_t len = be16(b, p + 2);
    bool sof = m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC;
    if (sof) {
      if (p + 9 > b.size()) break;
      return {"jpeg", be16(b, p + 7), be16(b, p + 5)};
    }
    if (m == 0xDA || len < 2) break;  // scan data before any frame header: not decodable
    p += 2 + len;
  }
  truncated("JPEG");
}

ImageHeader tiff_header(Bytes b) {
  bool le = b[0] == 'I';
  auto u16 = [&](size_t o) { return le ? le16(b, o) : be16(b, o); };
  auto u32 = [&](size_t o) { return le ? le32(b, o) : be32(b, o); };
  if (b.size() < 8) truncated("TIFF");
  size_t ifd = u32(4);
  if (ifd + 2 > b.size()) truncated("TIFF");
  uint32_t n = u16(ifd);
  ImageHeader h{"tiff", -1, -1};
  for (uint32_t i = 0; i < n; ++i) {
    size_t e = ifd + 2 + 12 * size_t(i);
    if (e + 12 > b.size()) truncated("TIFF");
    uint32_t tag = u16(e), type = u16(e + 2);
    int64_t v = type == 3 ? u16(e + 8) : type == 4 ? u32(e + 8) : -1;
    if (tag == 256) h.width = v;
    if (tag == 257) h.height = v;
  }
  if (h.width < 0 || h.height < 0) throw Error(ErrorCode::InvalidInput, "corrupt TIFF: no image size in header");
  return h;
}

ImageHeader webp_header(Bytes b) {
  if (b.size() < 30) truncated("WebP");
  if (starts_with(b, "VP8 ", 12)) return {"webp", le16(b, 26) & 0x3FFF, le16(b, 28) & 0x3FFF};
  if (starts_with(b, "VP8L", 12)) {
    uint32_t bits = le32(b, 21);
    return {"webp", int64_t(bits & 0x3FFF) + 1, int64_t((bits >> 14) & 0x3FFF) + 1};
  }
  if (starts_with(b, "VP8X", 12)) return {"webp", int64_t(le24(b, 24)) + 1, int64_t(le24(b, 27)) + 1};
  throw Error(ErrorCode::InvalidInput, "corrupt WebP: unknown chunk");
}

ImageHeader pnm_header(Bytes b) {
  // "P6 <w> <h> ..." with '#' comments (to the end of the line) between tokens. Read exactly as OpenCV's
  // decoder reads it: the byte that ends a number is consumed whatever it is, so in "51115#15151\n8" the height
  // is 15151, not 8 (reading it otherwise let a 774-megapixel image past the pixel limit: fuzz finding).
  size_t p = 2;
  int64_t v[2] = {-1, -1};
  for (auto& out : v) {
    while (p < b.size() && (std::isspace(b[p]) || b[p] == '#')) {
      if (b[p] == '#') {
        while (p < b.size() && b[p] != '\n' && b[p] != '\r') ++p;
        ++p;  // the line end
      } else {
        ++p;
      }
    }
    int64_t x = 0; size_t start = p;
    while (p < b.size() && std::isdigit(b[p]) && p - start < 10) x = x * 10 + (b[p++] - '0');
    if (p == start) truncated("PNM");
    ++p;  // the byte that ended the number
    out = x;
  }
  return {"pnm", v[0], v[1]};
}

/// Offset of the first start-of-scan marker of the main JPEG image (APPn segments, where an EXIF thumbnail
/// with markers of its own may live, are skipped by their lengths); the size when there is none.
size_t jpeg_scan_start(Bytes b) {
  size_t p = 2;
  while (p + 4 <= b.size() && b[p] == 0xFF) {
    uint8_t m = b[p + 1];
    if (m == 0xDA) return p;
    if (m == 0xFF) { ++p; continue; }
    if (m == 0x01 || (m >= 0xD0 && m <= 0xD7)) { p += 2; continue; }
    p += 2 + be16(b, p + 2);
  }
  return b.size();
}

/// JPEG data must hold an end-of-image marker after its scan data, and PNG an IEND chunk; the decoders
/// otherwise return a partially grey image without failing, which would give silently wrong OCR. Data after
/// the end (e.g. the video of a "motion photo") is allowed.
void check_complete(const ImageHeader& h, Bytes b) {
  auto has_after = [&](size_t from, std::initializer_list<unsigned char> seq) {
    return from < b.size() && std::search(b.begin() + static_cast<std::ptrdiff_t>(from), b.end(), seq.begin(), seq.end()) != b.end();
  };
  if (h.format == "jpeg" && !has_after(jpeg_scan_start(b), {0xFF, 0xD9}))
    throw Error(ErrorCode::InvalidInput, "truncated JPEG: end-of-image marker missing");
  if (h.format == "png" && !has_after(8, {'I', 'E', 'N', 'D'})) throw Error(ErrorCode::InvalidInput, "truncated PNG: IEND chunk missing");
}

}  // namespace

std::optional<ImageHeader> read_image_header(Bytes b) {
  if (starts_with(b, "\x89PNG\r\n\x1a\n")) {
    if (b.size() < 24) truncated("PNG");
    return ImageHeader{"png", be32(b, 16), be32(b, 20)};
  }
  if (b.size() >= 3 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF) return jpeg_header(b);
  if (starts_with(b, "BM")) {
    if (b.size() < 26) truncated("BMP");
    if (le32(b, 14) == 12) return ImageHeader{"bmp", le16(b, 18), le16(b, 20)};
    auto h = static_cast<int32_t>(le32(b, 22));
    return ImageHeader{"bmp", static_cast<int32_t>(le32(b, 18)), h < 0 ? -int64_t(h) : h};
  }
  if (starts_with(b, "II*\0") || starts_with(b, std::string_view("MM\0*", 4))) return tiff_header(b);
  if (starts_with(b, "RIFF") && starts_with(b, "WEBP", 8)) return webp_header(b);
  if (b.size() >= 3 && b[0] == 'P' && b[1] >= '1' && b[1] <= '6' && std::isspace(b[2])) return pnm_header(b);
  return std::nullopt;
}

cv::Mat to_bgr8(const cv::Mat& image) {
  cv::Mat img = image;
  if (img.depth() != CV_8U) {
    cv::Mat out;
    if (img.depth() == CV_16U) img.convertTo(out, CV_8U, 1.0 / 257.0);
    else if (img.depth() == CV_32F || img.depth() == CV_64F) {
      double lo, hi;
      cv::minMaxLoc(img.reshape(1), &lo, &hi);
      img.convertTo(out, CV_8U, hi <= 1.0 ? 255.0 : 1.0);  // float images are usually in [0, 1]
    } else cv::normalize(img, out, 0, 255, cv::NORM_MINMAX, CV_8U);
    img = out;
  }
  cv::Mat bgr;
  switch (img.channels()) {
    case 1: cv::cvtColor(img, bgr, cv::COLOR_GRAY2BGR); break;
    case 2: {  // gray + alpha, composited on white like BGRA
      cv::Mat gray(img.size(), CV_8UC1);
      img.forEach<cv::Vec2b>([&](const cv::Vec2b& px, const int* pos) {
        gray.at<uchar>(pos[0], pos[1]) = static_cast<uchar>((px[0] * px[1] + 255 * (255 - px[1]) + 127) / 255);
      });
      cv::cvtColor(gray, bgr, cv::COLOR_GRAY2BGR);
      break;
    }
    case 3: bgr = img; break;
    case 4: {  // composite on white so transparent backgrounds do not turn black
      bgr.create(img.size(), CV_8UC3);
      img.forEach<cv::Vec4b>([&](const cv::Vec4b& px, const int* pos) {
        int a = px[3];
        auto& o = bgr.at<cv::Vec3b>(pos[0], pos[1]);
        for (int c = 0; c < 3; ++c) o[c] = static_cast<uchar>((px[c] * a + 255 * (255 - a) + 127) / 255);
      });
      break;
    }
    default: throw Error(ErrorCode::InvalidInput, "image has " + std::to_string(img.channels()) + " channels; 1-4 are supported");
  }
  return bgr;
}

bool exceeds_pixel_limit(const ImageHeader& h, int64_t max_pixels) {
  // Division instead of width * height: header values up to 2^32 would overflow the product.
  return h.height > 0 && h.width > max_pixels / h.height;
}

ImageHeader check_image(Bytes bytes, int64_t max_pixels, const std::string& name) {
  auto fail = [&](const std::string& why) { throw Error(ErrorCode::InvalidInput, name + ": " + why); };
  if (bytes.empty()) fail("empty file");
  std::optional<ImageHeader> header;
  try {
    header = read_image_header(bytes);
  } catch (const Error& e) {
    fail(e.what());
  }
  if (!header) fail("not an image (supported formats: PNG, JPEG, BMP, TIFF, WebP, PNM)");
  if (header->width <= 0 || header->height <= 0)
    fail("image has zero size (" + std::to_string(header->width) + "x" + std::to_string(header->height) + ")");
  if (exceeds_pixel_limit(*header, max_pixels))
    fail("image is " + std::to_string(header->width) + "x" + std::to_string(header->height) + " = " +
         std::to_string(static_cast<double>(header->width) * static_cast<double>(header->height)) +
         " pixels, above the limit of " + std::to_string(max_pixels) + " (raise max_image_pixels to allow it)");
  try {
    check_complete(*header, bytes);
  } catch (const Error& e) {
    fail(e.what());
  }
  return *header;
}

cv::Mat decode_image(Bytes bytes, int64_t max_pixels, const std::string& name) {
  auto fail = [&](const std::string& why) { throw Error(ErrorCode::InvalidInput, name + ": " + why); };
  const ImageHeader header = check_image(bytes, max_pixels, name);
  // JPEG: IMREAD_COLOR applies the EXIF orientation; other formats keep alpha/depth for to_bgr8.
  int flags = header.format == "jpeg" ? cv::IMREAD_COLOR : cv::IMREAD_UNCHANGED;
  cv::Mat raw;
  try {
    raw = cv::imdecode(cv::Mat(1, static_cast<int>(bytes.size()), CV_8U, const_cast<unsigned char*>(bytes.data())), flags);
  } catch (const cv::Exception& e) {
    fail(std::string("corrupt ") + header.format + " data (" + e.err + ")");
  }
  if (raw.empty()) fail("corrupt or truncated " + header.format + " data");
  if (int64_t(raw.total()) > max_pixels) fail("decoded image exceeds max_image_pixels");
  return to_bgr8(raw);
}

std::vector<unsigned char> read_file(const std::filesystem::path& path, std::uintmax_t max_bytes) {
  std::error_code ec;
  auto st = std::filesystem::status(path, ec);
  if (ec || !std::filesystem::exists(st)) throw Error(ErrorCode::InvalidInput, path.string() + ": no such file");
  if (!std::filesystem::is_regular_file(st)) throw Error(ErrorCode::InvalidInput, path.string() + ": not a regular file");
  auto size = std::filesystem::file_size(path, ec);
  if (ec) throw Error(ErrorCode::InvalidInput, path.string() + ": cannot stat (" + ec.message() + ")");
  if (size == 0) throw Error(ErrorCode::InvalidInput, path.string() + ": empty file");
  if (size > max_bytes)
    throw Error(ErrorCode::InvalidInput, path.string() + ": file is " + std::to_string(size) + " bytes, above the limit of " +
                                             std::to_string(max_bytes));
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(ErrorCode::InvalidInput, path.string() + ": cannot open for reading (permission denied?)");
  std::vector<unsigned char> data(size);
  if (size && !in.read(reinterpret_cast<char*>(data.data()), static_cast<std::streamsize>(size)))
    throw Error(ErrorCode::InvalidInput, path.string() + ": read failed");
  return data;
}

}  // namespace hpocr
