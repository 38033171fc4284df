// The single-model classes (PaddleX "modules"): text detection, textline orientation and text recognition on
// their own, loaded and run as the pipeline runs them (the Python TextDetection, TextRecognition and
// TextLineOrientationClassification classes).
#pragma once
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <opencv2/core.hpp>

#include "hpocr/options.h"
#include "hpocr/result.h"

namespace hpocr {

/// A detected text region.
struct DetBox {
  Quad quad;
  float score = 0;
};

/// One decoded character: its bytes in Recognition::text and the time step that emitted it.
struct CtcChar {
  int step = 0;
  int begin = 0, end = 0;
};

struct Recognition {
  std::string text;
  float score = 0;             ///< mean of the kept time steps' max probabilities; 0 for empty text
  std::vector<CtcChar> chars;  ///< the characters of `text`, with their time steps (for word boxes)
  float step_px = 0;           ///< width of one time step in the crop's pixels (set by the recogniser)
};

/// A textline's orientation as the classifier sees it.
struct Orientation {
  int class_id = 0;  ///< 0 = upright, 1 = rotated 180°
  float score = 0;
};

class TextDetector;
class TextRecognizer;
class TextlineClassifier;

/// What every single-model class tells about its model.
class SingleModel {
 public:
  const std::string& model_name() const { return model_name_; }  ///< inference.yml's Global.model_name
  const std::filesystem::path& model_dir() const { return model_dir_; }

 protected:
  std::string model_name_;
  std::filesystem::path model_dir_;
};

/// DB text detection. Each constructor loads the model in `model_dir` (empty: the model `engine` names for the
/// role by *_model_name, ocr_version and lang, as the pipeline chooses it; hpocr/model_catalog.h) with
/// the engine settings of `engine` (device, cpu_threads, enable_hpi, hpi_config, precision), as the pipeline
/// loads its own; Error(ModelFormat) or Error(BackendUnavailable) when it cannot.
class TextDetectionModel : public SingleModel {
 public:
  TextDetectionModel(const std::filesystem::path& model_dir, const OcrOptions& engine);
  /// Boxes of an 8-bit BGR image in image coordinates, in the detector's order. Error(InvalidArgument) for bad params.
  std::vector<DetBox> detect(const cv::Mat& bgr, const TextDetParams& params) const;
  /// The model's own settings from inference.yml, as PaddleX's TextDetection module reads them.
  TextDetParams model_params() const;

 private:
  std::shared_ptr<const TextDetector> model_;
};

/// CTC text recognition of line crops.
class TextRecognitionModel : public SingleModel {
 public:
  TextRecognitionModel(const std::filesystem::path& model_dir, const OcrOptions& engine);
  /// One Recognition per 8-bit BGR crop, in the crops' order; crops run `batch_size` at a time, sorted by width.
  std::vector<Recognition> recognize(const std::vector<cv::Mat>& crops, int batch_size) const;

 private:
  std::shared_ptr<const TextRecognizer> model_;
};

/// One crop's class as the orientation model names it.
struct TextlineOrientation {
  int class_id = 0;   ///< index into TextLineOrientationModel::labels()
  float score = 0;
  std::string label;  ///< labels()[class_id], e.g. "0_degree" or "180"
};

/// Textline orientation (0 or 180 degrees).
class TextLineOrientationModel : public SingleModel {
 public:
  TextLineOrientationModel(const std::filesystem::path& model_dir, const OcrOptions& engine);
  /// One result per 8-bit BGR crop, `batch_size` at a time.
  std::vector<TextlineOrientation> classify(const std::vector<cv::Mat>& crops, int batch_size) const;
  /// The model's label_list from inference.yml ({"0", "180"} when it has none).
  const std::vector<std::string>& labels() const { return labels_; }

 private:
  std::shared_ptr<const TextlineClassifier> model_;
  std::vector<std::string> labels_{"0", "180"};
  int rotated_index_ = 1;
};

/// inference.yml's Global.model_name in `model_dir`; `role` ("text detection", ...) names the model in errors.
/// Error(ModelFormat) when the directory holds no usable model.
std::string read_model_name(const std::filesystem::path& model_dir, std::string_view role);

}  // namespace hpocr
