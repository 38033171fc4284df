// Box ordering and text-region cropping between detection and recognition.
#pragma once
#include <vector>

#include <opencv2/core.hpp>

#include "hpocr/result.h"

namespace hpocr {

/// Reading order: by top-left (y, x), then boxes whose top-left y differs by < 10 px are taken as one line
/// and ordered left to right (PaddleOCR sorted_boxes). Returns the permutation of indices.
std::vector<size_t> reading_order(const std::vector<Quad>& quads);

/// Perspective-crops the minimum-area rectangle around `quad` (cubic, replicated border) and turns
/// crops at least 1.5x taller than wide by 90° counter-clockwise (PaddleOCR get_minarea_rect_crop).
cv::Mat crop_text_region(const cv::Mat& image, const Quad& quad);

/// Axis-aligned [x_min, y_min, x_max, y_max] of a quad.
std::array<int, 4> bounding_box(const Quad& quad);

}  // namespace hpocr
