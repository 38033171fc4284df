#include "models/text_recognizer.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include <opencv2/imgproc.hpp>

#include "core/timer.h"
#include "hpocr/error.h"

namespace hpocr {

TextRecognizer::TextRecognizer(const std::filesystem::path& model_dir, const LoadRequest& request)
    : model_(LoadedModel::open(model_dir, "text recognition", request, {1, 3, 48, 320})), decoder_(CtcDecoder::from_model(model_.dir)) {
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
  const auto& out = sig.outputs[0].shape;
  if (!out.empty() && out.size() != 3)  // some backends only know output shapes after a run
    throw Error(ErrorCode::ModelFormat, model_.dir.model_name + ": a CTC recognizer must output [N, T, classes]");
  if (out.size() == 3 && out[2] > 0 && static_cast<size_t>(out[2]) != decoder_.num_classes())
    throw Error(ErrorCode::ModelFormat,
                model_.dir.model_name + ": the dictionary gives " + std::to_string(decoder_.num_classes()) +
                    " classes (blank + entries + space) but the model outputs " + std::to_string(out[2]) +
                    "; use the dictionary the model was trained with");
}

std::vector<Recognition> TextRecognizer::recognize(const std::vector<cv::Mat>& crops, int batch_size, StageTimings* t) const {
  std::vector<Recognition> results(crops.size());
  std::vector<size_t> order(crops.size());
  std::iota(order.begin(), order.end(), 0);
  auto ratio = [&](size_t i) { return static_cast<double>(crops[i].cols) / crops[i].rows; };
  // Sorting by aspect ratio keeps similar widths together, so little of each batch is padding.
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return ratio(a) < ratio(b); });

  Timer timer;
  for (size_t begin = 0; begin < order.size(); begin += batch_size) {
    const size_t end = std::min(order.size(), begin + static_cast<size_t>(batch_size));
    double max_ratio = static_cast<double>(base_width_) / height_;
    for (size_t k = begin; k < end; ++k) max_ratio = std::max(max_ratio, ratio(order[k]));
    const int width = std::min(static_cast<int>(height_ * max_ratio), kMaxWidth);

    Tensor input({static_cast<int64_t>(end - begin), 3, height_, width}, DataType::Float32);
    const size_t sample = static_cast<size_t>(3) * height_ * width;
    cv::Mat resized;
    for (size_t k = begin; k < end; ++k) {
      const cv::Mat& crop = crops[order[k]];
      int w = std::min(static_cast<int>(std::ceil(height_ * ratio(order[k]))), width);
      cv::resize(crop, resized, cv::Size(std::max(w, 1), height_));
      write_chw(resized, norm_, input.data<float>() + (k - begin) * sample, height_, width);
    }
    if (t) t->rec_pre += timer.lap();

    Tensor out = model_.run_single(input, 3);
    if (t) t->rec_infer += timer.lap();

    const auto& s = out.shape();  // [N, T, C]
    if (static_cast<size_t>(s[2]) != decoder_.num_classes())
      throw Error(ErrorCode::ModelFormat, model_.dir.model_name + ": model outputs " + std::to_string(s[2]) +
                                              " classes but the dictionary gives " + std::to_string(decoder_.num_classes()));
    const size_t steps = static_cast<size_t>(s[1]), classes = static_cast<size_t>(s[2]);
    for (size_t k = begin; k < end; ++k)
      results[order[k]] = decoder_.decode(out.data<float>() + (k - begin) * steps * classes, steps, classes);
    if (t) t->rec_post += timer.lap();
  }
  return results;
}

}  // namespace hpocr
