// Image decoding limits, option validation and parsing.
#include <gtest/gtest.h>

#include <cmath>

#include <opencv2/imgcodecs.hpp>

#include "cli.h"
#include "core/device.h"
#include "core/image_decode.h"
#include "hpocr/error.h"
#include "models/preprocess.h"
#include "models/text_detector.h"

namespace hpocr {
namespace {

std::vector<unsigned char> encode(const cv::Mat& m, const std::string& ext) {
  std::vector<unsigned char> b;
  cv::imencode(ext, m, b);
  return b;
}

void expect_error(const std::function<void()>& f, ErrorCode code, const std::string& needle) {
  try {
    f();
    ADD_FAILURE() << "no error; expected one mentioning " << needle;
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), code) << e.what();
    EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
  }
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
  std::vector<unsigned char> text = {'h', 'e', 'l', 'l', 'o'};
  EXPECT_FALSE(read_image_header(text));
}

TEST(DecodeImage, RefusesBadDataWithClearMessages) {
  cv::Mat img(40, 60, CV_8UC3, cv::Scalar(200, 100, 50));
  auto png = encode(img, ".png"), jpg = encode(img, ".jpg");
  auto decode = [](std::vector<unsigned char> b) { return [b] { decode_image(b, 1'000'000, "x"); }; };
  expect_error(decode({}), ErrorCode::InvalidInput, "empty");
  expect_error(decode({'n', 'o', 'p', 'e'}), ErrorCode::InvalidInput, "not an image");
  expect_error(decode({png.begin(), png.begin() + png.size() / 2}), ErrorCode::InvalidInput, "truncated PNG");
  expect_error(decode({jpg.begin(), jpg.begin() + jpg.size() / 2}), ErrorCode::InvalidInput, "truncated JPEG");
  expect_error(decode({png.begin(), png.begin() + 20}), ErrorCode::InvalidInput, "truncated");
  auto huge = png;  // IHDR claims 30000 x 30000
  for (int k : {16, 20}) huge[k] = 0, huge[k + 1] = 0, huge[k + 2] = 0x75, huge[k + 3] = 0x30;
  expect_error(decode(huge), ErrorCode::InvalidInput, "above the limit");
  expect_error(decode(encode(cv::Mat(1, 1, CV_8UC3), ".png")), ErrorCode::InvalidInput, "at least");
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

TEST(ReadFile, MissingFilesAndDirectoriesAreInvalidInput) {
  expect_error([] { read_file("/nonexistent/file.png"); }, ErrorCode::InvalidInput, "no such file");
  expect_error([] { read_file("/tmp"); }, ErrorCode::InvalidInput, "not a regular file");
}

TEST(Options, DefaultsAreValidAndEveryBadValueIsNamed) {
  EXPECT_NO_THROW(OcrOptions{}.validate());
  auto bad = [](const std::function<void(OcrOptions&)>& change, const std::string& name) {
    OcrOptions o;
    change(o);
    expect_error([&] { o.validate(); }, ErrorCode::InvalidArgument, name);
  };
  bad([](auto& o) { o.text_det.thresh = -0.1f; }, "text_det_thresh");
  bad([](auto& o) { o.text_det.box_thresh = 1.5f; }, "text_det_box_thresh");
  bad([](auto& o) { o.text_det.unclip_ratio = std::nanf(""); }, "text_det_unclip_ratio");
  bad([](auto& o) { o.text_det.limit_type = "foo"; }, "text_det_limit_type");
  bad([](auto& o) { o.text_det.limit_side_len = 0; }, "text_det_limit_side_len");
  bad([](auto& o) { o.text_recognition_batch_size = 0; }, "text_recognition_batch_size");
  bad([](auto& o) { o.cpu_threads = -1; }, "cpu_threads");
  bad([](auto& o) { o.device = "tpu"; }, "device");
  bad([](auto& o) { o.device = "gpu:x"; }, "device");
  bad([](auto& o) { o.text_rec_score_thresh = 2; }, "text_rec_score_thresh");
}

TEST(Device, ParsesCpuAndGpu) {
  EXPECT_EQ(Device::parse("cpu").str(), "cpu");
  EXPECT_EQ(Device::parse("gpu").str(), "gpu:0");
  EXPECT_EQ(Device::parse("gpu:3").id, 3);
  EXPECT_THROW(Device::parse("cpu:1"), Error);
  EXPECT_THROW(Device::parse("gpu:"), Error);
}

TEST(Cli, ParseBoolAcceptsPaddleStyleValues) {
  for (const char* t : {"True", "true", "TRUE", "1", "yes", "on"}) EXPECT_TRUE(cli::parse_bool(t)) << t;
  for (const char* f : {"False", "false", "0", "no", "off"}) EXPECT_FALSE(cli::parse_bool(f)) << f;
  EXPECT_THROW(cli::parse_bool("maybe"), std::invalid_argument);
  EXPECT_THROW(cli::parse_bool(""), std::invalid_argument);
}

TEST(DetInputSize, FollowsDetResizeForTest) {
  TextDetParams p;  // min, 64, cap 4000
  EXPECT_EQ(det_input_size({100, 50}, p), cv::Size(128, 64));  // short side 50 -> 64: 128x64
  // Python's round() is half-to-even: 2000/32 = 62.5 -> 62 -> 1984.
  EXPECT_EQ(det_input_size({1600, 2000}, p), cv::Size(1600, 1984));
  EXPECT_EQ(det_input_size({1600, 2100}, p), cv::Size(1600, 2112));  // 65.6 -> 66
  EXPECT_EQ(det_input_size({10000, 1000}, p), cv::Size(4000, 384));  // capped: 400 / 32 = 12.5 -> 12
  p.limit_type = "max";
  p.limit_side_len = 960;
  EXPECT_EQ(det_input_size({1920, 1080}, p), cv::Size(960, 544));
  EXPECT_EQ(det_input_size({5, 5}, p), cv::Size(32, 32));
}

TEST(YamlFloat, ReadsPaddleXExpressions) {
  EXPECT_FLOAT_EQ(yaml_float(YAML::Load("1./255."), "scale"), 1.f / 255.f);
  EXPECT_FLOAT_EQ(yaml_float(YAML::Load("0.5"), "x"), 0.5f);
  EXPECT_THROW(yaml_float(YAML::Load("abc"), "x"), Error);
  EXPECT_THROW(yaml_float(YAML::Load("1/0"), "x"), Error);
}

}  // namespace
}  // namespace hpocr
