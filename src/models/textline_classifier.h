// Text line orientation (0° / 180°). Supports the ppocr mobile v2 classifier (ClsResizeImg: aspect-preserving
// resize with right padding) and PP-LCNet textline models (ResizeImage: plain resize).
#pragma once
#include <vector>

#include "hpocr/models.h"
#include "hpocr/result.h"
#include "models/loaded_model.h"
#include "models/preprocess.h"

namespace hpocr {

class TextlineClassifier {
 public:
  TextlineClassifier(const std::filesystem::path& model_dir, const LoadRequest& request);
  /// One Orientation per crop. A crop counts as rotated only when the 180° class wins with score >= threshold.
  std::vector<Orientation> classify(const std::vector<cv::Mat>& crops, int batch_size, StageTimings* t = nullptr) const;
  const LoadedModel& model() const { return model_; }

 private:
  LoadedModel model_;
  Normalize norm_;
  int height_ = 48, width_ = 192;
  bool keep_ratio_ = true;   // ClsResizeImg pads; ResizeImage stretches
  int rotated_class_ = 1;    // index of the 180° label
  float threshold_ = 0.9f;
};

}  // namespace hpocr
