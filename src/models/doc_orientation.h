// Document orientation (PaddleOCR's document preprocessor, its orientation half): a page classifier of four
// classes (0, 90, 180, 270: the clockwise angle the page content is turned by), e.g. PP-LCNet_x1_0_doc_ori or
// PaddleClas's PULC text_image_orientation. Input: short side resized to 256, centre crop 224, ImageNet mean/std.
#pragma once
#include <array>

#include "hpocr/result.h"
#include "models/loaded_model.h"
#include "models/preprocess.h"

namespace hpocr {

/// The classifier's reading of one page.
struct PageOrientation {
  int angle = 0;           ///< the angle acted on: the model's, or 0 when it was not confident enough
  int model_angle = 0;     ///< the model's best class
  float score = 0;         ///< its probability
};

class DocOrientationClassifier {
 public:
  /// Below this probability a turn is not made (a blank page, a picture, one short line or a page of vertical
  /// Chinese columns must not be turned on a guess). On 64 labelled pages turned 0/90/180/270 every right
  /// decision scored 0.917-0.929 and every wrong one at most 0.854 (docs/accuracy.md, "Document orientation").
  static constexpr float kMinScore = 0.9f;

  DocOrientationClassifier(const std::filesystem::path& model_dir, const LoadRequest& request);
  /// The page's orientation; the time counts as doc_ori in `t`.
  PageOrientation classify(const cv::Mat& bgr, StageTimings* t = nullptr) const;
  const LoadedModel& model() const { return model_; }

 private:
  LoadedModel model_;
  Normalize norm_;
  int resize_short_ = 256, crop_ = 224;
  std::array<int, 4> angles_{0, 90, 180, 270};  ///< per class, from label_list
};

/// `bgr` turned counter-clockwise by `angle` (0, 90, 180 or 270), which undoes a page turned clockwise by it
/// (PaddleX's rotate_image for doc_preprocessor_res.angle).
cv::Mat turn_counter_clockwise(const cv::Mat& bgr, int angle);

}  // namespace hpocr
