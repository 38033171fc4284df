// The accuracy guard's judgement of an INT8 candidate against fp32 (docs/int8.md, step 6): character errors
// against the labels, detection Hmean where the labels carry boxes (document pages), and box agreement.
#pragma once
#include <cstddef>

#include "hpocr/int8.h"
#include "hpocr/result.h"

namespace hpocr::quant {

/// What one page adds to a pipeline's totals over a set.
struct PageScore {
  size_t chars = 0, errors = 0;                    ///< label characters and edit operations (spaces ignored)
  size_t labels = 0, detections = 0, matched = 0;  ///< boxes, for detection Hmean; all 0 without labelled boxes
  PageScore& operator+=(const PageScore& o);
};

/// Intersection over union of two convex quadrilaterals (0 for degenerate ones).
double quad_iou(const Quad& a, const Quad& b);

/// Scores `result` against `truth`. With labelled boxes each recognised line is given to the label box that holds
/// most of it (at least half; a line given to none counts as inserted text), so a page is scored the same
/// whatever the reading order; detection boxes match label boxes one to one at IoU >= `min_iou`. Without boxes
/// the page's texts are compared in reading order; an unlabelled page is scored against `reference` (the fp32
/// pipeline's result).
PageScore score_page(const LabelledImage& truth, const OcrResult& result, const OcrResult& reference, double min_iou);

/// Harmonic mean of detection precision and recall over the summed scores (1 when there is nothing to detect).
double detection_hmean(const PageScore& s);

/// Compares the fp32 and INT8 pipelines' results on a labelled set.
GuardVerdict judge(const std::vector<LabelledImage>& set, const std::vector<OcrResult>& fp32, const std::vector<OcrResult>& int8,
                   const GuardThresholds& thresholds);

/// How far a verdict misses the guard's limits (0 when within them), each limit's overshoot relative to it.
double guard_violation(const GuardVerdict& v, const GuardThresholds& t);

}  // namespace hpocr::quant
