// Writing results: PaddleOCR-compatible JSON and the visualisation image.
#pragma once
#include <filesystem>

#include <nlohmann/json.hpp>

#include "hpocr/result.h"

namespace hpocr {

/// The result as PaddleOCR 3.x writes it (input_path, page_index, model_settings, dt_polys, text_det_params,
/// text_type, textline_orientation_angles, text_rec_score_thresh, return_word_box, rec_texts, rec_scores,
/// rec_polys, rec_boxes).
nlohmann::ordered_json to_json(const OcrResult& result);

/// Boxes on the image (left) beside the recognised texts drawn in their boxes (right).
cv::Mat render_visualization(const OcrResult& result, const std::filesystem::path& font);

/// File stem for outputs: the input's stem, or "image"; with "_<page_index>" for a PDF page (as PaddleX).
std::string output_stem(const OcrResult& result);

/// Encodes `image` by the path's extension and writes it; Error(Io) with the reason on failure.
void write_image_file(const std::filesystem::path& path, const cv::Mat& image);

/// Writes <stem>_res.json into `dir` (created if needed); returns the path. Error(Io) on failure.
std::filesystem::path save_json(const OcrResult& result, const std::filesystem::path& dir);
/// Writes <stem>_ocr_res_img.png into `dir`; returns the path. Error(Io) on failure.
std::filesystem::path save_visualization(const OcrResult& result, const std::filesystem::path& dir,
                                         const std::filesystem::path& font);

}  // namespace hpocr
