#include "backend/opencv/opencv_backend.h"

#include <algorithm>
#include <mutex>

#include <opencv2/core/utils/logger.hpp>
#include <opencv2/dnn.hpp>

#include "backend/backend_config.h"
#include "hpocr/error.h"

namespace hpocr {
namespace {

class OpenCvEngine final : public Engine {
 public:
  OpenCvEngine(const ModelDir& model, const EngineOptions& options) : model_name_(model.model_name) {
    cv::utils::logging::setLogLevel(cv::utils::logging::LOG_LEVEL_SILENT);
    try {
      net_ = cv::dnn::readNetFromONNX(model.model_file.string());
    } catch (const cv::Exception& e) {
      throw Error(ErrorCode::UnsupportedOp, "OpenCV DNN cannot import " + model_name_ + ": " + one_line(e.err));
    }
    net_.setPreferableBackend(cv::dnn::DNN_BACKEND_OPENCV);
    net_.setPreferableTarget(cv::dnn::DNN_TARGET_CPU);
    out_names_ = net_.getUnconnectedOutLayersNames();
    signature_.inputs.push_back({"x", DataType::Float32, options.sample_input_shape.empty()
                                                             ? std::vector<int64_t>{-1, -1, -1, -1}
                                                             : std::vector<int64_t>(options.sample_input_shape.size(), -1)});
    for (const auto& n : out_names_) signature_.outputs.push_back({n, DataType::Float32, {}});
    BackendConfigReader config(options.backend_config, "opencv", model_name_);
    // No finish(): OpenCV DNN, the last fallback, has no other settings and ignores keys meant for the others.
    const int threads = config.integer("cpu_num_threads", 1).value_or(options.cpu_threads);
    settings_ = base_settings("opencv", CV_VERSION, Device{});
    settings_["cpu_num_threads"] = threads_setting(threads);
    if (threads > 0) cv::setNumThreads(threads);
    // Importing is not enough: OpenCV may only fail on the first forward (shape inference), so run one now.
    if (!options.sample_input_shape.empty()) {
      Tensor probe(options.sample_input_shape, DataType::Float32);
      try {
        run(std::span<const Tensor>(&probe, 1));
      } catch (const Error& e) {
        throw Error(ErrorCode::UnsupportedOp, "OpenCV DNN imports " + model_name_ + " but cannot run it: " + e.what());
      }
    }
  }

  std::vector<Tensor> run(std::span<const Tensor> inputs) const override {
    if (inputs.size() != 1 || inputs[0].dtype() != DataType::Float32)
      throw Error(ErrorCode::Inference, model_name_ + ": the OpenCV backend takes one float32 input");
    std::vector<int> dims(inputs[0].shape().begin(), inputs[0].shape().end());
    cv::Mat blob(static_cast<int>(dims.size()), dims.data(), CV_32F, inputs[0].raw());
    std::vector<cv::Mat> outs;
    {
      std::lock_guard lock(mutex_);  // cv::dnn::Net is not thread-safe
      try {
        net_.setInput(blob);
        net_.forward(outs, out_names_);
      } catch (const cv::Exception& e) {
        throw Error(ErrorCode::Inference, model_name_ + ": OpenCV DNN failed on " + inputs[0].describe() + ": " + one_line(e.err));
      }
    }
    std::vector<Tensor> result;
    for (auto& m : outs) {
      if (m.type() != CV_32F) throw Error(ErrorCode::Inference, model_name_ + ": OpenCV returned a non-float output");
      auto owner = std::make_shared<cv::Mat>(m.isContinuous() ? m : m.clone());
      std::vector<int64_t> shape(owner->size.p, owner->size.p + owner->dims);
      result.emplace_back(std::move(shape), DataType::Float32, owner->data, owner);
    }
    return result;
  }

  const ModelSignature& signature() const override { return signature_; }
  nlohmann::json settings() const override { return settings_; }

 private:
  static std::string one_line(std::string s) {
    std::replace(s.begin(), s.end(), '\n', ' ');
    return s.size() > 300 ? s.substr(0, 300) + "..." : s;
  }

  std::string model_name_;
  mutable cv::dnn::Net net_;
  mutable std::mutex mutex_;
  std::vector<std::string> out_names_;
  ModelSignature signature_;
  nlohmann::json settings_;
};

class OpenCvBackend final : public Backend {
 public:
  std::string_view name() const override { return "opencv"; }
  Availability probe(const Device& device) const override {
    if (device.type != "cpu") return {false, CV_VERSION, "OpenCV DNN is used on CPU only"};
    return {true, CV_VERSION, ""};
  }
  bool accepts(ModelFormat format) const override { return format == ModelFormat::Onnx; }
  std::unique_ptr<Engine> load(const ModelDir& model, const EngineOptions& options) const override {
    return std::make_unique<OpenCvEngine>(model, options);
  }
};

}  // namespace

std::unique_ptr<Backend> make_opencv_backend() { return std::make_unique<OpenCvBackend>(); }

}  // namespace hpocr
