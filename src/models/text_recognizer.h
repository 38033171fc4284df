// CTC text recognizer: height-48 resize keeping aspect ratio, batches sorted by width, greedy CTC decoding.
#pragma once
#include <vector>

#include "hpocr/result.h"
#include "models/ctc_decoder.h"
#include "models/loaded_model.h"
#include "models/preprocess.h"

namespace hpocr {

/// How crops are fed to the engine. Without HPI PaddleOCR's: batches of 6, each at least the model's base
/// width (320) wide, one run at a time; with HPI the prior knowledge's `schedule` for the chosen backend.
struct RecSchedule {
  int batch_size = 6;
  int min_width = 320;     ///< batches narrower than this are padded to it (0: no padding beyond the widest crop)
  int parallel_runs = 1;   ///< batches run side by side (each engine run single-threaded when > 1)
};

class TextRecognizer {
 public:
  TextRecognizer(const std::filesystem::path& model_dir, const LoadRequest& request);
  /// One Recognition per crop, in the crops' order. Crops are 8-bit BGR. `batch_size` 0 = the schedule's.
  /// `space_threshold` > 0 restores word gaps the greedy decoding dropped (CtcDecoder::decode).
  std::vector<Recognition> recognize(const std::vector<cv::Mat>& crops, int batch_size, StageTimings* t = nullptr,
                                     float space_threshold = 0) const;
  const RecSchedule& schedule() const { return schedule_; }
  const LoadedModel& model() const { return model_; }

  static constexpr int kMaxWidth = 3200;  ///< wider batches are squeezed to this width (as PaddleX does)
  static constexpr int kMinWidth = 16;    ///< narrower batches are padded to this width

 private:
  struct Job;
  /// Width of `crop` resized to the model's height, within a batch `batch_width` wide.
  int resized_width(const cv::Mat& crop, int batch_width) const;
  /// Reads the batch of `job` that starts at `begin` (in width order) into its results, timing its stages in `st`.
  void run_batch(const Job& job, size_t begin, StageTimings& st) const;

  LoadedModel model_;
  CtcDecoder decoder_;
  Normalize norm_ = Normalize::symmetric();
  int height_ = 48, base_width_ = 320;
  RecSchedule schedule_;
};

}  // namespace hpocr
