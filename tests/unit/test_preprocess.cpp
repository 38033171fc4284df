// Image -> tensor normalisation: NormalizeImage from inference.yml, PaddleX number expressions, CHW layout.
#include <gtest/gtest.h>

#include "models/preprocess.h"
#include "unit/unit_helpers.h"

namespace hpocr {
namespace {

using test::throws_error;

ModelDir model_with_normalize(const std::string& params) {
  std::string yml = "PreProcess:\n  transform_ops:\n  - NormalizeImage: " + params + "\n";
  return open_model_dir(test::fake_model_dir(yml, "norm"), "text detection");
}

TEST(YamlFloat, ReadsPaddleXExpressions) {
  EXPECT_FLOAT_EQ(yaml_float(YAML::Load("1./255."), "scale"), 1.f / 255.f);
  EXPECT_FLOAT_EQ(yaml_float(YAML::Load("0.5"), "x"), 0.5f);
  EXPECT_FLOAT_EQ(yaml_float(YAML::Load("-3/4"), "x"), -0.75f);
  EXPECT_THROW(yaml_float(YAML::Load("abc"), "x"), Error);
  EXPECT_THROW(yaml_float(YAML::Load("1/0"), "x"), Error);
}

TEST(YamlFloat, RefusalsAreModelFormatErrorsNamingTheValue) {
  auto reading = [](const char* yaml) { return [yaml] { yaml_float(YAML::Load(yaml), "NormalizeImage.scale"); }; };
  EXPECT_TRUE(throws_error(reading("[1, 2]"), ErrorCode::ModelFormat, "NormalizeImage.scale must be a number"));
  EXPECT_TRUE(throws_error(reading("1/2/3"), ErrorCode::ModelFormat, "'1/2/3' is not a number"));
  EXPECT_TRUE(throws_error(reading("2x"), ErrorCode::ModelFormat, "not a number"));
  EXPECT_TRUE(throws_error(reading("1/"), ErrorCode::ModelFormat, "not a number"));
  EXPECT_TRUE(throws_error(reading("1/0."), ErrorCode::ModelFormat, "divides by zero"));
}

TEST(Normalize, ReadsMeanStdAndScaleFromTheModel) {
  auto model = model_with_normalize("{mean: [0.5, 0.25, 0.125], std: [2, 4, 8], scale: '1./127.5'}");
  Normalize n = Normalize::from_model(model, Normalize::imagenet());
  EXPECT_EQ(n.mean, (std::array<float, 3>{0.5f, 0.25f, 0.125f}));
  EXPECT_EQ(n.std, (std::array<float, 3>{2.f, 4.f, 8.f}));
  EXPECT_FLOAT_EQ(n.scale, 1.f / 127.5f);
}

TEST(Normalize, MissingValuesComeFromTheFallback) {
  Normalize n = Normalize::from_model(model_with_normalize("{scale: 0.5}"), Normalize::imagenet());
  EXPECT_EQ(n.mean, Normalize::imagenet().mean);
  EXPECT_EQ(n.std, Normalize::imagenet().std);
  EXPECT_FLOAT_EQ(n.scale, 0.5f);
  ModelDir none = open_model_dir(test::fake_model_dir("Global: {model_name: m}\n"), "text recognition");
  EXPECT_EQ(Normalize::from_model(none, Normalize::symmetric()).mean, Normalize::symmetric().mean);
}

TEST(Normalize, MalformedValuesAreModelFormatErrors) {
  struct Case { const char* params; const char* needle; };
  for (const Case& c : {Case{"{mean: [0.5, 0.5]}", "NormalizeImage.mean must be a list of 3 numbers"},
                        Case{"{std: 0.5}", "NormalizeImage.std must be a list of 3 numbers"},
                        Case{"{std: [1, 0, 1]}", "NormalizeImage.std contains 0"},
                        Case{"{mean: [a, b, c]}", "not a number"}}) {
    auto model = model_with_normalize(c.params);
    EXPECT_TRUE(throws_error([&] { Normalize::from_model(model, Normalize::imagenet()); }, ErrorCode::ModelFormat, c.needle))
        << c.params;
  }
}

TEST(WriteChw, NormalisesEachChannelIntoItsPlaneAndLeavesThePaddingAlone) {
  cv::Mat img(2, 3, CV_8UC3);
  for (int y = 0; y < 2; ++y)
    for (int x = 0; x < 3; ++x) img.at<cv::Vec3b>(y, x) = cv::Vec3b(uchar(10 * x), uchar(100 + y), 255);
  const Normalize norm{{0.5f, 0.f, 1.f}, {0.5f, 2.f, 1.f}, 1.f / 255.f};
  const int ph = 4, pw = 5;
  std::vector<float> dst(3 * ph * pw, -9.f);
  write_chw(img, norm, dst.data(), ph, pw);
  auto at = [&](int c, int y, int x) { return dst[(c * ph + y) * pw + x]; };
  for (int y = 0; y < ph; ++y)
    for (int x = 0; x < pw; ++x)
      for (int c = 0; c < 3; ++c) {
        const bool inside = y < img.rows && x < img.cols;
        const float expected = inside ? (img.at<cv::Vec3b>(y, x)[c] / 255.f - norm.mean[c]) / norm.std[c] : -9.f;
        EXPECT_NEAR(at(c, y, x), expected, 1e-5) << "c=" << c << " y=" << y << " x=" << x;
      }
}

}  // namespace
}  // namespace hpocr
