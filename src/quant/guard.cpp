#include "quant/guard.h"

#include <algorithm>
#include <cstdio>
#include <tuple>

#include <opencv2/imgproc.hpp>

#include "hpocr/text_metrics.h"

namespace hpocr::quant {
namespace {

std::vector<cv::Point2f> points(const Quad& q) { return {q.begin(), q.end()}; }

/// Share of `part`'s area inside `whole`.
double covered(const Quad& part, const Quad& whole) {
  std::vector<cv::Point2f> inter;
  const double a = cv::contourArea(points(part));
  return a > 0 ? cv::intersectConvexConvex(points(part), points(whole), inter, true) / a : 0.0;
}

float centre_x(const Quad& q) { return (q[0].x + q[1].x + q[2].x + q[3].x) / 4.f; }

/// Detections matched one to one with label boxes, best overlaps first.
size_t matched_boxes(const std::vector<Quad>& labels, const std::vector<Quad>& detections, double min_iou) {
  std::vector<std::tuple<double, size_t, size_t>> pairs;
  for (size_t l = 0; l < labels.size(); ++l)
    for (size_t d = 0; d < detections.size(); ++d)
      if (double iou = quad_iou(labels[l], detections[d]); iou >= min_iou) pairs.emplace_back(iou, l, d);
  std::sort(pairs.begin(), pairs.end(), [](const auto& a, const auto& b) { return std::get<0>(a) > std::get<0>(b); });
  std::vector<bool> label_used(labels.size()), det_used(detections.size());
  size_t n = 0;
  for (const auto& [iou, l, d] : pairs) {
    if (label_used[l] || det_used[d]) continue;
    label_used[l] = det_used[d] = true;
    ++n;
  }
  return n;
}

/// Line-assigned character errors: each recognised line goes to the label box covering most of it.
PageScore line_errors(const LabelledImage& truth, const OcrResult& result) {
  PageScore s;
  std::vector<std::vector<size_t>> given(truth.boxes.size());
  for (size_t i = 0; i < result.rec_texts.size(); ++i) {
    size_t best = 0;
    double best_cover = 0;
    for (size_t l = 0; l < truth.boxes.size(); ++l)
      if (double c = covered(result.rec_polys[i], truth.boxes[l]); c > best_cover) best_cover = c, best = l;
    if (best_cover >= 0.5) given[best].push_back(i);
    else s.errors += char_count(without_spaces(result.rec_texts[i]));
  }
  for (size_t l = 0; l < truth.boxes.size(); ++l) {
    std::sort(given[l].begin(), given[l].end(),
              [&](size_t a, size_t b) { return centre_x(result.rec_polys[a]) < centre_x(result.rec_polys[b]); });
    std::string read;
    for (size_t i : given[l]) read += without_spaces(result.rec_texts[i]);
    const std::string want = without_spaces(truth.lines[l]);
    s.chars += char_count(want);
    s.errors += edit_distance(read, want);
  }
  return s;
}

/// Share of boxes in `from` that overlap some box of `to` with IoU >= min_iou.
size_t overlapping(const std::vector<Quad>& from, const std::vector<Quad>& to, double min_iou) {
  size_t n = 0;
  for (const auto& q : from) {
    double best = 0;
    for (const auto& r : to) best = std::max(best, quad_iou(q, r));
    n += best >= min_iou;
  }
  return n;
}

}  // namespace

PageScore& PageScore::operator+=(const PageScore& o) {
  chars += o.chars, errors += o.errors, labels += o.labels, detections += o.detections, matched += o.matched;
  return *this;
}

double quad_iou(const Quad& a, const Quad& b) {
  std::vector<cv::Point2f> inter;
  const double aa = cv::contourArea(points(a)), ab = cv::contourArea(points(b));
  if (aa <= 0 || ab <= 0) return 0;
  const double i = cv::intersectConvexConvex(points(a), points(b), inter, true);
  return i / (aa + ab - i);
}

PageScore score_page(const LabelledImage& truth, const OcrResult& result, const OcrResult& reference, double min_iou) {
  if (!truth.boxes.empty()) {
    PageScore s = line_errors(truth, result);
    s.labels = truth.boxes.size();
    s.detections = result.dt_polys.size();
    s.matched = matched_boxes(truth.boxes, result.dt_polys, min_iou);
    return s;
  }
  std::string want, read;
  for (const auto& l : truth.lines) want += without_spaces(l);
  if (truth.lines.empty())  // unlabelled image: fp32 is the reference
    for (const auto& l : reference.rec_texts) want += without_spaces(l);
  for (const auto& l : result.rec_texts) read += without_spaces(l);
  PageScore s;
  s.chars = char_count(want);
  s.errors = edit_distance(read, want);
  return s;
}

double detection_hmean(const PageScore& s) {
  if (s.labels == 0 && s.detections == 0) return 1.0;
  const double p = s.detections ? static_cast<double>(s.matched) / s.detections : 0.0;
  const double r = s.labels ? static_cast<double>(s.matched) / s.labels : 0.0;
  return p + r > 0 ? 2 * p * r / (p + r) : 0.0;
}

nlohmann::json GuardVerdict::to_json() const {
  nlohmann::json j = {{"passed", passed},
                      {"cer_fp32", cer_fp32},
                      {"cer_int8", cer_int8},
                      {"cer_increase_points", 100.0 * (cer_int8 - cer_fp32)},
                      {"box_agreement", box_agreement},
                      {"boxes_fp32", boxes_fp32},
                      {"boxes_int8", boxes_int8},
                      {passed ? "summary" : "reason", reason}};
  if (labelled_boxes) {
    j["labelled_boxes"] = labelled_boxes;
    j["det_hmean_fp32"] = hmean_fp32;
    j["det_hmean_int8"] = hmean_int8;
    j["det_hmean_drop_points"] = 100.0 * (hmean_fp32 - hmean_int8);
  }
  return j;
}

GuardVerdict judge(const std::vector<LabelledImage>& set, const std::vector<OcrResult>& fp32, const std::vector<OcrResult>& int8,
                   const GuardThresholds& t) {
  GuardVerdict v;
  PageScore s32, s8;
  size_t m32 = 0, m8 = 0;
  for (size_t i = 0; i < set.size() && i < fp32.size() && i < int8.size(); ++i) {
    s32 += score_page(set[i], fp32[i], fp32[i], t.min_iou);
    s8 += score_page(set[i], int8[i], fp32[i], t.min_iou);
    // Agreement with fp32's boxes stands in for the truth where there is none; a page with labelled boxes is
    // judged against them (Hmean): there INT8 may draw a box differently from fp32 and still as well.
    if (!set[i].boxes.empty()) continue;
    v.boxes_fp32 += fp32[i].dt_polys.size();
    v.boxes_int8 += int8[i].dt_polys.size();
    m32 += overlapping(fp32[i].dt_polys, int8[i].dt_polys, t.min_iou);
    m8 += overlapping(int8[i].dt_polys, fp32[i].dt_polys, t.min_iou);
  }
  v.cer_fp32 = s32.chars ? static_cast<double>(s32.errors) / s32.chars : 0;
  v.cer_int8 = s8.chars ? static_cast<double>(s8.errors) / s8.chars : 0;
  const size_t most = std::max(v.boxes_fp32, v.boxes_int8);
  v.box_agreement = most ? static_cast<double>(std::min(m32, m8)) / most : 1.0;
  v.labelled_boxes = s32.labels;
  v.hmean_fp32 = detection_hmean(s32);
  v.hmean_int8 = detection_hmean(s8);
  char buf[384];
  int n = std::snprintf(buf, sizeof buf, "CER %.2f%% fp32 vs %.2f%% int8 (limit +%.2f points), boxes agree %.1f%% (limit %.1f%%, IoU >= %.2f)",
                        100 * v.cer_fp32, 100 * v.cer_int8, 100 * t.max_cer_increase, 100 * v.box_agreement,
                        100 * t.min_box_agreement, t.min_iou);
  if (v.labelled_boxes && n > 0 && static_cast<size_t>(n) < sizeof buf)
    std::snprintf(buf + n, sizeof buf - n, ", detection Hmean on %zu labelled lines %.1f%% fp32 vs %.1f%% int8 (limit -%.1f points)",
                  v.labelled_boxes, 100 * v.hmean_fp32, 100 * v.hmean_int8, 100 * t.max_hmean_drop);
  const bool cer_ok = v.cer_int8 - v.cer_fp32 <= t.max_cer_increase + 1e-12, boxes_ok = v.box_agreement >= t.min_box_agreement;
  const bool hmean_ok = v.hmean_fp32 - v.hmean_int8 <= t.max_hmean_drop + 1e-12;
  v.passed = cer_ok && boxes_ok && hmean_ok;
  v.reason = buf;
  return v;
}

double guard_violation(const GuardVerdict& v, const GuardThresholds& t) {
  return std::max(0.0, v.cer_int8 - v.cer_fp32 - t.max_cer_increase) / std::max(t.max_cer_increase, 1e-9) +
         std::max(0.0, t.min_box_agreement - v.box_agreement) / std::max(1 - t.min_box_agreement, 1e-9) +
         std::max(0.0, v.hmean_fp32 - v.hmean_int8 - t.max_hmean_drop) / std::max(t.max_hmean_drop, 1e-9);
}

}  // namespace hpocr::quant
