// The result of OCR on one image, with PaddleOCR 3.x field names.
#pragma once
#include <array>
#include <optional>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "hpocr/options.h"

namespace hpocr {

/// Four corners, clockwise from top-left, in original image pixels.
using Quad = std::array<cv::Point, 4>;

/// Wall-clock milliseconds spent per stage for one image.
struct StageTimings {
  double decode = 0, doc_ori = 0, det_pre = 0, det_infer = 0, det_post = 0, crop = 0, cls = 0, rec_pre = 0, rec_infer = 0,
         rec_post = 0, total = 0;
};

/// One image's OCR result.
struct OcrResult {
  std::string input_path;
  std::optional<int> page_index;
  cv::Mat image;                                  ///< the BGR image OCR ran on: the input, turned upright by the
                                                  ///< document orientation stage when it ran (the boxes' coordinates)
  /// With use_doc_orientation_classify: the angle (0, 90, 180, 270) the page was turned back by, counter-clockwise
  /// (PaddleOCR's doc_preprocessor_res.angle).
  std::optional<int> doc_orientation_angle;
  std::vector<Quad> dt_polys;                     ///< all detected boxes, reading order
  std::vector<float> dt_scores;
  std::vector<int> textline_orientation_angles;   ///< per dt_poly: 0, 1 (=180°), or -1 when not classified
  std::vector<std::string> rec_texts;             ///< texts whose score passed text_rec_score_thresh
  std::vector<float> rec_scores;
  std::vector<Quad> rec_polys;
  std::vector<std::array<int, 4>> rec_boxes;      ///< axis-aligned [x_min, y_min, x_max, y_max] of rec_polys
  /// With return_word_box, per rec_texts entry: its words (a CJK character is a word of its own) and their quads.
  std::vector<std::vector<std::string>> text_word;
  std::vector<std::vector<Quad>> text_word_region;
  bool return_word_box = false;
  TextDetParams text_det_params;
  float text_rec_score_thresh = 0;
  bool use_textline_orientation = false;
  StageTimings timings;
};

}  // namespace hpocr
