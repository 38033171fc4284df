#include "models/doc_orientation.h"

#include <algorithm>
#include <cmath>
#include <string>

#include <opencv2/imgproc.hpp>

#include "core/timer.h"
#include "hpocr/error.h"

namespace hpocr {

DocOrientationClassifier::DocOrientationClassifier(const std::filesystem::path& model_dir, const LoadRequest& request)
    : model_(LoadedModel::open(model_dir, ModelRole::DocOrientationClassify, request, {1, 3, 224, 224})) {
  const std::string& name = model_.dir.model_name;
  auto bad = [&](const std::string& why) { throw Error(ErrorCode::ModelFormat, name + ": " + why); };
  try {
    if (YAML::Node r = yaml_at(model_.dir.transform("ResizeImage"), {"resize_short"})) resize_short_ = r.as<int>();
    if (YAML::Node c = yaml_at(model_.dir.transform("CropImage"), {"size"})) crop_ = c.as<int>();
    norm_ = Normalize::from_model(model_.dir, Normalize::imagenet());
    YAML::Node labels = yaml_at(model_.dir.postprocess(), {"Topk", "label_list"});
    if (!labels) labels = yaml_at(model_.dir.postprocess(), {"label_list"});
    if (labels) {
      const auto list = labels.as<std::vector<std::string>>();
      if (list.size() != 4) bad("label_list must have four labels (0, 90, 180, 270)");
      for (size_t i = 0; i < 4; ++i) {
        angles_[i] = std::stoi(list[i]);
        if (angles_[i] % 90 != 0 || angles_[i] < 0 || angles_[i] >= 360) bad("label '" + list[i] + "' is not 0, 90, 180 or 270");
      }
    }
  } catch (const YAML::Exception& e) {
    bad(std::string("malformed inference.yml: ") + e.what());
  } catch (const std::logic_error&) {  // std::stoi
    bad("label_list must hold the angles 0, 90, 180 and 270");
  }
  if (crop_ < 16 || crop_ > 1024 || resize_short_ < crop_ || resize_short_ > 4096) bad("implausible input size in inference.yml");
}

PageOrientation DocOrientationClassifier::classify(const cv::Mat& bgr, StageTimings* t) const {
  Timer timer;
  // PaddleClas's ResizeImage(resize_short) + CropImage: the short side to resize_short_, then the centre crop.
  const double scale = static_cast<double>(resize_short_) / std::min(bgr.cols, bgr.rows);
  const int w = std::max(crop_, static_cast<int>(std::lround(bgr.cols * scale)));
  const int h = std::max(crop_, static_cast<int>(std::lround(bgr.rows * scale)));
  cv::Mat resized;
  cv::resize(bgr, resized, cv::Size(w, h));
  const cv::Mat crop = resized(cv::Rect((w - crop_) / 2, (h - crop_) / 2, crop_, crop_));
  Tensor input({1, 3, crop_, crop_}, DataType::Float32);
  write_chw(crop, norm_, input.data<float>(), crop_, crop_);
  const Tensor probs = model_.run_single(input, 2);
  if (probs.shape()[1] != 4)
    throw Error(ErrorCode::ModelFormat, model_.dir.model_name + ": expected 4 orientation classes, got " + probs.describe());
  const float* p = probs.data<float>();
  const int best = static_cast<int>(std::max_element(p, p + 4) - p);
  PageOrientation out{angles_[best], angles_[best], p[best]};
  if (out.score < kMinScore) out.angle = 0;
  if (t) t->doc_ori += timer.lap();
  return out;
}

cv::Mat turn_counter_clockwise(const cv::Mat& bgr, int angle) {
  cv::Mat out;
  switch (angle) {
    case 90: cv::rotate(bgr, out, cv::ROTATE_90_COUNTERCLOCKWISE); return out;
    case 180: cv::rotate(bgr, out, cv::ROTATE_180); return out;
    case 270: cv::rotate(bgr, out, cv::ROTATE_90_CLOCKWISE); return out;
    default: return bgr;
  }
}

}  // namespace hpocr
