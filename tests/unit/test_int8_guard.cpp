// The INT8 accuracy guard's verdict (quant::judge): CER difference, detection box agreement, and on document
// pages (labels with boxes) line-assigned CER and detection Hmean against the labels.
#include <gtest/gtest.h>

#include "quant/guard.h"
#include "quant/int8_build.h"
#include "unit_helpers.h"

namespace hpocr::quant {
namespace {

OcrResult result(std::vector<std::string> texts, std::vector<Quad> boxes) {
  OcrResult r;
  r.rec_texts = std::move(texts);
  r.dt_polys = std::move(boxes);
  return r;
}

Quad box(int x, int y, int w, int h) { return {cv::Point(x, y), cv::Point(x + w, y), cv::Point(x + w, y + h), cv::Point(x, y + h)}; }

const std::vector<LabelledImage> kSet = {{"a", cv::Mat(), {"abcdefghij abcdefghij", "0123456789 0123456789"}, {}},
                                         {"b", cv::Mat(), {"klmnopqrst klmnopqrst", "9876543210 9876543210"}, {}}};  // 80 chars

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

OcrResult read(std::vector<std::string> texts, std::vector<Quad> boxes) {
  OcrResult r = result(texts, boxes);
  r.rec_polys = r.dt_polys;
  return r;
}

// A two-column page: labels in column order, the pipeline reads row by row. Each read line is scored against
// the label box holding it, so the order costs nothing; a line split in two is joined left to right.
TEST(Int8Guard, DocumentPagesAreScoredLineByLineWhateverTheOrder) {
  const std::vector<LabelledImage> page = {{"p", cv::Mat(), {"left one", "left two", "right one"},
                                            {box(0, 0, 200, 20), box(0, 40, 200, 20), box(300, 0, 200, 20)}}};
  const auto fp32 = read({"leftone", "right", "one", "lefttwo"},
                         {box(0, 0, 200, 20), box(300, 0, 90, 20), box(410, 0, 90, 20), box(0, 40, 200, 20)});
  PageScore s = score_page(page[0], fp32, fp32, 0.5);
  EXPECT_EQ(s.chars, 22u);
  EXPECT_EQ(s.errors, 0u);
  EXPECT_EQ(s.labels, 3u);
  EXPECT_EQ(s.matched, 2u);  // the split right line matches no detection at IoU 0.5
  EXPECT_NEAR(detection_hmean(s), 2 * (2.0 / 4) * (2.0 / 3) / (2.0 / 4 + 2.0 / 3), 1e-9);
  // Text read outside every label box is inserted text.
  auto stray = fp32;
  stray.rec_texts.push_back("xyz");
  stray.rec_polys.push_back(box(0, 500, 50, 20));
  EXPECT_EQ(score_page(page[0], stray, fp32, 0.5).errors, 3u);
}

TEST(Int8Guard, DetectionHmeanOnDocumentPagesIsGuarded) {
  std::vector<LabelledImage> pages;
  std::vector<OcrResult> fp32;
  for (int p = 0; p < 4; ++p) {
    LabelledImage page{"p" + std::to_string(p), cv::Mat(), {}, {}};
    std::vector<std::string> texts;
    for (int l = 0; l < 25; ++l) {
      page.lines.push_back("line" + std::to_string(l));
      page.boxes.push_back(box(0, 30 * l, 300, 20));
      texts.push_back(page.lines.back());
    }
    fp32.push_back(read(texts, page.boxes));
    pages.push_back(page);
  }
  auto int8 = fp32;
  // One of 100 lines lost by the detector (its text too): Hmean 100 % -> 99.5 %, within the 1-point limit...
  int8[0].dt_polys.pop_back(), int8[0].rec_polys.pop_back(), int8[0].rec_texts.pop_back();
  GuardThresholds lenient_cer;
  lenient_cer.max_cer_increase = 0.05;
  lenient_cer.min_box_agreement = 0.9;
  GuardVerdict v = judge(pages, fp32, int8, lenient_cer);
  EXPECT_EQ(v.labelled_boxes, 100u);
  EXPECT_DOUBLE_EQ(v.hmean_fp32, 1.0);
  EXPECT_NEAR(v.hmean_int8, 2 * 0.99 / 1.99, 1e-9);
  EXPECT_TRUE(v.passed) << v.reason;
  EXPECT_NE(v.reason.find("detection Hmean"), std::string::npos) << v.reason;
  // ... three lost lines are 1.5 points: refused, though CER and box agreement stay within their limits.
  for (int p = 1; p < 3; ++p) int8[p].dt_polys.pop_back(), int8[p].rec_polys.pop_back(), int8[p].rec_texts.pop_back();
  v = judge(pages, fp32, int8, lenient_cer);
  EXPECT_FALSE(v.passed) << v.reason;
  EXPECT_GT(guard_violation(v, lenient_cer), 0.0);
  EXPECT_TRUE(v.to_json().contains("det_hmean_drop_points"));
}

// On a labelled page the truth decides: INT8 may draw a line's box differently from fp32 (here IoU 0.33 between
// them) as long as it matches the label as well; box agreement with fp32 only stands in where there is no truth.
TEST(Int8Guard, LabelledBoxesReplaceAgreementWithFp32) {
  const std::vector<LabelledImage> page = {{"p", cv::Mat(), {"abcdef"}, {box(0, 0, 300, 20)}}};
  const std::vector<OcrResult> fp32 = {read({"abcdef"}, {box(0, 0, 200, 20)})}, int8 = {read({"abcdef"}, {box(100, 0, 200, 20)})};
  GuardVerdict v = judge(page, fp32, int8, {});
  EXPECT_TRUE(v.passed) << v.reason;
  EXPECT_DOUBLE_EQ(v.box_agreement, 1.0);
  EXPECT_DOUBLE_EQ(v.hmean_int8, v.hmean_fp32);
  EXPECT_LT(judge(kSet, {fp32[0], {}}, {int8[0], {}}, {}).box_agreement, 0.99);  // the same boxes, unlabelled
}

}  // namespace
}  // namespace hpocr::quant

namespace hpocr::test {
namespace {

// `hpocr quantize --model_dir` tells the role from inference.yml: PaddleOCR's post-processing names, and for
// PaddleX's classifiers (PostProcess: {Topk}) the catalog's role of the model's name.
TEST(Int8Roles, FromThePostProcessOrTheCatalogName) {
  EXPECT_EQ(quant::model_role(fake_model_dir("PostProcess:\n  name: DBPostProcess\n")), ModelRole::TextDetection);
  EXPECT_EQ(quant::model_role(fake_model_dir("PostProcess:\n  name: CTCLabelDecode\n")), ModelRole::TextRecognition);
  EXPECT_EQ(quant::model_role(fake_model_dir("Global:\n  model_name: PP-LCNet_x1_0_textline_ori\nPostProcess:\n  Topk:\n    topk: 1\n")),
            ModelRole::TextLineOrientation);
  EXPECT_TRUE(throws_error([] { quant::model_role(fake_model_dir("Global:\n  model_name: mystery\nPostProcess:\n  Topk:\n    topk: 1\n")); },
                           ErrorCode::ModelFormat, "cannot tell which PP-OCR model"));
}

}  // namespace
}  // namespace hpocr::test
