// DB text detector: resize + normalise, run, DB post-processing.
#pragma once
#include "hpocr/options.h"
#include "hpocr/result.h"
#include "models/db_postprocess.h"
#include "models/loaded_model.h"
#include "models/preprocess.h"

namespace hpocr {

/// Detector input size for an image (PaddleOCR DetResizeForTest type 0): limit by side, cap, multiples of 32.
cv::Size det_input_size(cv::Size image, const TextDetParams& params);

class TextDetector {
 public:
  TextDetector(const std::filesystem::path& model_dir, const LoadRequest& request);
  /// Boxes in original image coordinates, in contour order (not yet sorted). Adds stage times to `t`.
  std::vector<DetBox> detect(const cv::Mat& bgr, const TextDetParams& params, StageTimings* t = nullptr) const;
  const LoadedModel& model() const { return model_; }
  /// The model's own settings from inference.yml, as PaddleX's TextDetection module reads them: DetResizeForTest
  /// (`resize_long: N` is limit_type "max" with limit_side_len N; 960 / "max" when absent) and DBPostProcess's
  /// thresholds; the pipeline uses PaddleOCR's defaults instead. Error(ModelFormat) for unusable values.
  TextDetParams model_params() const;

 private:
  LoadedModel model_;
  Normalize norm_;
};

}  // namespace hpocr
