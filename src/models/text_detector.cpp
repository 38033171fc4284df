#include "models/text_detector.h"

#include <cmath>

#include <opencv2/imgproc.hpp>

#include "core/timer.h"
#include "format/model_dir.h"
#include "hpocr/error.h"
#include "hpocr/parameters.h"

namespace hpocr {

cv::Size det_input_size(cv::Size image, const TextDetParams& p) {
  const double h = image.height, w = image.width;
  double ratio = 1.0;
  if (p.limit_type == LimitType::Max) {
    if (std::max(h, w) > p.limit_side_len) ratio = p.limit_side_len / std::max(h, w);
  } else if (p.limit_type == LimitType::Min) {
    if (std::min(h, w) < p.limit_side_len) ratio = p.limit_side_len / std::min(h, w);
  } else {  // resize_long
    ratio = p.limit_side_len / std::max(h, w);
  }
  double rh = static_cast<int>(h * ratio), rw = static_cast<int>(w * ratio);
  if (std::max(rh, rw) > p.max_side_limit) {
    double r = p.max_side_limit / std::max(rh, rw);
    rh = static_cast<int>(rh * r);
    rw = static_cast<int>(rw * r);
  }
  // Python's round() is half-to-even, as is nearbyint in the default rounding mode.
  int out_h = std::max(static_cast<int>(std::nearbyint(rh / 32)) * 32, 32);
  int out_w = std::max(static_cast<int>(std::nearbyint(rw / 32)) * 32, 32);
  return {out_w, out_h};
}

TextDetector::TextDetector(const std::filesystem::path& model_dir, const LoadRequest& request)
    : model_(LoadedModel::open(model_dir, ModelRole::TextDetection, request, {1, 3, 64, 64})),
      norm_(Normalize::from_model(model_.dir, Normalize::imagenet())) {}

TextDetParams TextDetector::model_params() const {
  OcrOptions o;
  o.text_det.limit_side_len = 960;
  o.text_det.limit_type = LimitType::Max;
  try {
    const YAML::Node resize = model_.dir.transform("DetResizeForTest"), post = model_.dir.postprocess();
    if (YAML::Node n = yaml_at(resize, {"resize_long"}); n && n.IsScalar()) o.text_det.limit_side_len = n.as<int>();
    for (const ParamSpec& spec : parameters()) {
      if (spec.module != role_name(ModelRole::TextDetection) || spec.type == ParamType::Path) continue;
      const std::string key(spec.key);
      for (const YAML::Node& section : {resize, post})
        if (YAML::Node n = yaml_at(section, {key.c_str()}); n && !n.IsNull()) {
          if (!n.IsScalar()) throw Error(ErrorCode::InvalidArgument, key + " is not a single value");
          set_param(o, spec, parse_param(spec, n.Scalar()));
        }
    }
  } catch (const YAML::Exception& e) {
    throw Error(ErrorCode::ModelFormat, model_.dir.model_name + ": malformed inference.yml (" + std::string(e.what()) + ")");
  } catch (const Error& e) {
    throw Error(ErrorCode::ModelFormat, model_.dir.model_name + ": unusable detection setting in inference.yml (" + e.what() + ")");
  }
  return o.text_det;
}

std::vector<DetBox> TextDetector::detect(const cv::Mat& bgr, const TextDetParams& params, StageTimings* t) const {
  Timer timer;
  cv::Size size = det_input_size(bgr.size(), params);
  cv::Mat resized;
  cv::resize(bgr, resized, size);
  Tensor input({1, 3, size.height, size.width}, DataType::Float32);
  write_chw(resized, norm_, input.data<float>(), size.height, size.width);
  double pre = timer.lap();

  Tensor out = model_.run_single(input, 4);
  double infer = timer.lap();

  const auto& s = out.shape();  // [1, 1, H, W]
  cv::Mat prob(static_cast<int>(s[2]), static_cast<int>(s[3]), CV_32F, out.data<float>());
  auto boxes = db_postprocess(prob, bgr.size(), params);
  if (t) {
    t->det_pre += pre;
    t->det_infer += infer;
    t->det_post += timer.lap();
  }
  return boxes;
}

}  // namespace hpocr
