// Reading order, cropping and CTC decoding.
#include <gtest/gtest.h>

#include <fstream>

#include <opencv2/imgproc.hpp>

#include "hpocr/error.h"
#include "models/ctc_decoder.h"
#include "models/geometry.h"
#include "support/test_support.h"

namespace hpocr {
namespace {

Quad rect(int x, int y, int w, int h) { return {cv::Point{x, y}, {x + w, y}, {x + w, y + h}, {x, y + h}}; }

TEST(ReadingOrder, TopToBottomThenLeftToRightWithinALine) {
  std::vector<Quad> q = {rect(300, 105, 50, 20), rect(10, 200, 50, 20), rect(10, 100, 50, 20), rect(150, 112, 50, 20)};
  // 100, 105 and 112: each next one is < 10 px below the previous one, so they form one line, ordered by x.
  EXPECT_EQ(reading_order(q), (std::vector<size_t>{2, 3, 0, 1}));
}

TEST(ReadingOrder, TwelvePixelsLowerIsANewLine) {
  std::vector<Quad> q = {rect(10, 112, 50, 20), rect(300, 100, 50, 20)};
  EXPECT_EQ(reading_order(q), (std::vector<size_t>{1, 0}));
  EXPECT_TRUE(reading_order({}).empty());
}

TEST(Crop, AxisAlignedQuadGivesTheRegion) {
  cv::Mat img(200, 300, CV_8UC3, cv::Scalar(255, 255, 255));
  cv::rectangle(img, cv::Rect(50, 40, 100, 30), cv::Scalar(0, 0, 255), cv::FILLED);
  cv::Mat crop = crop_text_region(img, rect(50, 40, 100, 30));
  EXPECT_EQ(crop.size(), cv::Size(100, 30));
  EXPECT_GT(cv::mean(crop)[2], 250);  // red channel everywhere
  EXPECT_LT(cv::mean(crop)[0], 10);
}

TEST(Crop, TallRegionsAreTurnedToLandscape) {
  cv::Mat img(300, 300, CV_8UC3, cv::Scalar(0, 0, 0));
  cv::Mat crop = crop_text_region(img, rect(100, 20, 30, 200));
  EXPECT_EQ(crop.size(), cv::Size(200, 30));
}

TEST(BoundingBox, MinAndMaxOfTheCorners) {
  Quad q{cv::Point{5, 9}, {40, 2}, {44, 30}, {1, 33}};
  EXPECT_EQ(bounding_box(q), (std::array<int, 4>{1, 2, 44, 33}));
}

/// Probabilities over classes {blank, a, b, space}, one row per time step, given as the argmax and its value.
std::vector<float> steps(std::initializer_list<std::pair<int, float>> s) {
  std::vector<float> out;
  for (auto [cls, p] : s) {
    std::vector<float> row(4, (1 - p) / 3);
    row[cls] = p;
    out.insert(out.end(), row.begin(), row.end());
  }
  return out;
}

TEST(CtcDecoder, DropsBlanksMergesRepeatsAndAveragesKeptScores) {
  CtcDecoder d({"a", "b"}, true);
  ASSERT_EQ(d.num_classes(), 4u);
  auto p = steps({{1, 0.9f}, {1, 0.7f}, {0, 0.99f}, {1, 0.8f}, {3, 0.6f}, {2, 1.0f}, {0, 0.9f}});
  Recognition r = d.decode(p.data(), 7, 4);
  EXPECT_EQ(r.text, "aa b");  // a a (merged) | blank | a | space | b
  EXPECT_NEAR(r.score, (0.9 + 0.8 + 0.6 + 1.0) / 4, 1e-5);
  auto blank = steps({{0, 0.9f}, {0, 0.9f}});
  EXPECT_EQ(d.decode(blank.data(), 2, 4).text, "");
  EXPECT_EQ(d.decode(blank.data(), 2, 4).score, 0.f);
}

TEST(CtcDecoder, ReadsInlineAndFileDictionariesAndRefusesMissingOnes) {
  auto dir = test::temp_dir("ctc");
  std::ofstream(dir / "inference.onnx") << "x";
  std::ofstream(dir / "inference.yml") << "PostProcess: {name: CTCLabelDecode, character_dict: ['x', 'y', 'z']}\n";
  EXPECT_EQ(CtcDecoder::from_model(open_model_dir(dir, "rec")).num_classes(), 5u);
  std::ofstream(dir / "keys.txt") << "a\nb\r\n";
  std::ofstream(dir / "inference.yml") << "PostProcess: {character_dict_path: keys.txt, use_space_char: false}\n";
  CtcDecoder d = CtcDecoder::from_model(open_model_dir(dir, "rec"));
  EXPECT_EQ(d.num_classes(), 3u);
  std::ofstream(dir / "inference.yml") << "Global: {model_name: m}\n";
  try {
    CtcDecoder::from_model(open_model_dir(dir, "rec"));
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::ModelFormat);
    EXPECT_NE(std::string(e.what()).find("dictionary"), std::string::npos);
  }
}

}  // namespace
}  // namespace hpocr
