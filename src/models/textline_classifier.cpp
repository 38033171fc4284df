#include "models/textline_classifier.h"

#include <algorithm>
#include <cmath>

#include <opencv2/imgproc.hpp>

#include "core/timer.h"
#include "hpocr/error.h"

namespace hpocr {

TextlineClassifier::TextlineClassifier(const std::filesystem::path& model_dir, const LoadRequest& request)
    : model_(LoadedModel::open(model_dir, ModelRole::TextLineOrientation, request, {1, 3, 48, 192})) {
  const std::string& name = model_.dir.model_name;
  auto bad = [&](const std::string& why) { throw Error(ErrorCode::ModelFormat, name + ": " + why); };
  try {
    if (YAML::Node r = yaml_at(model_.dir.transform("ClsResizeImg"), {"image_shape"})) {
      auto s = r.as<std::vector<int>>();
      if (s.size() != 3) bad("ClsResizeImg.image_shape must be [3, H, W]");
      height_ = s[1];
      width_ = s[2];
      norm_ = Normalize::from_model(model_.dir, Normalize::symmetric());
    } else if (YAML::Node r = yaml_at(model_.dir.transform("ResizeImage"), {"size"})) {
      auto s = r.as<std::vector<int>>();  // [w, h]
      if (s.size() != 2) bad("ResizeImage.size must be [W, H]");
      width_ = s[0];
      height_ = s[1];
      keep_ratio_ = false;
      norm_ = Normalize::from_model(model_.dir, Normalize::imagenet());
    } else {
      norm_ = Normalize::from_model(model_.dir, Normalize::symmetric());
    }
    YAML::Node post = model_.dir.postprocess();
    YAML::Node labels = yaml_at(post, {"label_list"});
    if (!labels) labels = yaml_at(post, {"Topk", "label_list"});
    if (labels && labels.IsSequence()) {
      auto list = labels.as<std::vector<std::string>>();
      auto it = std::find_if(list.begin(), list.end(), [](const std::string& l) { return l.find("180") != std::string::npos; });
      if (list.size() != 2 || it == list.end()) bad("label_list must have two labels, one of them for 180 degrees");
      rotated_class_ = static_cast<int>(it - list.begin());
    }
    // ClsPostProcess (ppocr v2) has a threshold; PaddleX Topk (PP-LCNet) takes the arg-max.
    YAML::Node thresh = yaml_at(post, {"thresh"});
    threshold_ = thresh ? thresh.as<float>() : yaml_at(post, {"Topk"}) ? 0.f : 0.9f;
  } catch (const YAML::Exception& e) {
    bad(std::string("malformed inference.yml: ") + e.what());
  }
  if (height_ < 8 || width_ < 8 || height_ > 1024 || width_ > 4096) bad("implausible input size in inference.yml");
  if (int64_t h = model_.engine->signature().inputs[0].shape[2]; h > 0) height_ = static_cast<int>(h);
  if (int64_t w = model_.engine->signature().inputs[0].shape[3]; w > 0) width_ = static_cast<int>(w);
}

std::vector<Orientation> TextlineClassifier::classify(const std::vector<cv::Mat>& crops, int batch_size, StageTimings* t) const {
  Timer timer;
  std::vector<Orientation> out(crops.size());
  const size_t sample = static_cast<size_t>(3) * height_ * width_;
  cv::Mat resized;
  for (size_t begin = 0; begin < crops.size(); begin += batch_size) {
    const size_t end = std::min(crops.size(), begin + static_cast<size_t>(batch_size));
    Tensor input({static_cast<int64_t>(end - begin), 3, height_, width_}, DataType::Float32);
    for (size_t k = begin; k < end; ++k) {
      const cv::Mat& c = crops[k];
      int w = keep_ratio_ ? std::min(static_cast<int>(std::ceil(height_ * static_cast<double>(c.cols) / c.rows)), width_) : width_;
      cv::resize(c, resized, cv::Size(std::max(w, 1), height_));
      write_chw(resized, norm_, input.data<float>() + (k - begin) * sample, height_, width_);
    }
    Tensor probs = model_.run_single(input, 2);
    if (probs.shape()[1] != 2)
      throw Error(ErrorCode::ModelFormat, model_.dir.model_name + ": expected 2 orientation classes, got " + probs.describe());
    for (size_t k = begin; k < end; ++k) {
      const float* p = probs.data<float>() + (k - begin) * 2;
      int best = p[1] > p[0] ? 1 : 0;
      bool rotated = best == rotated_class_ && p[best] >= threshold_;
      out[k] = {rotated ? 1 : 0, p[best]};
    }
  }
  if (t) t->cls += timer.lap();
  return out;
}

}  // namespace hpocr
