// Shared image -> tensor steps of the PP-OCR models.
#pragma once
#include <array>

#include <opencv2/core.hpp>

#include "format/model_dir.h"

namespace hpocr {

/// out = (pixel * scale - mean) / std per channel, channels in the image's (BGR) order as PaddleOCR does.
struct Normalize {
  std::array<float, 3> mean{0.f, 0.f, 0.f};
  std::array<float, 3> std{1.f, 1.f, 1.f};
  float scale = 1.f / 255.f;

  /// From the model's NormalizeImage transform, else `fallback`. Error(ModelFormat) on malformed values.
  static Normalize from_model(const ModelDir& model, const Normalize& fallback);
  static Normalize imagenet() { return {{0.485f, 0.456f, 0.406f}, {0.229f, 0.224f, 0.225f}, 1.f / 255.f}; }
  static Normalize symmetric() { return {{0.5f, 0.5f, 0.5f}, {0.5f, 0.5f, 0.5f}, 1.f / 255.f}; }
};

/// Writes the 8-bit BGR `img` normalised into the top-left of a planar [3, plane_h, plane_w] float buffer.
/// The rest of the planes is left untouched (callers pre-zero it: PaddleOCR pads with 0 after normalisation).
void write_chw(const cv::Mat& img, const Normalize& norm, float* dst, int plane_h, int plane_w);

/// A number from YAML that may be written as an expression like "1./255.".
float yaml_float(const YAML::Node& node, const std::string& what);

}  // namespace hpocr
