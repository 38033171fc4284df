// PaddleX-style pipeline configuration files (`paddlex_config`): a YAML like PaddleX's OCR.yaml whose values
// become the defaults that command-line / API arguments then override.
#pragma once
#include <filesystem>

#include "hpocr/options.h"

namespace hpocr {

/// Applies the file to `options`. Understood: use_textline_orientation, use_hpip, hpi_config, and under
/// SubModules.TextDetection {model_dir, limit_side_len, limit_type, max_side_limit, thresh, box_thresh,
/// unclip_ratio, use_hpip?, hpi_config}, SubModules.TextRecognition {model_dir, batch_size, score_thresh,
/// hpi_config}, SubModules.TextLineOrientation {model_dir, batch_size, hpi_config}. Relative model_dir
/// values are relative to the file. Throws Error(InvalidArgument) naming the key for unreadable files and
/// wrong types; unknown keys are ignored with a warning (PaddleX files carry keys for other pipelines).
void apply_pipeline_config(const std::filesystem::path& file, OcrOptions& options);

/// An hpi_config given inline (JSON or YAML mapping) or as a path to a YAML/JSON file.
HpiConfig parse_hpi_config(const std::string& text_or_path);

}  // namespace hpocr
