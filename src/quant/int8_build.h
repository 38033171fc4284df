// `hpocr quantize`: calibrates the PP-OCR models on images through the real pre-processing, writes their
// INT8 (QDQ) versions into the engine cache (hpi/int8_cache.h), checks that ONNX Runtime runs integer
// kernels for them, and runs the accuracy guard, leaving the most sensitive layers in fp32 before giving up.
#pragma once
#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <opencv2/core.hpp>

#include "hpocr/result.h"
#include "quant/quantizer.h"

namespace hpocr::quant {

/// An image with the text drawn on it, top to bottom (empty for users' own calibration images).
struct LabelledImage {
  std::string name;
  cv::Mat image;  ///< 8-bit BGR
  std::vector<std::string> lines;
};

/// The guard: INT8 end-to-end CER within `max_cer_increase` (fraction: 0.005 = 0.5 points) of fp32, and
/// detection boxes agreeing (IoU >= min_iou) for at least `min_box_agreement` of the boxes.
struct GuardThresholds {
  double max_cer_increase = 0.005;
  double min_box_agreement = 0.99;
  double min_iou = 0.5;
};

struct GuardVerdict {
  bool passed = false;
  double cer_fp32 = 0, cer_int8 = 0;  ///< character error rates (spaces ignored), fractions
  double box_agreement = 1;           ///< share of boxes matched both ways (1 when neither side has boxes)
  size_t boxes_fp32 = 0, boxes_int8 = 0;
  std::string reason;                 ///< why it failed, or a summary when it passed
  nlohmann::json to_json() const;
};

/// Compares the fp32 and INT8 pipelines' results on a labelled set.
GuardVerdict judge(const std::vector<LabelledImage>& set, const std::vector<OcrResult>& fp32, const std::vector<OcrResult>& int8,
                   const GuardThresholds& thresholds);

/// The images of a directory (sorted), decoded with the usual checks. Error(InvalidInput) when the directory
/// is missing or empty, or holds no decodable image; files that fail to decode are reported and skipped.
std::vector<LabelledImage> load_image_dir(const std::filesystem::path& dir, int64_t max_image_pixels);

/// "TextDetection", "TextLineOrientation" or "TextRecognition" from inference.yml's PostProcess.name
/// (DBPostProcess, ClsPostProcess, CTCLabelDecode). Error(ModelFormat) otherwise.
std::string model_role(const std::filesystem::path& model_dir);

struct BuildRequest {
  std::vector<std::filesystem::path> model_dirs;  ///< models to quantise; empty = the three default models
  std::vector<LabelledImage> calibration;
  std::vector<LabelledImage> validation;          ///< labelled, disjoint from calibration
  QuantOptions options;
  GuardThresholds guard;
  int max_sensitivity_rounds = 3;                 ///< guard retries, each leaving more sensitive layers in fp32
  /// The models the guard's pipeline uses for the roles not being quantised (role name -> directory); the
  /// default models where a role is missing. A pipeline building its INT8 models on first use passes its own.
  std::map<std::string, std::filesystem::path> context_dirs;
  /// Called with a one-line account of each phase (calibration, each model's guard rounds), for progress output.
  std::function<void(const std::string&)> progress;
};

/// Quantises each model, publishes its cache entry (with quant.json and guard.json) and returns one report
/// per model ({model_name, role, entry, passed, guard, excluded, integer_kernels, ...}).
nlohmann::json build_int8_models(const BuildRequest& request);

}  // namespace hpocr::quant
