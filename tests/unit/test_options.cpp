// Option validation, device strings, CLI booleans and the detector input size (DetResizeForTest).
#include <gtest/gtest.h>

#include <cmath>

#include <nlohmann/json.hpp>

#include "cli.h"
#include "hpocr/device.h"
#include "hpocr/parameters.h"
#include "models/text_detector.h"
#include "unit/unit_helpers.h"

namespace hpocr {
namespace {

using test::throws_error;

/// Success when validating options changed by `change` fails with InvalidArgument naming `name`.
template <typename Options>
testing::AssertionResult rejected(const std::function<void(Options&)>& change, const std::string& name) {
  Options o;
  change(o);
  return throws_error([&] { o.validate(); }, ErrorCode::InvalidArgument, name);
}

TEST(Options, DefaultsAreValidAndEveryBadValueIsNamed) {
  EXPECT_NO_THROW(OcrOptions{}.validate());
  using Change = std::function<void(OcrOptions&)>;
  const std::vector<std::pair<Change, std::string>> cases = {
      {[](auto& o) { o.text_det.thresh = -0.1f; }, "text_det_thresh"},
      {[](auto& o) { o.text_det.box_thresh = 1.5f; }, "text_det_box_thresh"},
      {[](auto& o) { o.text_det.unclip_ratio = std::nanf(""); }, "text_det_unclip_ratio"},
      {[](auto& o) { o.text_det.limit_side_len = 0; }, "text_det_limit_side_len"},
      {[](auto& o) { o.text_recognition_batch_size = -1; }, "text_recognition_batch_size"},
      {[](auto& o) { o.textline_orientation_batch_size = 0; }, "textline_orientation_batch_size"},
      {[](auto& o) { o.cpu_threads = -1; }, "cpu_threads"},
      {[](auto& o) { o.cpu_threads = 1025; }, "cpu_threads"},
      {[](auto& o) { o.device = "tpu"; }, "device"},
      {[](auto& o) { o.device = "gpu:x"; }, "device"},
      {[](auto& o) { o.text_rec_score_thresh = 2; }, "text_rec_score_thresh"},
      {[](auto& o) { o.max_image_pixels = 0; }, "max_image_pixels"},
      {[](auto& o) { o.hpi_config.backend = "foo"; }, "backend 'foo'"},
      {[](auto& o) { o.module_hpi_config["TextDetector"] = {}; }, "module_hpi_config"},
      {[](auto& o) { o.module_hpi_config["TextRecognition"].backend = "bar"; }, "backend 'bar'"},
  };
  for (const auto& [change, name] : cases) EXPECT_TRUE(rejected(change, name)) << name;
}

TEST(Options, TextDetParamsRejectEachOutOfRangeValue) {
  EXPECT_NO_THROW(TextDetParams{}.validate());
  using Change = std::function<void(TextDetParams&)>;
  const std::vector<std::pair<Change, std::string>> cases = {
      {[](auto& p) { p.thresh = std::nanf(""); }, "text_det_thresh"},
      {[](auto& p) { p.thresh = 1.01f; }, "text_det_thresh"},
      {[](auto& p) { p.box_thresh = -0.01f; }, "text_det_box_thresh"},
      {[](auto& p) { p.box_thresh = INFINITY; }, "text_det_box_thresh"},
      {[](auto& p) { p.unclip_ratio = 0.f; }, "text_det_unclip_ratio"},
      {[](auto& p) { p.unclip_ratio = 10.5f; }, "text_det_unclip_ratio"},
      {[](auto& p) { p.limit_side_len = 16385; }, "text_det_limit_side_len"},
      {[](auto& p) { p.max_side_limit = 31; }, "text_det_max_side_limit"},
      {[](auto& p) { p.max_candidates = 0; }, "max_candidates"},
  };
  for (const auto& [change, name] : cases) EXPECT_TRUE(rejected(change, name)) << name;
}

TEST(Options, LimitTypeIsOneOfThreeNames) {
  // An enum now: a bad name is refused where text becomes the value (the table's choices, parse_limit_type).
  const ParamSpec& spec = *find_parameter("text_det_limit_type");
  for (const char* bad : {"foo", "MIN", ""}) {
    EXPECT_TRUE(throws_error([&] { check_param(spec, std::string(bad)); }, ErrorCode::InvalidArgument, "text_det_limit_type")) << bad;
    EXPECT_TRUE(throws_error([&] { parse_limit_type(bad); }, ErrorCode::InvalidArgument, "'min', 'max' or 'resize_long'")) << bad;
  }
  for (LimitType t : {LimitType::Min, LimitType::Max, LimitType::ResizeLong}) EXPECT_EQ(parse_limit_type(to_string(t)), t);
}

TEST(Options, TextDetParamsAcceptTheEdgesOfEachRange) {
  TextDetParams p;
  p.thresh = 0.f;
  p.box_thresh = 1.f;
  p.unclip_ratio = 10.f;
  p.max_side_limit = 32;
  p.max_candidates = 1;
  p.limit_side_len = 1;
  for (const char* type : {"min", "max", "resize_long"}) {
    p.limit_type = parse_limit_type(type);
    EXPECT_NO_THROW(p.validate()) << type;
  }
}

TEST(Options, MessageCarriesTheBadValue) {
  OcrOptions o;
  o.text_recognition_batch_size = -7;
  EXPECT_TRUE(throws_error([&] { o.validate(); }, ErrorCode::InvalidArgument, "text_recognition_batch_size=-7"));
}

TEST(Options, PrecisionIsSetAtEveryHpiConfigLevel) {
  OcrOptions o;
  o.module_hpi_config["TextRecognition"].backend_config["precision"] = "fp32";
  o.module_hpi_config["TextDetection"].backend = "onnxruntime";
  o.set_precision("int8");
  EXPECT_EQ(o.hpi_config.backend_config["precision"], "int8");
  for (const auto& [module, config] : o.module_hpi_config) EXPECT_EQ(config.backend_config["precision"], "int8") << module;
  EXPECT_NO_THROW(o.validate());
  EXPECT_TRUE(throws_error([&] { o.set_precision("bf16"); }, ErrorCode::InvalidArgument, "precision='bf16' is invalid"));
}

TEST(Device, ParsesCpuAndGpu) {
  EXPECT_EQ(Device::parse("cpu").str(), "cpu");
  EXPECT_EQ(Device::parse("gpu").str(), "gpu:0");
  EXPECT_EQ(Device::parse("gpu:3").id, 3);
  EXPECT_THROW(Device::parse("cpu:1"), Error);
  EXPECT_THROW(Device::parse("gpu:"), Error);
}

TEST(Device, MultiDigitIdsAndRejectedSpellings) {
  Device d = Device::parse("gpu:12");
  EXPECT_EQ(d.type, "gpu");
  EXPECT_EQ(d.id, 12);
  EXPECT_EQ(d.str(), "gpu:12");
  for (const char* bad : {"", "GPU", "cuda", "gpu:-1", "gpu:1x", "gpu:0001", "gpu:1:2", " cpu"})
    EXPECT_TRUE(throws_error([&] { Device::parse(bad); }, ErrorCode::InvalidArgument, "device")) << "'" << bad << "'";
}

TEST(Cli, ParseBoolAcceptsPaddleStyleValues) {
  for (const char* t : {"True", "true", "TRUE", "1", "yes", "on"}) EXPECT_TRUE(cli::parse_bool(t)) << t;
  for (const char* f : {"False", "false", "0", "no", "off"}) EXPECT_FALSE(cli::parse_bool(f)) << f;
  EXPECT_THROW(cli::parse_bool("maybe"), std::invalid_argument);
  EXPECT_THROW(cli::parse_bool(""), std::invalid_argument);
}

TEST(Cli, ParseBoolRefusesNearMisses) {
  for (const char* bad : {"2", " true", "true ", "y", "t", "nope"}) EXPECT_THROW(cli::parse_bool(bad), std::invalid_argument) << bad;
  EXPECT_TRUE(cli::parse_bool("Yes"));
  EXPECT_FALSE(cli::parse_bool("OFF"));
}

TEST(DetInputSize, FollowsDetResizeForTest) {
  TextDetParams p;  // min, 64, cap 4000
  EXPECT_EQ(det_input_size({100, 50}, p), cv::Size(128, 64));  // short side 50 -> 64: 128x64
  // Python's round() is half-to-even: 2000/32 = 62.5 -> 62 -> 1984.
  EXPECT_EQ(det_input_size({1600, 2000}, p), cv::Size(1600, 1984));
  EXPECT_EQ(det_input_size({1600, 2100}, p), cv::Size(1600, 2112));  // 65.6 -> 66
  EXPECT_EQ(det_input_size({10000, 1000}, p), cv::Size(4000, 384));  // capped: 400 / 32 = 12.5 -> 12
  p.limit_type = LimitType::Max;
  p.limit_side_len = 960;
  EXPECT_EQ(det_input_size({1920, 1080}, p), cv::Size(960, 544));
  EXPECT_EQ(det_input_size({5, 5}, p), cv::Size(32, 32));
}

TEST(DetInputSize, MinModeNeverDownscalesAndMaxModeNeverUpscales) {
  TextDetParams p;
  EXPECT_EQ(det_input_size({1000, 700}, p), cv::Size(992, 704));  // only rounded: 31.25 -> 31, 21.9 -> 22
  EXPECT_EQ(det_input_size({10, 5}, p), cv::Size(128, 64));       // x12.8
  p.limit_type = LimitType::Max;
  p.limit_side_len = 960;
  EXPECT_EQ(det_input_size({500, 300}, p), cv::Size(512, 288));    // 15.6 -> 16, 9.4 -> 9
  EXPECT_EQ(det_input_size({1080, 1920}, p), cv::Size(544, 960));  // portrait: the long side is the height
}

TEST(DetInputSize, ResizeLongScalesTheLongSideToTheLimitEitherWay) {
  TextDetParams p;
  p.limit_type = LimitType::ResizeLong;
  p.limit_side_len = 960;
  EXPECT_EQ(det_input_size({480, 240}, p), cv::Size(960, 480));
  EXPECT_EQ(det_input_size({3000, 1500}, p), cv::Size(960, 480));
}

TEST(DetInputSize, TheCapAppliesAfterTheSideLimit) {
  TextDetParams p;
  p.limit_side_len = 1000;  // min mode: 100x50 -> 2000x1000, then capped to 640 on the long side
  p.max_side_limit = 640;
  EXPECT_EQ(det_input_size({100, 50}, p), cv::Size(640, 320));
}

TEST(ValidUtf8, KeepsWellFormedTextAndEscapesEveryOtherByte) {
  EXPECT_EQ(valid_utf8("plain ascii"), "plain ascii");
  EXPECT_EQ(valid_utf8("中文 é 😀"), "中文 é 😀");
  EXPECT_EQ(valid_utf8(std::string("a\xff" "b", 3)), "a\\xFFb");
  EXPECT_EQ(valid_utf8("\x80"), "\\x80");                 // stray continuation byte
  EXPECT_EQ(valid_utf8("\xe4\xb8"), "\\xE4\\xB8");        // truncated sequence at the end
  EXPECT_EQ(valid_utf8("\xc0\xaf"), "\\xC0\\xAF");        // overlong '/'
  EXPECT_EQ(valid_utf8("\xed\xa0\x80"), "\\xED\\xA0\\x80");  // UTF-16 surrogate
  EXPECT_EQ(valid_utf8("\xf4\x90\x80\x80"), "\\xF4\\x90\\x80\\x80");  // above U+10FFFF
  EXPECT_EQ(valid_utf8(std::string("\0x", 2)), std::string("\0x", 2));  // NUL is valid UTF-8
  EXPECT_EQ(valid_utf8(""), "");
}

TEST(ValidUtf8, ErrorMessagesAreAlwaysValid) {
  // A corrupt file's bytes quoted in a message must not break a JSON errorMsg or a Python str.
  Error e(ErrorCode::ModelFormat, std::string("last read: '\x89PNG\r\n\x1a\n\xff\xfe'"));
  EXPECT_EQ(std::string(e.what()), "last read: '\\x89PNG\r\n\x1a\n\\xFF\\xFE'");
  EXPECT_NO_THROW((void)nlohmann::json(e.what()).dump());
}

TEST(ErrorCategory, StableLowerCaseNames) {
  EXPECT_EQ(Error(ErrorCode::InvalidInput, "").category(), "invalid_input");
  EXPECT_EQ(Error(ErrorCode::InvalidArgument, "").category(), "invalid_argument");
  EXPECT_EQ(Error(ErrorCode::ModelFormat, "").category(), "model_format");
  EXPECT_EQ(Error(ErrorCode::BackendUnavailable, "m").category(), "backend_unavailable");
  EXPECT_STREQ(Error(ErrorCode::Io, "disk full").what(), "disk full");
}

}  // namespace
}  // namespace hpocr
