// CTC text recognizer: height-48 resize keeping aspect ratio, batches sorted by width, greedy CTC decoding.
#pragma once
#include <vector>

#include "hpocr/result.h"
#include "models/ctc_decoder.h"
#include "models/loaded_model.h"
#include "models/preprocess.h"

namespace hpocr {

class TextRecognizer {
 public:
  TextRecognizer(const std::filesystem::path& model_dir, const LoadRequest& request);
  /// One Recognition per crop, in the crops' order. Crops are 8-bit BGR.
  std::vector<Recognition> recognize(const std::vector<cv::Mat>& crops, int batch_size, StageTimings* t = nullptr) const;
  const LoadedModel& model() const { return model_; }

  static constexpr int kMaxWidth = 3200;  ///< wider batches are squeezed to this width (as PaddleX does)

 private:
  LoadedModel model_;
  CtcDecoder decoder_;
  Normalize norm_ = Normalize::symmetric();
  int height_ = 48, base_width_ = 320;
};

}  // namespace hpocr
