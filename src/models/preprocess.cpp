#include "models/preprocess.h"

#include <cmath>

#include "hpocr/error.h"

namespace hpocr {

float yaml_float(const YAML::Node& node, const std::string& what) {
  std::string s;
  try {
    s = node.as<std::string>();
  } catch (const YAML::Exception&) {
    throw Error(ErrorCode::ModelFormat, what + " must be a number");
  }
  // PaddleX writes the scale as "1./255."
  auto parse = [&](const std::string& t) {
    size_t used = 0;
    float v = 0;
    try {
      v = std::stof(t, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used != t.size() || t.empty()) throw Error(ErrorCode::ModelFormat, what + " = '" + s + "' is not a number");
    if (!std::isfinite(v)) throw Error(ErrorCode::ModelFormat, what + " = '" + s + "' is not finite");
    return v;
  };
  auto slash = s.find('/');
  if (slash == std::string::npos) return parse(s);
  float den = parse(s.substr(slash + 1));
  if (den == 0.f) throw Error(ErrorCode::ModelFormat, what + " divides by zero");
  return parse(s.substr(0, slash)) / den;
}

Normalize Normalize::from_model(const ModelDir& model, const Normalize& fallback) {
  YAML::Node n = model.transform("NormalizeImage");
  if (!n || !n.IsMap()) return fallback;
  Normalize out = fallback;
  auto triple = [&](const char* key, std::array<float, 3>& dst) {
    YAML::Node v = yaml_at(n, {key});
    if (!v) return;
    if (!v.IsSequence() || v.size() != 3)
      throw Error(ErrorCode::ModelFormat, model.model_name + ": NormalizeImage." + key + " must be a list of 3 numbers");
    for (size_t i = 0; i < 3; ++i) dst[i] = yaml_float(v[i], model.model_name + ": NormalizeImage." + key);
  };
  triple("mean", out.mean);
  triple("std", out.std);
  for (float s : out.std)
    if (s == 0.f) throw Error(ErrorCode::ModelFormat, model.model_name + ": NormalizeImage.std contains 0");
  if (YAML::Node scale = yaml_at(n, {"scale"})) out.scale = yaml_float(scale, model.model_name + ": NormalizeImage.scale");
  return out;
}

void write_chw(const cv::Mat& img, const Normalize& norm, float* dst, int plane_h, int plane_w) {
  CV_Assert(img.type() == CV_8UC3 && img.rows <= plane_h && img.cols <= plane_w);
  // Per channel: v * a + b with a = scale / std, b = -mean / std (one multiply-add per value).
  float a[3], b[3];
  for (int c = 0; c < 3; ++c) {
    a[c] = norm.scale / norm.std[c];
    b[c] = -norm.mean[c] / norm.std[c];
  }
  const size_t plane = static_cast<size_t>(plane_h) * plane_w;
  for (int y = 0; y < img.rows; ++y) {
    const uchar* src = img.ptr<uchar>(y);
    float* d0 = dst + static_cast<size_t>(y) * plane_w;
    float* d1 = d0 + plane;
    float* d2 = d1 + plane;
    for (int x = 0; x < img.cols; ++x) {
      d0[x] = src[3 * x] * a[0] + b[0];
      d1[x] = src[3 * x + 1] * a[1] + b[1];
      d2[x] = src[3 * x + 2] * a[2] + b[2];
    }
  }
}

}  // namespace hpocr
