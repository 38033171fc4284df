// DB post-processing on synthetic probability maps.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

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

TEST(DbPostprocess, EmptyMapGivesNoBoxes) {
  EXPECT_TRUE(db_postprocess(cv::Mat::zeros(320, 320, CV_32F), {640, 480}, TextDetParams{}).empty());
}

TEST(DbPostprocess, PixelThresholdIsStrictAndTheScoreComesFromTheProbabilities) {
  TextDetParams p;
  p.box_thresh = 0.f;
  EXPECT_TRUE(db_postprocess(map_with({{cv::Rect(40, 100, 200, 20), p.thresh}}), {320, 320}, p).empty());  // prob > thresh

  // Half at 0.9, half at 0.5: the bitmap is one blob, its score the mean of the probabilities.
  cv::Mat prob = map_with({{cv::Rect(40, 100, 100, 20), 0.9f}, {cv::Rect(140, 100, 100, 20), 0.5f}});
  p.box_thresh = 0.6f;
  auto boxes = db_postprocess(prob, {320, 320}, p);
  ASSERT_EQ(boxes.size(), 1u);
  EXPECT_NEAR(boxes[0].score, 0.7f, 1e-3);
  p.box_thresh = 0.75f;
  EXPECT_TRUE(db_postprocess(prob, {320, 320}, p).empty());
}

TEST(DbPostprocess, ThinLinesBelowTheMinimumSizeAreDropped) {
  // The min-area rectangle goes through pixel centres: 4 rows give a short side of 3 (kept), 3 rows give 2 (< min_size 3).
  EXPECT_EQ(db_postprocess(map_with({{cv::Rect(20, 20, 100, 4), 0.9f}}), {320, 320}, TextDetParams{}).size(), 1u);
  EXPECT_TRUE(db_postprocess(map_with({{cv::Rect(20, 20, 100, 3), 0.9f}}), {320, 320}, TextDetParams{}).empty());
}

TEST(DbPostprocess, BoxesThatShrinkToThreePixelsInTheImageAreDropped) {
  cv::Mat prob = map_with({{cv::Rect(100, 100, 40, 10), 0.9f}});  // ~50x20 after unclip
  EXPECT_EQ(db_postprocess(prob, {320, 320}, TextDetParams{}).size(), 1u);
  EXPECT_TRUE(db_postprocess(prob, {32, 32}, TextDetParams{}).empty());  // x0.1: ~5x2
}

TEST(DbPostprocess, BoxesAtTheBorderAreClippedToTheLastPixel) {
  cv::Mat prob = map_with({{cv::Rect(0, 0, 100, 20), 0.9f}, {cv::Rect(220, 300, 100, 20), 0.9f}});
  auto boxes = db_postprocess(prob, {640, 480}, TextDetParams{});
  ASSERT_EQ(boxes.size(), 2u);
  std::array<int, 4> hull{640, 480, 0, 0};
  for (const auto& b : boxes) {
    auto bb = bounding_box(b.quad);
    hull = {std::min(hull[0], bb[0]), std::min(hull[1], bb[1]), std::max(hull[2], bb[2]), std::max(hull[3], bb[3])};
  }
  EXPECT_EQ(hull, (std::array<int, 4>{0, 0, 639, 479}));
}

TEST(DbPostprocess, LargerUnclipRatioGivesProportionallyLargerBoxes) {
  cv::Mat prob = map_with({{cv::Rect(40, 100, 200, 20), 0.9f}});
  auto width = [&](float ratio) {
    TextDetParams p;
    p.unclip_ratio = ratio;
    auto boxes = db_postprocess(prob, {320, 320}, p);
    EXPECT_EQ(boxes.size(), 1u);
    auto b = boxes.empty() ? std::array<int, 4>{} : bounding_box(boxes[0].quad);
    return b[2] - b[0];
  };
  // Contour 199x19: distance = 199*19*ratio/436, i.e. 13.0 at 1.5 and 26.0 at 3.0 on each side.
  EXPECT_NEAR(width(1.5f), 199 + 2 * 13.0, 3);
  EXPECT_NEAR(width(3.0f), 199 + 2 * 26.0, 3);
}

TEST(MiniBox, RotatedPointsStartAtTheLeftmostUpperCorner) {
  cv::Point2f pts[4];
  cv::RotatedRect({160.f, 160.f}, {200.f, 24.f}, 20.f).points(pts);
  std::vector<cv::Point2f> shuffled = {pts[2], pts[0], pts[3], pts[1]};
  MiniBox m = get_mini_box(shuffled);
  EXPECT_NEAR(m.short_side, 24, 0.01);
  // Going down-right at 20 degrees: TL and BL are the two left-most corners, TL the upper one; TR and BR likewise.
  EXPECT_LT(m.quad[0].x, m.quad[1].x);
  EXPECT_LT(m.quad[0].y, m.quad[3].y);
  EXPECT_LT(m.quad[1].y, m.quad[2].y);
  EXPECT_LT(m.quad[3].x, m.quad[2].x);
  EXPECT_NEAR(m.quad[0].x, 70.1, 0.2);
  EXPECT_NEAR(m.quad[0].y, 114.7, 0.2);
  EXPECT_NEAR(m.quad[2].x, 249.9, 0.2);
  EXPECT_NEAR(m.quad[2].y, 205.3, 0.2);
}

TEST(BoxScore, FollowsTheQuadNotItsBoundingBox) {
  cv::Mat prob = cv::Mat::zeros(100, 100, CV_32F);
  QuadF diamond{cv::Point2f(50, 10), {90, 50}, {50, 90}, {10, 50}};
  std::vector<cv::Point> poly(diamond.begin(), diamond.end());
  cv::fillConvexPoly(prob, poly, cv::Scalar(1.0));
  EXPECT_GT(box_score_fast(prob, diamond), 0.97f);  // the bounding box mean would be ~0.5
}

TEST(BoxScore, QuadsReachingOutsideTheMapAreClamped) {
  cv::Mat prob = cv::Mat::zeros(50, 50, CV_32F);
  prob(cv::Rect(0, 0, 10, 10)).setTo(1.0f);
  EXPECT_FLOAT_EQ(box_score_fast(prob, {cv::Point2f(-10, -10), {9.4f, -10}, {9.4f, 9.4f}, {-10, 9.4f}}), 1.0f);
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

TEST(Unclip, RoundJoinsAndRotatedQuadsGrowOnEverySide) {
  cv::Point2f pts[4];
  cv::RotatedRect({200.f, 200.f}, {200.f, 24.f}, 30.f).points(pts);
  auto poly = unclip({pts[0], pts[1], pts[2], pts[3]}, 1.5f);  // distance = 4800*1.5/448 = 16.1
  EXPECT_GT(poly.size(), 8u);  // corners are rounded, not mitred
  cv::RotatedRect grown = cv::minAreaRect(poly);
  EXPECT_NEAR(std::max(grown.size.width, grown.size.height), 200 + 2 * 16.1, 2.5);
  EXPECT_NEAR(std::min(grown.size.width, grown.size.height), 24 + 2 * 16.1, 2.5);
}

TEST(Unclip, ZeroRatioKeepsTheQuad) {
  auto poly = unclip({cv::Point2f(10, 10), {110, 10}, {110, 30}, {10, 30}}, 0.f);
  EXPECT_EQ(cv::boundingRect(poly), cv::Rect(10, 10, 101, 21));
}

}  // namespace
}  // namespace hpocr
