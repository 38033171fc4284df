#include "models/geometry.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include <opencv2/imgproc.hpp>

#include "models/db_postprocess.h"

namespace hpocr {

std::vector<size_t> reading_order(const std::vector<Quad>& quads) {
  std::vector<size_t> idx(quads.size());
  std::iota(idx.begin(), idx.end(), 0);
  std::stable_sort(idx.begin(), idx.end(), [&](size_t a, size_t b) {
    const auto &pa = quads[a][0], &pb = quads[b][0];
    return pa.y != pb.y ? pa.y < pb.y : pa.x < pb.x;
  });
  for (size_t i = 0; i + 1 < idx.size(); ++i) {
    for (size_t j = i + 1; j-- > 0;) {  // j = i .. 0: bubble the next box left within its line
      const auto &next = quads[idx[j + 1]][0], &cur = quads[idx[j]][0];
      if (std::abs(next.y - cur.y) < 10 && next.x < cur.x) std::swap(idx[j], idx[j + 1]);
      else break;
    }
  }
  return idx;
}

cv::Mat crop_text_region(const cv::Mat& image, const Quad& quad) {
  MiniBox box = get_mini_box(std::vector<cv::Point>(quad.begin(), quad.end()));
  const auto& p = box.quad;
  int w = static_cast<int>(std::max(cv::norm(p[0] - p[1]), cv::norm(p[2] - p[3])));
  int h = static_cast<int>(std::max(cv::norm(p[0] - p[3]), cv::norm(p[1] - p[2])));
  w = std::max(w, 1);
  h = std::max(h, 1);
  const cv::Point2f dst[4] = {{0.f, 0.f}, {float(w), 0.f}, {float(w), float(h)}, {0.f, float(h)}};
  cv::Mat m = cv::getPerspectiveTransform(p.data(), dst);
  cv::Mat crop;
  cv::warpPerspective(image, crop, m, cv::Size(w, h), cv::INTER_CUBIC, cv::BORDER_REPLICATE);
  if (crop.rows >= 1.5 * crop.cols) cv::rotate(crop, crop, cv::ROTATE_90_COUNTERCLOCKWISE);  // np.rot90
  return crop;
}

std::array<int, 4> bounding_box(const Quad& quad) {
  std::array<int, 4> b{quad[0].x, quad[0].y, quad[0].x, quad[0].y};
  for (const auto& p : quad) {
    b[0] = std::min(b[0], p.x); b[1] = std::min(b[1], p.y);
    b[2] = std::max(b[2], p.x); b[3] = std::max(b[3], p.y);
  }
  return b;
}

}  // namespace hpocr
