// DB (Differentiable Binarization) post-processing, following PaddleOCR's DBPostProcess ("fast" score,
// quadrilateral boxes): probability map -> bitmap -> contours -> min-area boxes -> score -> unclip -> boxes.
#pragma once
#include <array>
#include <vector>

#include <opencv2/core.hpp>

#include "hpocr/models.h"
#include "hpocr/options.h"
#include "hpocr/result.h"

namespace hpocr {

/// Corners ordered top-left, top-right, bottom-right, bottom-left (PaddleOCR's get_mini_boxes order).
using QuadF = std::array<cv::Point2f, 4>;

struct MiniBox {
  QuadF quad;
  float short_side = 0;
};

/// Minimum-area rectangle of the points, corners in get_mini_boxes order.
MiniBox get_mini_box(const std::vector<cv::Point>& points);
MiniBox get_mini_box(const std::vector<cv::Point2f>& points);

/// Mean of `prob` (CV_32F) inside the quad (PaddleOCR box_score_fast).
float box_score_fast(const cv::Mat& prob, const QuadF& quad);

/// Expands the quad by area * ratio / perimeter with a round-joined polygon offset (Clipper).
/// Returns the expanded polygon, empty if the offset degenerates.
std::vector<cv::Point> unclip(const QuadF& quad, float unclip_ratio);

/// Boxes from one probability map (CV_32F, detector input size) scaled to `original` image size.
/// Boxes are clipped to the image and those with a side <= 3 px dropped; order is contour order.
std::vector<DetBox> db_postprocess(const cv::Mat& prob, cv::Size original, const TextDetParams& params);

}  // namespace hpocr
