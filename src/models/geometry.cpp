#include "models/geometry.h"

#include <algorithm>
#include <array>
#include <cfloat>
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

namespace {

/// Axis-aligned extent of a quad: x0, y0, x1, y1.
std::array<int, 4> extent(const Quad& q) {
  std::array<int, 4> e{q[0].x, q[0].y, q[0].x, q[0].y};
  for (const auto& p : q) {
    e[0] = std::min(e[0], p.x);
    e[1] = std::min(e[1], p.y);
    e[2] = std::max(e[2], p.x);
    e[3] = std::max(e[3], p.y);
  }
  return e;
}

}  // namespace

bool vertical_page(const std::vector<Quad>& quads) {
  if (quads.size() < 2) return false;
  const auto tall = std::count_if(quads.begin(), quads.end(), [](const Quad& q) {
    const auto e = extent(q);
    return e[3] - e[1] >= 1.5 * (e[2] - e[0]);
  });
  return 3 * static_cast<size_t>(tall) >= 2 * quads.size();
}

std::vector<size_t> vertical_reading_order(const std::vector<Quad>& quads) {
  std::vector<size_t> idx(quads.size());
  std::iota(idx.begin(), idx.end(), 0);
  // Right edge first; boxes whose horizontal extents overlap by half the narrower one share a column.
  std::stable_sort(idx.begin(), idx.end(), [&](size_t a, size_t b) { return extent(quads[a])[2] > extent(quads[b])[2]; });
  std::vector<std::vector<size_t>> columns;
  std::vector<std::array<int, 2>> spans;  // x0, x1 of each column
  for (size_t i : idx) {
    const auto e = extent(quads[i]);
    size_t col = columns.size();
    for (size_t c = 0; c < columns.size() && col == columns.size(); ++c) {
      const int overlap = std::min(e[2], spans[c][1]) - std::max(e[0], spans[c][0]);
      if (overlap >= 0.5 * std::min(e[2] - e[0], spans[c][1] - spans[c][0])) col = c;
    }
    if (col == columns.size()) {
      columns.emplace_back();
      spans.push_back({e[0], e[2]});
    }
    columns[col].push_back(i);
    spans[col] = {std::min(spans[col][0], e[0]), std::max(spans[col][1], e[2])};
  }
  std::vector<size_t> out;
  out.reserve(quads.size());
  for (auto& c : columns) {
    std::stable_sort(c.begin(), c.end(), [&](size_t a, size_t b) { return extent(quads[a])[1] < extent(quads[b])[1]; });
    out.insert(out.end(), c.begin(), c.end());
  }
  return out;
}

namespace {

/// The map from a crop turned by an np.rot90-style quarter turn (or a half turn) back to the unturned crop.
cv::Matx33d quarter_turn_ccw(double old_w) { return {0, -1, old_w, 1, 0, 0, 0, 0, 1}; }
cv::Matx33d half_turn(double w, double h) { return {-1, 0, w, 0, -1, h, 0, 0, 1}; }

/// Unit vectors of a rectangle's corners p (get_mini_box order): u along its top edge, v down its left edge.
std::pair<cv::Point2f, cv::Point2f> unit_axes(const QuadF& p) {
  return {(p[1] - p[0]) / std::max(1e-6, cv::norm(p[1] - p[0])), (p[3] - p[0]) / std::max(1e-6, cv::norm(p[3] - p[0]))};
}

/// A box's minimum-area rectangle as centre, unit axes and half sizes.
struct Frame {
  cv::Point2f c, u, v;
  float half_w = 0, half_h = 0;
};

Frame frame_of(const Quad& quad) {
  const QuadF p = get_mini_box(std::vector<cv::Point>(quad.begin(), quad.end())).quad;
  const auto [u, v] = unit_axes(p);
  return {(p[0] + p[2]) * 0.5f, u, v, static_cast<float>(cv::norm(p[1] - p[0])) / 2, static_cast<float>(cv::norm(p[3] - p[0])) / 2};
}

/// A box's long axis (unit, pointing right) and its aspect ratio (long / short side).
std::pair<cv::Point2f, float> long_axis(const Frame& f) {
  cv::Point2f u = f.half_w >= f.half_h ? f.u : f.v;
  if (u.x < 0 || (u.x == 0 && u.y < 0)) u = -u;
  return {u, std::max(f.half_w, f.half_h) / std::max(1e-6f, std::min(f.half_w, f.half_h))};
}

/// Extent [lo, hi] of a quad's corners along a unit axis.
std::pair<float, float> extent(const Quad& q, cv::Point2f axis) {
  float lo = FLT_MAX, hi = -FLT_MAX;
  for (const auto& p : q) {
    const float t = cv::Point2f(p).dot(axis);
    lo = std::min(lo, t), hi = std::max(hi, t);
  }
  return {lo, hi};
}

/// Whether two boxes are pieces of one horizontal text line (join_line_fragments' rule), measured along the
/// direction of the more elongated one.
bool same_line(const Quad& qa, const Frame& fa, const Quad& qb, const Frame& fb, float max_gap) {
  constexpr float kMinAspect = 1.5f, kMaxHeightRatio = 2.f, kMinOverlap = 0.7f;
  const float kParallel = std::cos(10.f * static_cast<float>(CV_PI) / 180.f), kHorizontal = std::sqrt(0.5f);
  const auto [ua, ra] = long_axis(fa);
  const auto [ub, rb] = long_axis(fb);
  const cv::Point2f u = ra >= rb ? ua : ub;
  if (std::abs(u.y) > kHorizontal) return false;
  if (std::min(ra, rb) >= kMinAspect && std::abs(ua.dot(ub)) < kParallel) return false;
  const cv::Point2f v(-u.y, u.x);
  const auto [a0, a1] = extent(qa, u);
  const auto [b0, b1] = extent(qb, u);
  const auto [c0, c1] = extent(qa, v);
  const auto [d0, d1] = extent(qb, v);
  // Words without ascenders or descenders ("on", "now") get lower boxes than the line's others: the overlap is
  // measured against the lower box, the gap against the taller one (the line's height).
  const float low = std::min(c1 - c0, d1 - d0), tall = std::max(c1 - c0, d1 - d0);
  if (low <= 0 || tall > kMaxHeightRatio * low) return false;
  if (std::min(c1, d1) - std::max(c0, d0) < kMinOverlap * low) return false;
  return std::max(b0 - a1, a0 - b1) <= max_gap * tall;
}

}  // namespace

void TextCrop::rotate_180() {
  cv::rotate(image, image, cv::ROTATE_180);
  to_image = to_image * half_turn(image.cols, image.rows);
  const float h = static_cast<float>(image.rows), top = inner_top;
  inner_top = h - inner_bottom;
  inner_bottom = h - top;
}

cv::Point2f TextCrop::to_image_point(cv::Point2f p) const {
  cv::Vec3d q = to_image * cv::Vec3d(p.x, p.y, 1.0);
  return {static_cast<float>(q[0] / q[2]), static_cast<float>(q[1] / q[2])};
}

float recognition_margin(cv::Size image, cv::Size detector_input) {
  if (image.width <= 0 || image.height <= 0) return 0.f;
  const double scale = std::min(static_cast<double>(detector_input.width) / image.width,
                                static_cast<double>(detector_input.height) / image.height);
  return kRecognitionMargin * static_cast<float>(std::clamp((scale - 0.45) / 0.55, 0.0, 1.0));
}

std::vector<CropMargins> recognition_margins(const std::vector<Quad>& quads, float fraction) {
  std::vector<Frame> frames;
  frames.reserve(quads.size());
  for (const auto& q : quads) frames.push_back(frame_of(q));
  std::vector<CropMargins> out(quads.size());
  for (size_t i = 0; i < quads.size(); ++i) {
    const Frame& f = frames[i];
    const float m = fraction * 2 * std::min(f.half_w, f.half_h);
    CropMargins& g = out[i];
    g = {m, m, m, m};
    for (size_t j = 0; j < quads.size(); ++j) {
      if (j == i) continue;
      float a0 = FLT_MAX, a1 = -FLT_MAX, b0 = FLT_MAX, b1 = -FLT_MAX;  // box j in box i's frame
      for (const auto& pt : quads[j]) {
        const cv::Point2f d = cv::Point2f(pt) - f.c;
        const float a = d.dot(f.u), b = d.dot(f.v);
        a0 = std::min(a0, a), a1 = std::max(a1, a), b0 = std::min(b0, b), b1 = std::max(b1, b);
      }
      // Each of two facing boxes may take half the gap between them.
      if (b1 > -f.half_h && b0 < f.half_h) {  // beside box i
        if (a0 >= f.half_w) g.right = std::min(g.right, (a0 - f.half_w) / 2);
        else if (a1 <= -f.half_w) g.left = std::min(g.left, (-f.half_w - a1) / 2);
      }
      if (a1 > -f.half_w && a0 < f.half_w) {  // above or below box i
        if (b0 >= f.half_h) g.bottom = std::min(g.bottom, (b0 - f.half_h) / 2);
        else if (b1 <= -f.half_h) g.top = std::min(g.top, (-f.half_h - b1) / 2);
      }
    }
  }
  return out;
}

std::vector<DetBox> join_line_fragments(std::vector<DetBox> boxes, cv::Size image, float max_gap) {
  const size_t n = boxes.size();
  std::vector<Frame> frames;
  frames.reserve(n);
  for (const auto& b : boxes) frames.push_back(frame_of(b.quad));
  std::vector<size_t> root(n);
  std::iota(root.begin(), root.end(), 0);
  auto find = [&](size_t i) {
    while (root[i] != i) i = root[i] = root[root[i]];
    return i;
  };
  // All pairs: DB gives at most max_candidates (1000) boxes, and a pair costs a few dozen multiply-adds.
  bool joined = false;
  for (size_t i = 0; i < n; ++i)
    for (size_t j = i + 1; j < n; ++j)
      if (find(i) != find(j) && same_line(boxes[i].quad, frames[i], boxes[j].quad, frames[j], max_gap)) {
        root[find(j)] = find(i);
        joined = true;
      }
  if (!joined) return boxes;

  std::vector<std::vector<size_t>> groups(n);
  for (size_t i = 0; i < n; ++i) groups[find(i)].push_back(i);
  std::vector<DetBox> out;
  for (const auto& g : groups) {
    if (g.empty()) continue;
    if (g.size() == 1) {
      out.push_back(boxes[g[0]]);
      continue;
    }
    const size_t longest = *std::max_element(g.begin(), g.end(), [&](size_t a, size_t b) {
      return std::max(frames[a].half_w, frames[a].half_h) < std::max(frames[b].half_w, frames[b].half_h);
    });
    const cv::Point2f u = long_axis(frames[longest]).first, v(-u.y, u.x);
    float a0 = FLT_MAX, a1 = -FLT_MAX, b0 = FLT_MAX, b1 = -FLT_MAX, score = 0, length = 0;
    for (size_t i : g) {
      const auto [lo, hi] = extent(boxes[i].quad, u);
      const auto [top, bottom] = extent(boxes[i].quad, v);
      a0 = std::min(a0, lo), a1 = std::max(a1, hi), b0 = std::min(b0, top), b1 = std::max(b1, bottom);
      score += boxes[i].score * (hi - lo);
      length += hi - lo;
    }
    DetBox joined_box;
    const cv::Point2f corners[4] = {a0 * u + b0 * v, a1 * u + b0 * v, a1 * u + b1 * v, a0 * u + b1 * v};
    for (int k = 0; k < 4; ++k)
      joined_box.quad[k] = {std::clamp(static_cast<int>(std::lround(corners[k].x)), 0, image.width - 1),
                            std::clamp(static_cast<int>(std::lround(corners[k].y)), 0, image.height - 1)};
    joined_box.score = length > 0 ? score / length : boxes[g[0]].score;
    out.push_back(joined_box);
  }
  return out;
}

TextCrop crop_text_region(const cv::Mat& image, const Quad& quad, const CropMargins& margins) {
  MiniBox box = get_mini_box(std::vector<cv::Point>(quad.begin(), quad.end()));
  QuadF p = box.quad;
  int w = static_cast<int>(std::max(cv::norm(p[0] - p[1]), cv::norm(p[2] - p[3])));
  int h = static_cast<int>(std::max(cv::norm(p[0] - p[3]), cv::norm(p[1] - p[2])));
  w = std::max(w, 1);
  h = std::max(h, 1);
  const bool turn = h >= 1.5 * w;  // decided on the box itself, as PaddleOCR does, whatever the margins
  const int left = static_cast<int>(std::lround(margins.left)), right = static_cast<int>(std::lround(margins.right));
  const int top = static_cast<int>(std::lround(margins.top)), bottom = static_cast<int>(std::lround(margins.bottom));
  if (left > 0 || right > 0 || top > 0 || bottom > 0) {
    const auto [u, v] = unit_axes(p);
    const float l = static_cast<float>(left), r = static_cast<float>(right), t = static_cast<float>(top), b = static_cast<float>(bottom);
    p = {p[0] - l * u - t * v, p[1] + r * u - t * v, p[2] + r * u + b * v, p[3] - l * u + b * v};
  }
  const int cw = w + left + right, ch = h + top + bottom;
  const cv::Point2f dst[4] = {{0.f, 0.f}, {float(cw), 0.f}, {float(cw), float(ch)}, {0.f, float(ch)}};
  cv::Mat m = cv::getPerspectiveTransform(p.data(), dst);
  TextCrop crop;
  cv::warpPerspective(image, crop.image, m, cv::Size(cw, ch), cv::INTER_CUBIC, cv::BORDER_REPLICATE);
  crop.to_image = cv::Matx33d(cv::Mat(m.inv()));
  crop.inner_top = static_cast<float>(top);
  crop.inner_bottom = static_cast<float>(top + h);
  if (turn) {  // np.rot90: the right margin becomes the top one
    cv::rotate(crop.image, crop.image, cv::ROTATE_90_COUNTERCLOCKWISE);
    crop.to_image = crop.to_image * quarter_turn_ccw(cw);
    crop.inner_top = static_cast<float>(right);
    crop.inner_bottom = static_cast<float>(right + w);
  }
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
