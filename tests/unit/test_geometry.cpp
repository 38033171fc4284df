// Reading order (PaddleOCR sorted_boxes), text-region cropping (get_minarea_rect_crop) and bounding boxes.
#include <gtest/gtest.h>

#include <opencv2/imgproc.hpp>

#include "models/geometry.h"

namespace hpocr {
namespace {

Quad rect(int x, int y, int w, int h) { return {cv::Point{x, y}, {x + w, y}, {x + w, y + h}, {x, y + h}}; }

TEST(Geometry, VerticalColumnsAreReadRightToLeftEachTopToBottom) {
  // Three columns; the right one in two pieces (0: lower, 1: upper), then the middle (2), then the left (3).
  const std::vector<Quad> q = {rect(300, 400, 30, 200), rect(302, 20, 28, 300), rect(200, 20, 30, 500), rect(100, 30, 30, 400)};
  ASSERT_TRUE(vertical_page(q));
  EXPECT_EQ(vertical_reading_order(q), (std::vector<size_t>{1, 0, 2, 3}));
  EXPECT_FALSE(vertical_page({rect(10, 10, 300, 30), rect(10, 60, 280, 30), rect(10, 110, 20, 80)}));
  EXPECT_FALSE(vertical_page({rect(10, 10, 20, 300)}));  // one column is not a page of them
}

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

TEST(ReadingOrder, TheLineToleranceIsStrictlyBelowTenPixels) {
  EXPECT_EQ(reading_order({rect(300, 100, 50, 20), rect(10, 109, 50, 20)}), (std::vector<size_t>{1, 0}));
  EXPECT_EQ(reading_order({rect(300, 100, 50, 20), rect(10, 110, 50, 20)}), (std::vector<size_t>{0, 1}));
  EXPECT_EQ(reading_order({rect(5, 5, 10, 10)}), (std::vector<size_t>{0}));
}

TEST(ReadingOrder, BoxesAreOnlyComparedWithTheirCurrentNeighbour) {
  // sorted_boxes quirk: B (y 8) moves before A (y 0); C (y 16) is then compared with A (16 px apart) and stays.
  std::vector<Quad> q = {rect(100, 0, 40, 20), rect(50, 8, 40, 20), rect(0, 16, 40, 20)};
  EXPECT_EQ(reading_order(q), (std::vector<size_t>{1, 0, 2}));
}

TEST(ReadingOrder, UsesTheFirstCornerNotTheTopmostPoint) {
  Quad tilted{cv::Point{10, 50}, {60, 0}, {70, 10}, {20, 60}};  // first corner at y 50, another at y 0
  EXPECT_EQ(reading_order({tilted, rect(200, 30, 40, 20)}), (std::vector<size_t>{1, 0}));
}

TEST(Crop, AxisAlignedQuadGivesTheRegion) {
  cv::Mat img(200, 300, CV_8UC3, cv::Scalar(255, 255, 255));
  cv::rectangle(img, cv::Rect(50, 40, 100, 30), cv::Scalar(0, 0, 255), cv::FILLED);
  cv::Mat crop = crop_text_region(img, rect(50, 40, 100, 30)).image;
  EXPECT_EQ(crop.size(), cv::Size(100, 30));
  EXPECT_GT(cv::mean(crop)[2], 250);  // red channel everywhere
  EXPECT_LT(cv::mean(crop)[0], 10);
}

TEST(Crop, AxisAlignedCropReproducesTheSourcePixels) {
  cv::Mat img(120, 160, CV_8UC3);
  cv::randu(img, cv::Scalar::all(0), cv::Scalar::all(256));
  const cv::Rect region(30, 20, 90, 40);
  cv::Mat crop = crop_text_region(img, rect(region.x, region.y, region.width, region.height)).image;
  ASSERT_EQ(crop.size(), region.size());
  EXPECT_LE(cv::norm(crop, img(region), cv::NORM_INF), 1);
}

TEST(Crop, RotatedQuadIsStraightened) {
  cv::Mat img(300, 300, CV_8UC3, cv::Scalar(255, 255, 255));
  cv::Point2f pts[4];
  cv::RotatedRect({150.f, 150.f}, {120.f, 30.f}, 15.f).points(pts);
  Quad quad;
  for (int i = 0; i < 4; ++i) quad[i] = cv::Point(cvRound(pts[i].x), cvRound(pts[i].y));
  cv::fillConvexPoly(img, std::vector<cv::Point>(quad.begin(), quad.end()), cv::Scalar(255, 0, 0));
  cv::Mat crop = crop_text_region(img, quad).image;
  EXPECT_NEAR(crop.cols, 120, 2);
  EXPECT_NEAR(crop.rows, 30, 2);
  EXPECT_LT(cv::mean(crop)[2], 30);  // almost all of it is the blue region, little white background
}

TEST(Crop, TallRegionsAreTurnedToLandscape) {
  cv::Mat img(300, 300, CV_8UC3, cv::Scalar(0, 0, 0));
  cv::Mat crop = crop_text_region(img, rect(100, 20, 30, 200)).image;
  EXPECT_EQ(crop.size(), cv::Size(200, 30));
}

TEST(Crop, TallRegionsTurnCounterClockwise) {
  cv::Mat img(300, 300, CV_8UC3, cv::Scalar(0, 0, 0));
  img(cv::Rect(100, 20, 30, 100)).setTo(cv::Scalar(0, 0, 255));   // top half red
  img(cv::Rect(100, 120, 30, 100)).setTo(cv::Scalar(255, 0, 0));  // bottom half blue
  cv::Mat crop = crop_text_region(img, rect(100, 20, 30, 200)).image;
  ASSERT_EQ(crop.size(), cv::Size(200, 30));
  // np.rot90: the top of the region ends up on the left.
  EXPECT_GT(cv::mean(crop(cv::Rect(0, 0, 90, 30)))[2], 250);
  EXPECT_GT(cv::mean(crop(cv::Rect(110, 0, 90, 30)))[0], 250);
}

TEST(Crop, TurnsFromOneAndAHalfTimesTallerThanWide) {
  cv::Mat img(100, 100, CV_8UC3, cv::Scalar(0, 0, 0));
  EXPECT_EQ(crop_text_region(img, rect(10, 10, 20, 30)).image.size(), cv::Size(30, 20));  // 30 / 20 = 1.5
  EXPECT_EQ(crop_text_region(img, rect(10, 10, 21, 30)).image.size(), cv::Size(21, 30));  // 1.43: kept
}

TEST(Crop, MarginsWidenEachSide) {
  cv::Mat img(200, 300, CV_8UC3, cv::Scalar(255, 255, 255));
  img(cv::Rect(50, 40, 100, 30)).setTo(cv::Scalar(0, 0, 255));
  TextCrop crop = crop_text_region(img, rect(50, 40, 100, 30), {6, 6, 6, 6});
  ASSERT_EQ(crop.image.size(), cv::Size(112, 42));
  EXPECT_FLOAT_EQ(crop.inner_top, 6.f);
  EXPECT_FLOAT_EQ(crop.inner_bottom, 36.f);
  EXPECT_GT(cv::mean(crop.image(cv::Rect(0, 0, 112, 5)))[0], 250);    // the margin shows the white page
  EXPECT_LT(cv::mean(crop.image(cv::Rect(8, 8, 96, 26)))[0], 5);      // the box itself is red
}

TEST(Crop, MapsCropPointsBackToTheImage) {
  cv::Mat img(200, 300, CV_8UC3, cv::Scalar(0, 0, 0));
  TextCrop crop = crop_text_region(img, rect(50, 40, 100, 30), {6, 6, 6, 6});
  cv::Point2f p = crop.to_image_point({6.f, 6.f});  // the box's top-left corner
  EXPECT_NEAR(p.x, 50, 0.01);
  EXPECT_NEAR(p.y, 40, 0.01);
  crop.rotate_180();  // now the crop's top-left is the box's bottom-right
  p = crop.to_image_point({6.f, 6.f});
  EXPECT_NEAR(p.x, 150, 0.01);
  EXPECT_NEAR(p.y, 70, 0.01);
}

TEST(Crop, TurnedCropsMapBackThroughTheTurn) {
  cv::Mat img(300, 300, CV_8UC3, cv::Scalar(0, 0, 0));
  TextCrop crop = crop_text_region(img, rect(100, 20, 30, 200));
  ASSERT_EQ(crop.image.size(), cv::Size(200, 30));
  // np.rot90 puts the region's top on the left: the crop's top-left is the region's top-right.
  cv::Point2f p = crop.to_image_point({0.f, 0.f});
  EXPECT_NEAR(p.x, 130, 0.01);
  EXPECT_NEAR(p.y, 20, 0.01);
  p = crop.to_image_point({200.f, 30.f});
  EXPECT_NEAR(p.x, 100, 0.01);
  EXPECT_NEAR(p.y, 220, 0.01);
}

TEST(Crop, TurnedCropsKeepTheBoxRowsUnderAsymmetricMargins) {
  cv::Mat img(300, 300, CV_8UC3, cv::Scalar(0, 0, 0));
  TextCrop crop = crop_text_region(img, rect(100, 20, 30, 200), {2, 0, 5, 0});  // left 2, right 5
  ASSERT_EQ(crop.image.size(), cv::Size(200, 37));
  EXPECT_FLOAT_EQ(crop.inner_top, 5.f);  // the right margin is on top after the turn
  EXPECT_FLOAT_EQ(crop.inner_bottom, 35.f);
}

TEST(RecognitionMargins, AFractionOfTheShortSideOnEverySideOfALoneBox) {
  auto m = recognition_margins({rect(50, 40, 100, 30)}, 0.2f);
  ASSERT_EQ(m.size(), 1u);
  EXPECT_FLOAT_EQ(m[0].left, 6.f);
  EXPECT_FLOAT_EQ(m[0].top, 6.f);
  EXPECT_FLOAT_EQ(m[0].right, 6.f);
  EXPECT_FLOAT_EQ(m[0].bottom, 6.f);
}

TEST(RecognitionMargins, NeighboursShareTheGapBetweenThem) {
  // Two lines 4 px apart, and a word 6 px to the right of the first line.
  auto m = recognition_margins({rect(0, 0, 100, 30), rect(0, 34, 100, 30), rect(106, 0, 50, 30)}, 0.2f);
  EXPECT_FLOAT_EQ(m[0].bottom, 2.f);
  EXPECT_FLOAT_EQ(m[1].top, 2.f);
  EXPECT_FLOAT_EQ(m[0].right, 3.f);
  EXPECT_FLOAT_EQ(m[2].left, 3.f);
  EXPECT_FLOAT_EQ(m[0].top, 6.f);    // nothing above
  EXPECT_FLOAT_EQ(m[1].bottom, 6.f);  // nothing below
  EXPECT_FLOAT_EQ(m[2].bottom, 6.f);  // the second line is below the first, not below the word
}

TEST(RecognitionMargin, ShrinksWithTheDetectionScale) {
  EXPECT_FLOAT_EQ(recognition_margin({1000, 800}, {1024, 800}), kRecognitionMargin);  // full resolution
  EXPECT_FLOAT_EQ(recognition_margin({500, 400}, {1024, 832}), kRecognitionMargin);   // upscaled
  EXPECT_NEAR(recognition_margin({1000, 1000}, {725, 725}), kRecognitionMargin / 2, 1e-6);
  EXPECT_FLOAT_EQ(recognition_margin({4000, 3000}, {960, 736}), 0.f);  // far below full resolution
  EXPECT_FLOAT_EQ(recognition_margin({0, 0}, {32, 32}), 0.f);
}

TEST(RecognitionMargins, NoneWithAZeroFraction) {
  for (const auto& m : recognition_margins({rect(0, 0, 100, 30), rect(0, 40, 100, 30)}, 0.f))
    EXPECT_EQ(m.left + m.top + m.right + m.bottom, 0.f);
}

TEST(BoundingBox, MinAndMaxOfTheCorners) {
  Quad q{cv::Point{5, 9}, {40, 2}, {44, 30}, {1, 33}};
  EXPECT_EQ(bounding_box(q), (std::array<int, 4>{1, 2, 44, 33}));
}

std::vector<DetBox> scored(std::vector<Quad> quads) {
  std::vector<DetBox> out;
  for (const auto& q : quads) out.push_back({q, 0.8f});
  return out;
}

Quad turned(Quad q, cv::Point2f centre, double degrees) {
  const cv::Matx23d m = cv::getRotationMatrix2D(centre, degrees, 1.0);
  for (auto& p : q) p = {static_cast<int>(std::lround(m(0, 0) * p.x + m(0, 1) * p.y + m(0, 2))),
                         static_cast<int>(std::lround(m(1, 0) * p.x + m(1, 1) * p.y + m(1, 2)))};
  return q;
}

TEST(JoinLineFragments, WordsOfOneLineBecomeOneBox) {
  // Three words 30 px high, 20 px apart (0.67 heights), and an unrelated line below.
  auto out = join_line_fragments(scored({rect(10, 10, 80, 30), rect(110, 12, 60, 28), rect(190, 10, 90, 30),
                                         rect(10, 60, 120, 30)}),
                                 {400, 200});
  ASSERT_EQ(out.size(), 2u);
  std::sort(out.begin(), out.end(), [](const DetBox& a, const DetBox& b) { return a.quad[0].y < b.quad[0].y; });
  EXPECT_EQ(bounding_box(out[0].quad), (std::array<int, 4>{10, 10, 280, 40}));
  EXPECT_EQ(out[0].quad[0], cv::Point(10, 10));  // corners stay in get_mini_box order: top-left first
  EXPECT_EQ(out[0].quad[2], cv::Point(280, 40));
  EXPECT_FLOAT_EQ(out[0].score, 0.8f);
  EXPECT_EQ(out[1].quad, rect(10, 60, 120, 30));
}

TEST(JoinLineFragments, ScoreIsTheLengthWeightedMean) {
  auto boxes = scored({rect(0, 0, 300, 30), rect(310, 0, 100, 30)});
  boxes[0].score = 0.9f, boxes[1].score = 0.5f;
  auto out = join_line_fragments(boxes, {500, 100});
  ASSERT_EQ(out.size(), 1u);
  EXPECT_NEAR(out[0].score, (0.9f * 300 + 0.5f * 100) / 400, 1e-3);
}

TEST(JoinLineFragments, ColumnsAndOtherLinesStayApart) {
  // A gutter wider than a line height, the next line (no overlap across the line), a half-overlapping box.
  EXPECT_EQ(join_line_fragments(scored({rect(0, 0, 200, 30), rect(232, 0, 200, 30)}), {500, 100}).size(), 2u);
  EXPECT_EQ(join_line_fragments(scored({rect(0, 0, 200, 30), rect(0, 32, 200, 30)}), {500, 100}).size(), 2u);
  EXPECT_EQ(join_line_fragments(scored({rect(0, 0, 200, 30), rect(210, 15, 200, 30)}), {500, 100}).size(), 2u);
  // A gap of exactly max_gap heights still joins; much taller or shorter neighbours (a heading, a footnote) do not.
  EXPECT_EQ(join_line_fragments(scored({rect(0, 0, 200, 30), rect(230, 0, 200, 30)}), {500, 100}).size(), 1u);
  EXPECT_EQ(join_line_fragments(scored({rect(0, 0, 200, 70), rect(210, 20, 200, 30)}), {500, 100}).size(), 2u);
}

TEST(JoinLineFragments, LowWordsJoinTheirLineAndGapsCountInTheLinesHeight) {
  // "on" (x-height only, 24 px) between words 36 px high: 34 px gaps are > 1 low height but < 1 line height.
  auto out = join_line_fragments(scored({rect(0, 0, 120, 36), rect(154, 8, 40, 24), rect(228, 0, 120, 36)}), {400, 100});
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(bounding_box(out[0].quad), (std::array<int, 4>{0, 0, 348, 36}));
  EXPECT_EQ(join_line_fragments(scored({rect(0, 0, 120, 36), rect(157, 8, 40, 24)}), {400, 100}).size(), 2u);  // 37 px
}

TEST(JoinLineFragments, VerticalTextIsLeftAsDetected) {
  EXPECT_EQ(join_line_fragments(scored({rect(0, 0, 30, 200), rect(0, 210, 30, 200)}), {100, 500}).size(), 2u);
}

TEST(JoinLineFragments, TiltedLinesJoinAlongTheirDirection) {
  const cv::Point2f c(300, 300);
  auto out = join_line_fragments(scored({turned(rect(100, 280, 150, 40), c, 12), turned(rect(270, 280, 150, 40), c, 12)}),
                                 {600, 600});
  ASSERT_EQ(out.size(), 1u);
  const cv::Point2f top = out[0].quad[1] - out[0].quad[0];
  EXPECT_NEAR(std::atan2(-top.y, top.x) * 180 / CV_PI, 12, 1.5);  // OpenCV's positive angle turns anticlockwise
  EXPECT_NEAR(cv::norm(top), 320, 4);
  // Pieces tilted 20 degrees apart are not one line.
  EXPECT_EQ(join_line_fragments(scored({turned(rect(100, 280, 150, 40), c, 0), turned(rect(270, 280, 150, 40), c, 20)}),
                                {600, 600}).size(), 2u);
}

TEST(JoinLineFragments, JoinedBoxesStayInsideTheImage) {
  const cv::Point2f c(100, 100);
  auto out = join_line_fragments(scored({turned(rect(0, 0, 90, 30), c, 8), turned(rect(100, 0, 90, 30), c, 8)}), {200, 200});
  ASSERT_EQ(out.size(), 1u);
  for (const auto& p : out[0].quad) EXPECT_TRUE(p.x >= 0 && p.x < 200 && p.y >= 0 && p.y < 200) << p;
}

}  // namespace
}  // namespace hpocr
