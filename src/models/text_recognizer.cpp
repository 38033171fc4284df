#include "models/text_recognizer.h"

#include <algorithm>
#include <cmath>
#include <atomic>
#include <exception>
#include <functional>
#include <mutex>
#include <numeric>
#include <thread>

#include <opencv2/imgproc.hpp>

#include "core/timer.h"
#include "hpocr/error.h"

namespace hpocr {

TextRecognizer::TextRecognizer(const std::filesystem::path& model_dir, const LoadRequest& request)
    : model_(LoadedModel::open(model_dir, ModelRole::TextRecognition, request, {1, 3, 48, 320})), decoder_(CtcDecoder::from_model(model_.dir)) {
  if (YAML::Node r = yaml_at(model_.dir.transform("RecResizeImg"), {"image_shape"})) {
    std::vector<int> shape;
    try {
      shape = r.as<std::vector<int>>();
    } catch (const YAML::Exception&) {
    }
    if (shape.size() != 3 || shape[1] < 8 || shape[2] < 8)
      throw Error(ErrorCode::ModelFormat, model_.dir.model_name + ": RecResizeImg.image_shape must be [3, H, W]");
    height_ = shape[1];
    base_width_ = shape[2];
  }
  const auto& sig = model_.engine->signature();
  if (int64_t h = sig.inputs[0].shape[2]; h > 0) height_ = static_cast<int>(h);
  schedule_.min_width = base_width_;
  if (const auto& s = model_.schedule) {
    schedule_.batch_size = s->batch_size.value_or(schedule_.batch_size);
    schedule_.min_width = std::min(s->min_width.value_or(schedule_.min_width), kMaxWidth);
    schedule_.parallel_runs = s->parallel_runs;
  }
  const auto& out = sig.outputs[0].shape;
  if (!out.empty() && out.size() != 3)  // some backends only know output shapes after a run
    throw Error(ErrorCode::ModelFormat, model_.dir.model_name + ": a CTC recognizer must output [N, T, classes]");
  if (out.size() == 3 && out[2] > 0 && static_cast<size_t>(out[2]) != decoder_.num_classes())
    throw Error(ErrorCode::ModelFormat,
                model_.dir.model_name + ": the dictionary gives " + std::to_string(decoder_.num_classes()) +
                    " classes (blank + entries + space) but the model outputs " + std::to_string(out[2]) +
                    "; use the dictionary the model was trained with");
}

int TextRecognizer::resized_width(const cv::Mat& crop, int batch_width) const {
  return std::clamp(static_cast<int>(std::ceil(height_ * static_cast<double>(crop.cols) / crop.rows)), 1, batch_width);
}

/// One recognize() call: the crops in width order and where their readings go.
struct TextRecognizer::Job {
  const std::vector<cv::Mat>& crops;
  std::vector<size_t> order;  ///< crop indices by aspect ratio
  size_t batch_size;
  float space_threshold;
  std::vector<Recognition>& results;

  double ratio(size_t i) const { return static_cast<double>(crops[i].cols) / crops[i].rows; }
  size_t batches() const { return (order.size() + batch_size - 1) / batch_size; }
};

void TextRecognizer::run_batch(const Job& job, size_t begin, StageTimings& st) const {
  Timer timer;
  const size_t end = std::min(job.order.size(), begin + job.batch_size);
  double max_ratio = static_cast<double>(schedule_.min_width) / height_;
  for (size_t k = begin; k < end; ++k) max_ratio = std::max(max_ratio, job.ratio(job.order[k]));
  // At least a few time steps wide: a user's sliver of a crop must not reach the model 1 pixel wide.
  const int width = std::clamp(static_cast<int>(height_ * max_ratio), kMinWidth, kMaxWidth);

  Tensor input({static_cast<int64_t>(end - begin), 3, height_, width}, DataType::Float32);
  const size_t sample = static_cast<size_t>(3) * height_ * width;
  cv::Mat resized;
  for (size_t k = begin; k < end; ++k) {
    const cv::Mat& crop = job.crops[job.order[k]];
    cv::resize(crop, resized, cv::Size(resized_width(crop, width), height_));
    write_chw(resized, norm_, input.data<float>() + (k - begin) * sample, height_, width);
  }
  st.rec_pre += timer.lap();

  Tensor out = model_.run_single(input, 3);
  st.rec_infer += timer.lap();

  const auto& s = out.shape();  // [N, T, C]
  if (static_cast<size_t>(s[2]) != decoder_.num_classes())
    throw Error(ErrorCode::ModelFormat, model_.dir.model_name + ": model outputs " + std::to_string(s[2]) +
                                            " classes but the dictionary gives " + std::to_string(decoder_.num_classes()));
  const size_t steps = static_cast<size_t>(s[1]), classes = static_cast<size_t>(s[2]);
  for (size_t k = begin; k < end; ++k) {
    Recognition& r = job.results[job.order[k]];
    r = decoder_.decode(out.data<float>() + (k - begin) * steps * classes, steps, classes, job.space_threshold);
    // input pixels per step, scaled from the resized crop back to the crop
    const cv::Mat& crop = job.crops[job.order[k]];
    r.step_px = static_cast<float>(static_cast<double>(width) / steps * crop.cols / resized_width(crop, width));
  }
  st.rec_post += timer.lap();
}

namespace {

/// Runs `run(b, worker)` for batches 0..batches-1 on `workers` threads (the caller's one among them), widest
/// batches (the last ones) first, so that no run is left with a long line at the end while the others idle.
/// The first exception stops the remaining batches and is rethrown.
void run_side_by_side(size_t batches, int workers, const std::function<void(size_t, int)>& run) {
  std::atomic<size_t> next{0};
  std::mutex error_mutex;
  std::exception_ptr error;
  auto work = [&](int w) {
    try {
      for (size_t b; (b = next++) < batches;) run(batches - 1 - b, w);
    } catch (...) {
      std::lock_guard lock(error_mutex);
      if (!error) error = std::current_exception();
      next = batches;
    }
  };
  {
    std::vector<std::jthread> pool;
    for (int w = 1; w < workers; ++w) pool.emplace_back(work, w);
    work(0);
  }
  if (error) std::rethrow_exception(error);
}

}  // namespace

std::vector<Recognition> TextRecognizer::recognize(const std::vector<cv::Mat>& crops, int batch_size, StageTimings* t,
                                                   float space_threshold) const {
  std::vector<Recognition> results(crops.size());
  Job job{crops, std::vector<size_t>(crops.size()), static_cast<size_t>(batch_size > 0 ? batch_size : schedule_.batch_size),
          space_threshold, results};
  std::iota(job.order.begin(), job.order.end(), 0);
  // Sorting by aspect ratio keeps similar widths together, so little of each batch is padding.
  std::stable_sort(job.order.begin(), job.order.end(), [&](size_t a, size_t b) { return job.ratio(a) < job.ratio(b); });

  const size_t batches = job.batches();
  const int workers = static_cast<int>(std::min<size_t>(schedule_.parallel_runs, batches));
  std::vector<StageTimings> spent(std::max(workers, 1));
  Timer wall;
  if (workers <= 1) {
    for (size_t b = 0; b < batches; ++b) run_batch(job, b * job.batch_size, spent[0]);
  } else {
    run_side_by_side(batches, workers, [&](size_t b, int w) { run_batch(job, b * job.batch_size, spent[w]); });
  }
  if (t) {
    // Stage shares from the runs' own clocks, scaled to the wall time the caller waited.
    StageTimings sum;
    for (const auto& s : spent) {
      sum.rec_pre += s.rec_pre;
      sum.rec_infer += s.rec_infer;
      sum.rec_post += s.rec_post;
    }
    const double busy = sum.rec_pre + sum.rec_infer + sum.rec_post, scale = busy > 0 ? wall.lap() / busy : 0.0;
    t->rec_pre += sum.rec_pre * scale;
    t->rec_infer += sum.rec_infer * scale;
    t->rec_post += sum.rec_post * scale;
  }
  return results;
}

}  // namespace hpocr
