// End-to-end: the document orientation stage (use_doc_orientation_classify) on rendered pages turned by 0, 90,
// 180 and 270 degrees, and on pages it must leave alone (blank, a picture, one short line).
#include <gtest/gtest.h>

#include <opencv2/imgproc.hpp>

#include "hpocr/error.h"
#include "hpocr/model_catalog.h"
#include "hpocr/pipeline.h"
#include "support/test_support.h"

namespace hpocr::test {
namespace {

class DocOrientation : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!default_models_present()) GTEST_SKIP() << "default models not installed: run scripts/setup.sh";
    if (!model_installed(default_model_name(ModelRole::DocOrientationClassify)))
      GTEST_SKIP() << "no document orientation model installed: run scripts/setup.sh";
  }
  static const OcrPipeline& pipeline() {
    static const OcrOptions options = [] {
      OcrOptions o;
      o.use_doc_orientation_classify = true;
      return o;
    }();
    static const OcrPipeline p{options};
    return p;
  }
  /// A page of body text: what the classifier was made for.
  static const RenderedPage& page() {
    static const RenderedPage p = [] {
      PageStyle style;
      style.font_px = 26;
      style.line_spacing = 1.8;
      return render_lines({"Annual report of the harbour authority 2026", "Cargo volumes rose by twelve percent this year",
                           "The new container terminal opened in March", "Passenger ferries carried 1.4 million people",
                           "Maintenance dredging finished ahead of schedule", "Invoices are payable within thirty days",
                           "Questions go to the finance office on floor 3"},
                          latin_font(), style);
    }();
    return p;
  }
  /// The page turned clockwise by `angle` (the label the classifier should give it).
  static cv::Mat turned(const cv::Mat& img, int angle) {
    cv::Mat out;
    if (angle == 0) return img.clone();
    cv::rotate(img, out, angle == 90 ? cv::ROTATE_90_CLOCKWISE : angle == 180 ? cv::ROTATE_180 : cv::ROTATE_90_COUNTERCLOCKWISE);
    return out;
  }
};

TEST_F(DocOrientation, TurnedPagesReadLikeTheUprightPage) {
  const OcrResult upright = pipeline().predict(page().image, "upright");
  ASSERT_TRUE(upright.doc_orientation_angle.has_value());
  EXPECT_EQ(*upright.doc_orientation_angle, 0);
  ASSERT_EQ(upright.rec_texts.size(), page().lines.size());
  for (int angle : {90, 180, 270}) {
    const OcrResult r = pipeline().predict(turned(page().image, angle), "turned " + std::to_string(angle));
    ASSERT_TRUE(r.doc_orientation_angle.has_value());
    EXPECT_EQ(*r.doc_orientation_angle, angle);
    // Boxes are in the coordinates of the page turned back upright, as PaddleOCR gives them.
    EXPECT_EQ(r.image.size(), page().image.size()) << angle;
    EXPECT_EQ(r.rec_texts, upright.rec_texts) << "lines in reading order, read as on the upright page, at " << angle;
  }
}

TEST_F(DocOrientation, PagesWithoutEnoughTextAreNotTurned) {
  const cv::Mat blank(1100, 850, CV_8UC3, cv::Scalar(255, 255, 255));
  cv::Mat picture(900, 1200, CV_8UC3, cv::Scalar(235, 225, 210));  // shapes and a gradient, no text
  for (int y = 0; y < picture.rows; ++y) picture.row(y).setTo(cv::Scalar(200 - y / 8, 180, 120 + y / 10));
  cv::circle(picture, {400, 450}, 220, cv::Scalar(40, 90, 200), cv::FILLED);
  cv::rectangle(picture, {700, 200}, {1100, 700}, cv::Scalar(30, 150, 60), cv::FILLED);
  PageStyle style;
  style.font_px = 30;
  RenderedPage one_line = render_lines({"Total 42"}, latin_font(), style);
  cv::Mat short_line(1100, 850, CV_8UC3, cv::Scalar(255, 255, 255));
  one_line.image.copyTo(short_line(cv::Rect(80, 120, one_line.image.cols, one_line.image.rows)));
  for (const auto& [name, img] : {std::pair{"blank", blank}, {"picture", picture}, {"one short line", short_line}}) {
    const OcrResult r = pipeline().predict(img, name);
    ASSERT_TRUE(r.doc_orientation_angle.has_value()) << name;
    EXPECT_EQ(*r.doc_orientation_angle, 0) << name << " was turned";
  }
  const OcrResult r = pipeline().predict(short_line, "short");
  ASSERT_EQ(r.rec_texts.size(), 1u);
  EXPECT_EQ(r.rec_texts[0], "Total 42");
}

TEST_F(DocOrientation, PerCallSwitchNeedsTheModelLoaded) {
  static const OcrOptions plain;
  const OcrPipeline without(plain);
  PredictParams on;
  on.use_doc_orientation_classify = true;
  EXPECT_THROW(without.predict(page().image, "p", on), Error);
  PredictParams off;
  off.use_doc_orientation_classify = false;
  const OcrResult r = pipeline().predict(turned(page().image, 180), "off", off);
  EXPECT_FALSE(r.doc_orientation_angle.has_value());
}

}  // namespace
}  // namespace hpocr::test
