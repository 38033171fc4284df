#include "models/db_postprocess.h"

#include <algorithm>
#include <cmath>

#include <polyclipping/clipper.hpp>
#include <opencv2/imgproc.hpp>

namespace hpocr {
namespace {

constexpr float kMinSize = 3.f;  // PaddleOCR DBPostProcess.min_size

MiniBox order_box(const cv::RotatedRect& rect) {
  cv::Point2f pts[4];
  rect.points(pts);
  std::stable_sort(pts, pts + 4, [](const cv::Point2f& a, const cv::Point2f& b) { return a.x < b.x; });
  MiniBox m;
  // Of the two left-most points the upper one is top-left; of the two right-most the upper one is top-right.
  auto [tl, bl] = pts[1].y > pts[0].y ? std::pair{pts[0], pts[1]} : std::pair{pts[1], pts[0]};
  auto [tr, br] = pts[3].y > pts[2].y ? std::pair{pts[2], pts[3]} : std::pair{pts[3], pts[2]};
  m.quad = {tl, tr, br, bl};
  m.short_side = std::min(rect.size.width, rect.size.height);
  return m;
}

double polygon_area(const QuadF& q) {
  double a = 0;
  for (int i = 0; i < 4; ++i) a += double(q[i].x) * q[(i + 1) % 4].y - double(q[(i + 1) % 4].x) * q[i].y;
  return std::abs(a) / 2;
}

double polygon_length(const QuadF& q) {
  double l = 0;
  for (int i = 0; i < 4; ++i) l += cv::norm(q[(i + 1) % 4] - q[i]);
  return l;
}

}  // namespace

MiniBox get_mini_box(const std::vector<cv::Point>& points) { return order_box(cv::minAreaRect(points)); }
MiniBox get_mini_box(const std::vector<cv::Point2f>& points) { return order_box(cv::minAreaRect(points)); }

float box_score_fast(const cv::Mat& prob, const QuadF& quad) {
  const int w = prob.cols, h = prob.rows;
  float fxmin = quad[0].x, fxmax = quad[0].x, fymin = quad[0].y, fymax = quad[0].y;
  for (const auto& p : quad) {
    fxmin = std::min(fxmin, p.x); fxmax = std::max(fxmax, p.x);
    fymin = std::min(fymin, p.y); fymax = std::max(fymax, p.y);
  }
  int xmin = std::clamp(static_cast<int>(std::floor(fxmin)), 0, w - 1);
  int xmax = std::clamp(static_cast<int>(std::ceil(fxmax)), 0, w - 1);
  int ymin = std::clamp(static_cast<int>(std::floor(fymin)), 0, h - 1);
  int ymax = std::clamp(static_cast<int>(std::ceil(fymax)), 0, h - 1);
  cv::Mat mask = cv::Mat::zeros(ymax - ymin + 1, xmax - xmin + 1, CV_8U);
  std::vector<cv::Point> poly;
  for (const auto& p : quad)  // numpy astype(int32) truncates toward zero
    poly.emplace_back(static_cast<int>(p.x - xmin), static_cast<int>(p.y - ymin));
  cv::fillPoly(mask, std::vector<std::vector<cv::Point>>{poly}, cv::Scalar(1));
  return static_cast<float>(cv::mean(prob(cv::Rect(xmin, ymin, mask.cols, mask.rows)), mask)[0]);
}

std::vector<cv::Point> unclip(const QuadF& quad, float unclip_ratio) {
  double length = polygon_length(quad);
  if (length <= 0) return {};
  double distance = polygon_area(quad) * unclip_ratio / length;
  ClipperLib::Path path;
  for (const auto& p : quad)  // pyclipper converts coordinates to integers by truncation
    path.emplace_back(static_cast<ClipperLib::cInt>(p.x), static_cast<ClipperLib::cInt>(p.y));
  ClipperLib::ClipperOffset offset;  // defaults match pyclipper: miter limit 2, arc tolerance 0.25
  offset.AddPath(path, ClipperLib::jtRound, ClipperLib::etClosedPolygon);
  ClipperLib::Paths solution;
  offset.Execute(solution, distance);
  if (solution.size() != 1) return {};  // PaddleOCR skips boxes whose expansion is not one polygon
  std::vector<cv::Point> out;
  out.reserve(solution[0].size());
  for (const auto& p : solution[0]) out.emplace_back(static_cast<int>(p.X), static_cast<int>(p.Y));
  return out;
}

std::vector<DetBox> db_postprocess(const cv::Mat& prob, cv::Size original, const TextDetParams& params) {
  CV_Assert(prob.type() == CV_32F);
  cv::Mat bitmap = prob > params.thresh;  // 0/255
  std::vector<std::vector<cv::Point>> contours;
  cv::findContours(bitmap, contours, cv::RETR_LIST, cv::CHAIN_APPROX_SIMPLE);

  const float sx = static_cast<float>(original.width) / prob.cols;
  const float sy = static_cast<float>(original.height) / prob.rows;
  const size_t n = std::min(contours.size(), static_cast<size_t>(params.max_candidates));
  std::vector<DetBox> boxes;
  for (size_t i = 0; i < n; ++i) {
    MiniBox mini = get_mini_box(contours[i]);
    if (mini.short_side < kMinSize) continue;
    float score = box_score_fast(prob, mini.quad);
    if (params.box_thresh > score) continue;
    std::vector<cv::Point> expanded = unclip(mini.quad, params.unclip_ratio);
    if (expanded.size() < 3) continue;
    MiniBox box = get_mini_box(expanded);
    if (box.short_side < kMinSize + 2) continue;

    DetBox det;
    det.score = score;
    for (int k = 0; k < 4; ++k) {
      // np.round (half to even), clipped to the image; then PaddleOCR's filter clips to the last pixel.
      float x = std::clamp(std::nearbyint(box.quad[k].x * sx), 0.f, static_cast<float>(original.width));
      float y = std::clamp(std::nearbyint(box.quad[k].y * sy), 0.f, static_cast<float>(original.height));
      det.quad[k] = {std::min(static_cast<int>(x), original.width - 1), std::min(static_cast<int>(y), original.height - 1)};
    }
    auto side = [&](int a, int b) { return cv::norm(det.quad[a] - det.quad[b]); };
    if (static_cast<int>(side(0, 1)) <= 3 || static_cast<int>(side(0, 3)) <= 3) continue;  // tiny after scaling
    boxes.push_back(det);
  }
  return boxes;
}

}  // namespace hpocr
