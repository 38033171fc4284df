#include <utility>

#include "format/model_dir.h"
#include "hpocr/models.h"
#include "models/loaded_model.h"
#include "models/text_detector.h"
#include "models/text_recognizer.h"
#include "models/textline_classifier.h"

namespace fs = std::filesystem;

namespace hpocr {
namespace {

/// Loads a model class of `role` from `dir` (else the model `engine` names for the role, else the default) with
/// `engine`'s settings; the pipeline-level engine settings are the model's own.
template <class Model>
std::shared_ptr<const Model> load(const fs::path& dir, ModelRole role, const OcrOptions& engine, std::string& name, fs::path& path) {
  OcrOptions o = engine;
  o.module_hpi_config.clear();
  if (!dir.empty()) given_model_dir(o, role) = dir;
  path = model_dir(o, role);
  auto model = std::make_shared<const Model>(path, load_request(o, role));
  name = model->model().dir.model_name;
  return model;
}

}  // namespace

TextDetectionModel::TextDetectionModel(const fs::path& dir, const OcrOptions& engine)
    : model_(load<TextDetector>(dir, ModelRole::TextDetection, engine, model_name_, model_dir_)) {}

std::vector<DetBox> TextDetectionModel::detect(const cv::Mat& bgr, const TextDetParams& params) const {
  params.validate();
  return model_->detect(bgr, params);
}

TextDetParams TextDetectionModel::model_params() const { return model_->model_params(); }

TextRecognitionModel::TextRecognitionModel(const fs::path& dir, const OcrOptions& engine)
    : model_(load<TextRecognizer>(dir, ModelRole::TextRecognition, engine, model_name_, model_dir_)) {}

std::vector<Recognition> TextRecognitionModel::recognize(const std::vector<cv::Mat>& crops, int batch_size) const {
  return model_->recognize(crops, batch_size);
}

TextLineOrientationModel::TextLineOrientationModel(const fs::path& dir, const OcrOptions& engine)
    : model_(load<TextlineClassifier>(dir, ModelRole::TextLineOrientation, engine, model_name_, model_dir_)) {
  // The classifier already checked label_list (two labels, one containing "180") when present.
  const YAML::Node post = model_->model().dir.postprocess();
  YAML::Node labels = yaml_at(post, {"label_list"});
  if (!labels) labels = yaml_at(post, {"Topk", "label_list"});
  if (labels && labels.IsSequence() && labels.size() == 2) labels_ = labels.as<std::vector<std::string>>();
  rotated_index_ = labels_[1].find("180") != std::string::npos ? 1 : 0;
}

std::vector<TextlineOrientation> TextLineOrientationModel::classify(const std::vector<cv::Mat>& crops, int batch_size) const {
  std::vector<TextlineOrientation> out;
  for (const Orientation& o : model_->classify(crops, batch_size)) {
    const int id = o.class_id == 1 ? rotated_index_ : 1 - rotated_index_;
    out.push_back({id, o.score, labels_[id]});
  }
  return out;
}

std::string read_model_name(const fs::path& dir, std::string_view role) { return open_model_dir(dir, role).model_name; }

}  // namespace hpocr
