// Safe image decoding: header sniffing, size limits, truncation, conversion to 8-bit BGR, reading files.
#include <gtest/gtest.h>

#include <opencv2/imgcodecs.hpp>

#include "hpocr/image_decode.h"
#include "unit/unit_helpers.h"

namespace hpocr {
namespace {

using test::encode;
using test::throws_error;
using Bytes = std::vector<unsigned char>;

auto decoding(Bytes bytes, int64_t max_pixels = 1'000'000) {
  return [bytes = std::move(bytes), max_pixels] { decode_image(bytes, max_pixels, "x"); };
}

/// A valid PNG whose IHDR claims width x height (the pixel data stays that of a small image).
Bytes png_claiming(uint32_t width, uint32_t height) {
  Bytes png = encode(cv::Mat(40, 60, CV_8UC3, cv::Scalar(1, 2, 3)), ".png");
  for (int i = 0; i < 4; ++i) {
    png[16 + i] = static_cast<unsigned char>(width >> (24 - 8 * i));
    png[20 + i] = static_cast<unsigned char>(height >> (24 - 8 * i));
  }
  return png;
}

TEST(ImageHeader, ReadsFormatAndSizeOfCommonFormats) {
  cv::Mat img(37, 53, CV_8UC3, cv::Scalar(1, 2, 3));
  for (auto [ext, fmt] : {std::pair{".png", "png"}, {".jpg", "jpeg"}, {".bmp", "bmp"}, {".tiff", "tiff"}, {".webp", "webp"},
                          {".ppm", "pnm"}}) {
    auto h = read_image_header(encode(img, ext));
    ASSERT_TRUE(h) << ext;
    EXPECT_EQ(h->format, fmt);
    EXPECT_EQ(h->width, 53) << ext;
    EXPECT_EQ(h->height, 37) << ext;
  }
  Bytes text = {'h', 'e', 'l', 'l', 'o'};
  EXPECT_FALSE(read_image_header(text));
}

TEST(ImageHeader, TruncatedHeadersOfKnownFormatsThrow) {
  cv::Mat img(37, 53, CV_8UC3, cv::Scalar(1, 2, 3));
  for (const char* ext : {".png", ".jpg", ".bmp", ".tiff", ".webp"}) {
    Bytes full = encode(img, ext), head(full.begin(), full.begin() + 12);
    EXPECT_TRUE(throws_error([&] { read_image_header(head); }, ErrorCode::InvalidInput, "truncated")) << ext;
  }
}

TEST(ImageHeader, LossyWebpUsesTheVp8FrameHeader) {
  Bytes webp;
  ASSERT_TRUE(cv::imencode(".webp", cv::Mat(37, 53, CV_8UC3, cv::Scalar(1, 2, 3)), webp, {cv::IMWRITE_WEBP_QUALITY, 80}));
  ASSERT_EQ(std::string(webp.begin() + 12, webp.begin() + 16), "VP8 ");
  auto h = read_image_header(webp);
  ASSERT_TRUE(h);
  EXPECT_EQ(h->width, 53);
  EXPECT_EQ(h->height, 37);
}

TEST(ImageHeader, BigEndianTiffWithShortWidthAndLongHeight) {
  // "MM", 42, first IFD at 8; two entries: ImageWidth SHORT 53, ImageLength LONG 70000.
  Bytes tiff = {'M', 'M', 0, 42, 0, 0, 0, 8, 0, 2,
                0x01, 0x00, 0, 3, 0, 0, 0, 1, 0, 53, 0, 0,
                0x01, 0x01, 0, 4, 0, 0, 0, 1, 0, 0x01, 0x11, 0x70};
  auto h = read_image_header(tiff);
  ASSERT_TRUE(h);
  EXPECT_EQ(h->format, "tiff");
  EXPECT_EQ(h->width, 53);
  EXPECT_EQ(h->height, 70000);
}

TEST(ImageHeader, TopDownBmpReportsAPositiveHeight) {
  Bytes bmp = encode(cv::Mat(37, 53, CV_8UC3, cv::Scalar(1, 2, 3)), ".bmp");
  const int32_t top_down = -37;
  for (int i = 0; i < 4; ++i) bmp[22 + i] = static_cast<unsigned char>(static_cast<uint32_t>(top_down) >> (8 * i));
  auto h = read_image_header(bmp);
  ASSERT_TRUE(h);
  EXPECT_EQ(h->height, 37);
}

TEST(ImageHeader, PnmCommentsAreSkipped) {
  std::string pgm = "P5\n# made by hand\n7 9\n255\n" + std::string(7 * 9, '\x80');
  Bytes bytes(pgm.begin(), pgm.end());
  auto h = read_image_header(bytes);
  ASSERT_TRUE(h);
  EXPECT_EQ(h->format, "pnm");
  EXPECT_EQ(h->width, 7);
  EXPECT_EQ(h->height, 9);
  cv::Mat m = decode_image(bytes, 1000, "hand.pgm");
  EXPECT_EQ(m.size(), cv::Size(7, 9));
  EXPECT_EQ(m.at<cv::Vec3b>(4, 3), cv::Vec3b(128, 128, 128));
}

TEST(ImageHeader, PnmSizeIsReadAsTheDecoderReadsIt) {
  // OpenCV consumes the byte that ends a number, so a '#' glued to the width does not start a comment: the
  // height is 15151. The header must say the same, or the pixel limit is checked against the wrong size.
  std::string ppm = "P6\n51115#15151\n8 255\n" + std::string(64, '\x10');
  Bytes bytes(ppm.begin(), ppm.end());
  auto h = read_image_header(bytes);
  ASSERT_TRUE(h);
  EXPECT_EQ(h->width, 51115);
  EXPECT_EQ(h->height, 15151);
  EXPECT_TRUE(throws_error([&] { decode_image(bytes, 100'000'000, "glued.ppm"); }, ErrorCode::InvalidInput, "above the limit"));
  // Comments may end with a carriage return, as for OpenCV.
  std::string pgm = "P5 # windows\r7 9\n255\n" + std::string(7 * 9, '\x80');
  auto h2 = read_image_header(Bytes(pgm.begin(), pgm.end()));
  ASSERT_TRUE(h2);
  EXPECT_EQ(h2->width, 7);
  EXPECT_EQ(h2->height, 9);
}

TEST(DecodeImage, RefusesBadDataWithClearMessages) {
  cv::Mat img(40, 60, CV_8UC3, cv::Scalar(200, 100, 50));
  auto png = encode(img, ".png"), jpg = encode(img, ".jpg");
  EXPECT_TRUE(throws_error(decoding({}), ErrorCode::InvalidInput, "empty"));
  EXPECT_TRUE(throws_error(decoding({'n', 'o', 'p', 'e'}), ErrorCode::InvalidInput, "not an image"));
  EXPECT_TRUE(throws_error(decoding({png.begin(), png.begin() + png.size() / 2}), ErrorCode::InvalidInput, "truncated PNG"));
  EXPECT_TRUE(throws_error(decoding({jpg.begin(), jpg.begin() + jpg.size() / 2}), ErrorCode::InvalidInput, "truncated JPEG"));
  EXPECT_TRUE(throws_error(decoding({png.begin(), png.begin() + 20}), ErrorCode::InvalidInput, "truncated"));
  EXPECT_TRUE(throws_error(decoding(png_claiming(30000, 30000)), ErrorCode::InvalidInput, "above the limit of 1000000"));
}

TEST(DecodeImage, ZeroSizedImagesAreRefused) {
  EXPECT_TRUE(throws_error(decoding(png_claiming(0, 0)), ErrorCode::InvalidInput, "zero size"));
  EXPECT_TRUE(throws_error(decoding(png_claiming(60, 0)), ErrorCode::InvalidInput, "zero size"));
}

// Regression: width * height of a PNG claiming 0xFFFFFFFF x 0xFFFFFFFF used to overflow int64_t and slip
// past the pixel limit.
TEST(DecodeImage, HugeDimensionsCannotOverflowPastThePixelLimit) {
  EXPECT_TRUE(throws_error(decoding(png_claiming(0xFFFFFFFFu, 0xFFFFFFFFu)), ErrorCode::InvalidInput, "above the limit"));
}

// Regression: the end markers used to be searched only in the last 4096 bytes, refusing complete images with
// trailing data. Real case: "motion photo" JPEGs (Google Pixel, Samsung) append an MP4 video after the EOI.
TEST(DecodeImage, DataAfterTheEndOfTheImageIsIgnored) {
  cv::Mat img(40, 60, CV_8UC3, cv::Scalar(200, 100, 50));
  for (const char* ext : {".jpg", ".png"}) {
    Bytes bytes = encode(img, ext);
    bytes.insert(bytes.end(), 8192, 0x00);
    cv::Mat out;
    EXPECT_NO_THROW(out = decode_image(bytes, 1 << 20, ext)) << ext;
    EXPECT_EQ(out.size(), img.size()) << ext;
  }
}

TEST(DecodeImage, PixelLimitIsInclusiveAndErrorsNameTheInput) {
  auto png = encode(cv::Mat(40, 60, CV_8UC3, cv::Scalar(9, 8, 7)), ".png");
  EXPECT_EQ(decode_image(png, 2400, "ok").size(), cv::Size(60, 40));
  EXPECT_TRUE(throws_error([&] { decode_image(png, 2399, "scan-7.png"); }, ErrorCode::InvalidInput, "scan-7.png: image is 60x40"));
}

TEST(DecodeImage, TinyImagesDecode) {
  // Legal images (the pipeline gives them an empty result); only zero sizes are refused.
  EXPECT_EQ(decode_image(encode(cv::Mat(3, 100, CV_8UC3), ".png"), 1000, "x").size(), cv::Size(100, 3));
  EXPECT_EQ(decode_image(encode(cv::Mat(1, 1, CV_8UC3), ".png"), 100, "x").size(), cv::Size(1, 1));
  EXPECT_EQ(decode_image(encode(cv::Mat(4, 4, CV_8UC3), ".png"), 100, "x").size(), cv::Size(4, 4));
}

TEST(DecodeImage, EveryFormatDecodesToBgr8) {
  cv::Mat img(24, 32, CV_8UC3, cv::Scalar(30, 120, 210));
  img(cv::Rect(0, 0, 16, 24)).setTo(cv::Scalar(250, 10, 90));
  for (auto [ext, tolerance] : {std::pair{".png", 0}, {".bmp", 0}, {".tiff", 0}, {".webp", 0}, {".ppm", 0}, {".jpg", 12}}) {
    cv::Mat out = decode_image(encode(img, ext), 1 << 20, ext);
    ASSERT_EQ(out.type(), CV_8UC3) << ext;
    ASSERT_EQ(out.size(), img.size()) << ext;
    // Away from the colour edge, where JPEG's chroma subsampling blurs.
    for (cv::Rect r : {cv::Rect(0, 0, 12, 24), cv::Rect(20, 0, 12, 24)})
      EXPECT_LE(cv::norm(out(r), img(r), cv::NORM_INF), tolerance) << ext;
  }
}

TEST(DecodeImage, ConvertsGrayAlphaAndSixteenBitToBgr8) {
  cv::Mat gray(20, 30, CV_8UC1, cv::Scalar(77));
  cv::Mat bgra(20, 30, CV_8UC4, cv::Scalar(0, 0, 0, 0));  // fully transparent black
  cv::Mat deep(20, 30, CV_16UC3, cv::Scalar(65535, 0, 0));
  cv::Mat g = decode_image(encode(gray, ".png"), 1 << 20, "g");
  EXPECT_EQ(g.type(), CV_8UC3);
  EXPECT_EQ(g.at<cv::Vec3b>(5, 5), cv::Vec3b(77, 77, 77));
  EXPECT_EQ(decode_image(encode(bgra, ".png"), 1 << 20, "a").at<cv::Vec3b>(5, 5), cv::Vec3b(255, 255, 255));
  EXPECT_EQ(decode_image(encode(deep, ".png"), 1 << 20, "d").at<cv::Vec3b>(5, 5), cv::Vec3b(255, 0, 0));
}

TEST(DecodeImage, HalfTransparentPixelsAreBlendedOnWhite) {
  cv::Mat bgra(20, 30, CV_8UC4, cv::Scalar(0, 0, 255, 128));  // red at alpha 128
  cv::Vec3b px = decode_image(encode(bgra, ".png"), 1 << 20, "a").at<cv::Vec3b>(5, 5);
  EXPECT_NEAR(px[0], 127, 1);
  EXPECT_NEAR(px[1], 127, 1);
  EXPECT_EQ(px[2], 255);
}

TEST(ToBgr8, ScalesFloatAndSixteenBitImages) {
  EXPECT_EQ(to_bgr8(cv::Mat(4, 4, CV_32FC1, cv::Scalar(0.25))).at<cv::Vec3b>(1, 1), cv::Vec3b(64, 64, 64));  // [0, 1] * 255
  EXPECT_EQ(to_bgr8(cv::Mat(4, 4, CV_32FC3, cv::Scalar(200, 10, 3))).at<cv::Vec3b>(1, 1), cv::Vec3b(200, 10, 3));
  EXPECT_EQ(to_bgr8(cv::Mat(4, 4, CV_16UC1, cv::Scalar(257 * 100))).at<cv::Vec3b>(1, 1), cv::Vec3b(100, 100, 100));
}

TEST(ReadFile, MissingFilesAndDirectoriesAreInvalidInput) {
  EXPECT_TRUE(throws_error([] { read_file("/nonexistent/file.png"); }, ErrorCode::InvalidInput, "no such file"));
  EXPECT_TRUE(throws_error([] { read_file(test::temp_dir("dir")); }, ErrorCode::InvalidInput, "not a regular file"));
}

TEST(ReadFile, ReturnsTheBytesUpToTheSizeLimit) {
  auto path = test::temp_dir("read") / "data.bin";
  test::write_text(path, std::string("a\0b\xff", 4));
  EXPECT_EQ(read_file(path), (Bytes{'a', 0, 'b', 0xff}));
  EXPECT_EQ(read_file(path, 4).size(), 4u);
  EXPECT_TRUE(throws_error([&] { read_file(path, 3); }, ErrorCode::InvalidInput, "above the limit of 3"));
}

// Regression: read_file used to return an empty vector for an empty file, against its documented contract.
TEST(ReadFile, EmptyFileIsInvalidInput) {
  auto path = test::temp_dir("read") / "empty.png";
  test::write_text(path, "");
  EXPECT_TRUE(throws_error([&] { read_file(path); }, ErrorCode::InvalidInput, "empty"));
}

}  // namespace
}  // namespace hpocr

namespace hpocr {
namespace {

// An end-of-image marker inside an EXIF thumbnail (APP1, before the main scan) must not make a truncated
// main image look complete.
TEST(DecodeImage, ThumbnailEndMarkerDoesNotHideATruncatedMainImage) {
  std::vector<unsigned char> jpg;
  cv::imencode(".jpg", cv::Mat(40, 60, CV_8UC3, cv::Scalar(10, 200, 30)), jpg);
  // APP1 segment holding a fake thumbnail that ends with FF D9, inserted after SOI.
  std::vector<unsigned char> app1 = {0xFF, 0xE1, 0x00, 0x0A, 'E', 'x', 'i', 'f', 0xFF, 0xD8, 0xFF, 0xD9};
  jpg.insert(jpg.begin() + 2, app1.begin(), app1.end());
  std::vector<unsigned char> cut(jpg.begin(), jpg.begin() + static_cast<std::ptrdiff_t>(jpg.size() * 2 / 3));
  try {
    decode_image(cut, 1'000'000, "thumb.jpg");
    ADD_FAILURE() << "a truncated JPEG with a complete thumbnail was accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("truncated JPEG"), std::string::npos) << e.what();
  }
  EXPECT_NO_THROW(decode_image(jpg, 1'000'000, "thumb.jpg"));
}

}  // namespace
}  // namespace hpocr
