#include "support/bad_inputs.h"
#include "support/pdf_writer.h"

#include <random>
#include <stdexcept>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

namespace hpocr::test {
namespace {

using Bytes = std::vector<unsigned char>;

Bytes encode(const cv::Mat& image, const std::string& ext, const std::vector<int>& params = {}) {
  Bytes out;
  if (!cv::imencode(ext, image, out, params)) throw std::runtime_error("cannot encode " + ext);
  return out;
}

/// A small image with text-like strokes, so that a decodable bit-flipped copy still goes through detection.
cv::Mat sample() {
  cv::Mat img(48, 160, CV_8UC3, cv::Scalar(255, 255, 255));
  cv::putText(img, "Bad 42", {8, 36}, cv::FONT_HERSHEY_SIMPLEX, 1.0, cv::Scalar(0, 0, 0), 2);
  return img;
}

void put_be16(Bytes& b, size_t o, uint32_t v) { b.at(o) = uint8_t(v >> 8); b.at(o + 1) = uint8_t(v); }
void put_be32(Bytes& b, size_t o, uint32_t v) { put_be16(b, o, v >> 16); put_be16(b, o + 2, v & 0xFFFF); }
void put_le16(Bytes& b, size_t o, uint32_t v) { b.at(o) = uint8_t(v); b.at(o + 1) = uint8_t(v >> 8); }
void put_le32(Bytes& b, size_t o, uint32_t v) { put_le16(b, o, v & 0xFFFF); put_le16(b, o + 2, v >> 16); }
uint32_t le16(const Bytes& b, size_t o) { return b.at(o) | (uint32_t(b.at(o + 1)) << 8); }
uint32_t le32(const Bytes& b, size_t o) { return le16(b, o) | (le16(b, o + 2) << 16); }

/// Rewrites the width and height an encoded image declares (the pixel data stays as it was).
Bytes with_size(Bytes b, const std::string& fmt, uint32_t w, uint32_t h) {
  if (fmt == "png") {
    put_be32(b, 16, w);
    put_be32(b, 20, h);
  } else if (fmt == "jpeg") {
    for (size_t p = 2; p + 9 < b.size();) {  // walk the segments to the baseline frame header
      uint8_t m = b[p + 1];
      if (m == 0xC0) {
        put_be16(b, p + 5, h);
        put_be16(b, p + 7, w);
        return b;
      }
      p += 2 + ((uint32_t(b[p + 2]) << 8) | b[p + 3]);
    }
    throw std::runtime_error("no SOF0 in the JPEG");
  } else if (fmt == "bmp") {
    put_le32(b, 18, w);
    put_le32(b, 22, h);
  } else if (fmt == "tiff") {  // little-endian TIFF as OpenCV writes it: patch tags 256/257 in the first IFD
    size_t ifd = le32(b, 4);
    for (uint32_t i = 0, n = le16(b, ifd); i < n; ++i) {
      size_t e = ifd + 2 + 12 * i;
      uint32_t tag = le16(b, e), type = le16(b, e + 2);
      if (tag != 256 && tag != 257) continue;
      uint32_t v = tag == 256 ? w : h;
      if (type == 3) put_le16(b, e + 8, std::min<uint32_t>(v, 0xFFFF));
      else put_le32(b, e + 8, v);
    }
  } else if (fmt == "webp") {  // lossy VP8: 14-bit sizes in the key frame header
    put_le16(b, 26, std::min<uint32_t>(w, 0x3FFF));
    put_le16(b, 28, std::min<uint32_t>(h, 0x3FFF));
  }
  return b;
}

Bytes flip_bits(Bytes b, unsigned seed, int flips) {
  std::mt19937 rng(seed);
  size_t from = std::min<size_t>(64, b.size() / 4);  // keep the signature, so the decoder is reached
  std::uniform_int_distribution<size_t> pos(from, b.size() - 1);
  for (int i = 0; i < flips; ++i) b[pos(rng)] ^= uint8_t(1u << (rng() % 8));
  return b;
}

Bytes prefix(const Bytes& b, size_t n) { return Bytes(b.begin(), b.begin() + static_cast<std::ptrdiff_t>(std::min(n, b.size()))); }
Bytes text(const std::string& s) { return Bytes(s.begin(), s.end()); }

}  // namespace

std::vector<BadImage> bad_image_corpus() {
  std::vector<BadImage> out;
  auto add = [&](std::string name, std::string ext, Bytes bytes, bool must_fail = true) {
    out.push_back({std::move(name), std::move(ext), std::move(bytes), must_fail});
  };
  const cv::Mat img = sample();
  const cv::Mat one(1, 1, CV_8UC3, cv::Scalar(0, 0, 0));
  struct Format {
    std::string name, ext;
    bool checks_end;  // the decoder path refuses data with a missing end (JPEG EOI, PNG IEND)
  };
  const Format formats[] = {{"png", ".png", true}, {"jpeg", ".jpg", true}, {"bmp", ".bmp", false},
                            {"tiff", ".tif", false}, {"webp", ".webp", false}};
  for (const auto& f : formats) {
    // WebP quality < 100 selects the lossy (VP8) coder, whose header with_size() knows; 100 would be lossless.
    const std::vector<int> params = f.name == "webp" ? std::vector<int>{cv::IMWRITE_WEBP_QUALITY, 90} : std::vector<int>{};
    const Bytes good = encode(img, f.ext, params);
    add(f.name + "_header_only", f.ext, prefix(good, 12));
    add(f.name + "_truncated_half", f.ext, prefix(good, good.size() / 2), f.checks_end);
    add(f.name + "_truncated_tail", f.ext, prefix(good, good.size() - (f.name == "png" ? 12 : 2)), f.checks_end);
    for (unsigned seed : {1u, 2u, 3u}) add(f.name + "_bitflip_" + std::to_string(seed), f.ext, flip_bits(good, seed, 8), false);
    Bytes magic = good;
    magic[0] ^= 0x01;
    add(f.name + "_bad_magic", f.ext, magic);
    add(f.name + "_65535x65535_header", f.ext, with_size(good, f.name, 65535, 65535));
    add(f.name + "_zero_width", f.ext, with_size(good, f.name, 0, 48));
    add(f.name + "_1x1", f.ext, encode(one, f.ext, params), false);  // legal: no text in it
  }
  // Decompression bombs: a few KB that decode to 2000x2000 = 4 M pixels (above kCorpusMaxPixels).
  const cv::Mat blank(2000, 2000, CV_8UC1, cv::Scalar(0));
  add("png_bomb_2000x2000", ".png", encode(blank, ".png", {cv::IMWRITE_PNG_COMPRESSION, 9}));
  add("jpeg_bomb_2000x2000", ".jpg", encode(blank, ".jpg", {cv::IMWRITE_JPEG_QUALITY, 10}));
  add("png_2x300_thin", ".png", encode(cv::Mat(300, 2, CV_8UC3, cv::Scalar(0, 0, 0)), ".png"), false);
  add("pnm_huge_header", ".ppm", text("P6\n99999 99999\n255\n"));
  add("pnm_header_only", ".ppm", text("P6\n"));
  add("jpeg_scan_before_frame", ".jpg", Bytes{0xFF, 0xD8, 0xFF, 0xDA, 0x00, 0x08, 1, 2, 3, 4, 5, 6, 0xFF, 0xD9});
  add("jpeg_segment_length_1", ".jpg", Bytes{0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x01, 0, 0, 0, 0, 0xFF, 0xD9});
  add("png_signature_only", ".png", prefix(encode(img, ".png"), 8));
  // Not images at all.
  add("empty", ".png", {});
  add("plain_text", ".png", text("hello, this is not an image\n"));
  add("html", ".jpg", text("<!doctype html><html><body>404</body></html>"));
  add("pdf_bytes", ".png", text("%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"));
  // PDFs. Poppler repairs damaged files the way viewers do, so a truncated or bit-flipped PDF may still give
  // a (partial) page: only a clean result or a clean error is asked of those.
  const Bytes pdf = make_pdf({img});
  add("pdf_header_only", ".pdf", text("%PDF-1.4\n"));
  add("pdf_truncated_head", ".pdf", prefix(pdf, 40));
  add("pdf_truncated_half", ".pdf", prefix(pdf, pdf.size() / 2), false);
  for (unsigned seed : {1u, 2u}) add("pdf_bitflip_" + std::to_string(seed), ".pdf", flip_bits(pdf, seed, 8), false);
  add("pdf_no_pages", ".pdf", text("%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
                                   "2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n"
                                   "trailer << /Root 1 0 R >>\n%%EOF\n"));
  add("pdf_14400pt_page", ".pdf", make_blank_pdf(14400, 14400));  // 28800x28800 pixels at 144 DPI
  add("pdf_zero_size_page", ".pdf", make_blank_pdf(0, 0), false);  // poppler falls back to a Letter page
  add("gif", ".png", text("GIF89a\x10\x00\x10\x00\x80\x00\x00"));
  add("elf", ".bmp", Bytes{0x7F, 'E', 'L', 'F', 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0});
  Bytes noise(4096);
  std::mt19937 rng(7);
  for (auto& b : noise) b = static_cast<unsigned char>(rng());
  noise[0] = 0;  // no accidental signature
  add("random_4k", ".tif", noise);
  add("utf16_text", ".png", Bytes{0xFF, 0xFE, 'h', 0, 'i', 0});
  return out;
}

}  // namespace hpocr::test
