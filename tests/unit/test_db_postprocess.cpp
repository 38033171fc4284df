// DB post-processing on synthetic probability maps.
#include <gtest/gtest.h>

#include <opencv2/imgproc.hpp>

#include "models/db_postprocess.h"
#include "models/geometry.h"

namespace hpocr {
namespace {

cv::Mat map_with(std::initializer_list<std::pair<cv::Rect, float>> blobs, cv::Size size = {320, 320}) {
  cv::Mat m = cv::Mat::zeros(size, CV_32F);
  for (const auto& [r, v] : blobs) m(r).setTo(v);
  return m;
}

TEST(DbPostprocess, OneBoxPerBlobExpandedByUnclipAndScaledToTheImage) {
  cv::Mat prob = map_with({{cv::Rect(40, 100, 200, 20), 0.9f}, {cv::Rect(40, 200, 100, 30), 0.95f}});
  auto boxes = db_postprocess(prob, {640, 480}, TextDetParams{});
  ASSERT_EQ(boxes.size(), 2u);
  auto first = bounding_box(boxes[0].quad).at(1) > 250 ? boxes[1] : boxes[0];
  auto b = bounding_box(first.quad);
  // The 200x20 blob expands by distance 200*20*1.5/440 ~ 13.6 px on each side, then x2 / x1.5 to the image.
  EXPECT_NEAR(b[0], (40 - 13.6) * 2, 4);
  EXPECT_NEAR(b[2], (239 + 13.6) * 2, 4);
  EXPECT_NEAR(b[1], (100 - 13.6) * 1.5, 4);
  EXPECT_NEAR(b[3], (119 + 13.6) * 1.5, 4);
  EXPECT_NEAR(first.score, 0.9f, 1e-3);
}

TEST(DbPostprocess, LowScoreAndTinyBlobsAreDropped) {
  cv::Mat prob = map_with({{cv::Rect(10, 10, 100, 20), 0.5f}, {cv::Rect(200, 200, 2, 2), 0.99f}});
  TextDetParams p;
  p.thresh = 0.3f;
  p.box_thresh = 0.6f;
  EXPECT_TRUE(db_postprocess(prob, {320, 320}, p).empty());
  p.box_thresh = 0.4f;  // now the first blob passes; the 2x2 one is still too small
  EXPECT_EQ(db_postprocess(prob, {320, 320}, p).size(), 1u);
}

TEST(DbPostprocess, BoxesStayInsideTheImage) {
  cv::Mat prob = map_with({{cv::Rect(0, 0, 120, 16), 0.9f}, {cv::Rect(250, 300, 70, 20), 0.9f}});
  for (const auto& b : db_postprocess(prob, {320, 320}, TextDetParams{}))
    for (const auto& p : b.quad) {
      EXPECT_GE(p.x, 0);
      EXPECT_GE(p.y, 0);
      EXPECT_LT(p.x, 320);
      EXPECT_LT(p.y, 320);
    }
}

TEST(DbPostprocess, MaxCandidatesLimitsTheContoursConsidered) {
  cv::Mat prob = map_with({{cv::Rect(10, 10, 60, 12), 0.9f}, {cv::Rect(10, 60, 60, 12), 0.9f}, {cv::Rect(10, 110, 60, 12), 0.9f}});
  TextDetParams p;
  p.max_candidates = 2;
  EXPECT_EQ(db_postprocess(prob, {320, 320}, p).size(), 2u);
}

TEST(DbPostprocess, RotatedBlobGivesARotatedQuad) {
  cv::Mat prob = cv::Mat::zeros(320, 320, CV_32F);
  cv::RotatedRect r({160.f, 160.f}, {200.f, 24.f}, 20.f);
  cv::Point2f pts[4];
  r.points(pts);
  std::vector<cv::Point> poly(pts, pts + 4);
  cv::fillConvexPoly(prob, poly, cv::Scalar(0.9));
  auto boxes = db_postprocess(prob, {320, 320}, TextDetParams{});
  ASSERT_EQ(boxes.size(), 1u);
  const auto& q = boxes[0].quad;
  double angle = std::atan2(q[1].y - q[0].y, q[1].x - q[0].x) * 180 / CV_PI;
  EXPECT_NEAR(angle, 20, 2);
}

TEST(MiniBox, CornersAreTopLeftTopRightBottomRightBottomLeft) {
  MiniBox m = get_mini_box(std::vector<cv::Point>{{50, 10}, {10, 10}, {10, 30}, {50, 30}});
  EXPECT_EQ(m.quad[0], cv::Point2f(10, 10));
  EXPECT_EQ(m.quad[1], cv::Point2f(50, 10));
  EXPECT_EQ(m.quad[2], cv::Point2f(50, 30));
  EXPECT_EQ(m.quad[3], cv::Point2f(10, 30));
  EXPECT_FLOAT_EQ(m.short_side, 20);
}

TEST(BoxScore, MeanProbabilityInsideTheQuad) {
  cv::Mat prob = cv::Mat::zeros(100, 100, CV_32F);
  prob(cv::Rect(0, 0, 50, 100)).setTo(1.0f);
  float s = box_score_fast(prob, {cv::Point2f(20, 20), {79, 20}, {79, 59}, {20, 59}});
  EXPECT_NEAR(s, 0.5, 0.02);  // half of the box lies on the ones
}

TEST(Unclip, ExpandsByAreaTimesRatioOverPerimeter) {
  auto poly = unclip({cv::Point2f(0, 0), {100, 0}, {100, 20}, {0, 20}}, 1.5f);  // distance = 2000*1.5/240 = 12.5
  ASSERT_GE(poly.size(), 4u);
  cv::Rect r = cv::boundingRect(poly);
  EXPECT_NEAR(r.width, 125, 2);
  EXPECT_NEAR(r.height, 45, 2);
  EXPECT_TRUE(unclip({cv::Point2f(0, 0), {0, 0}, {0, 0}, {0, 0}}, 1.5f).empty());
}

}  // namespace
}  // namespace hpocr
