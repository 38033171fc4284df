// The INT8 accuracy guard's verdict (quant::judge): CER difference and detection box agreement.
#include <gtest/gtest.h>

#include "quant/int8_build.h"

namespace hpocr::quant {
namespace {

OcrResult result(std::vector<std::string> texts, std::vector<Quad> boxes) {
  OcrResult r;
  r.rec_texts = std::move(texts);
  r.dt_polys = std::move(boxes);
  return r;
}

Quad box(int x, int y, int w, int h) { return {cv::Point(x, y), cv::Point(x + w, y), cv::Point(x + w, y + h), cv::Point(x, y + h)}; }

const std::vector<LabelledImage> kSet = {{"a", cv::Mat(), {"abcdefghij abcdefghij", "0123456789 0123456789"}},
                                         {"b", cv::Mat(), {"klmnopqrst klmnopqrst", "9876543210 9876543210"}}};  // 80 chars

TEST(Int8Guard, IdenticalResultsPass) {
  std::vector<OcrResult> fp32 = {result({"abcdefghijabcdefghij", "0123456789 0123456789"}, {box(0, 0, 100, 20), box(0, 30, 100, 20)}),
                                 result({"klmnopqrst klmnopqrst", "9876543210 9876543210"}, {box(0, 0, 100, 20)})};
  GuardVerdict v = judge(kSet, fp32, fp32, {});
  EXPECT_TRUE(v.passed) << v.reason;
  EXPECT_DOUBLE_EQ(v.cer_fp32, 0.0);  // spaces are ignored
  EXPECT_DOUBLE_EQ(v.box_agreement, 1.0);
  EXPECT_EQ(v.boxes_fp32, 3u);
}

TEST(Int8Guard, OneMoreErrorIn80CharactersIsOver05Points) {
  std::vector<OcrResult> fp32 = {result({"abcdefghijabcdefghij", "0123456789 0123456789"}, {}),
                                 result({"klmnopqrst klmnopqrst", "9876543210 9876543210"}, {})};
  auto int8 = fp32;
  int8[1].rec_texts[0] = "klmnopqrst klmnopqrsX";
  GuardVerdict v = judge(kSet, fp32, int8, {});
  EXPECT_FALSE(v.passed);
  EXPECT_NEAR(v.cer_int8 - v.cer_fp32, 1.0 / 80, 1e-9);
  GuardThresholds lenient;
  lenient.max_cer_increase = 0.02;
  EXPECT_TRUE(judge(kSet, fp32, int8, lenient).passed);
}

TEST(Int8Guard, BoxesMustOverlapBothWays) {
  std::vector<OcrResult> fp32 = {result({}, {box(0, 0, 100, 20), box(0, 40, 100, 20)}), result({}, {})};
  auto shifted = fp32, missing = fp32, extra = fp32;
  shifted[0].dt_polys[1] = box(60, 40, 100, 20);  // IoU 40/160 = 0.25
  missing[0].dt_polys.pop_back();
  extra[0].dt_polys.push_back(box(0, 80, 100, 20));
  for (const auto* other : {&shifted, &missing, &extra}) {
    GuardVerdict v = judge(kSet, fp32, *other, {});
    EXPECT_FALSE(v.passed) << v.reason;
    EXPECT_LT(v.box_agreement, 0.99);
  }
  auto nudged = fp32;
  nudged[0].dt_polys[1] = box(5, 42, 100, 20);  // still IoU > 0.5
  EXPECT_DOUBLE_EQ(judge(kSet, fp32, nudged, {}).box_agreement, 1.0);
}

}  // namespace
}  // namespace hpocr::quant
