#include "backend/onnxruntime/ort_backend.h"

#include <thread>

#include "backend/onnxruntime/ort_api.h"
#include "backend/onnxruntime/ort_library.h"
#include "core/logging.h"
#include "hpocr/error.h"

namespace hpocr {
namespace {

DataType from_ort(ONNXTensorElementDataType t, const std::string& where) {
  switch (t) {
    case ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT: return DataType::Float32;
    case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT64: return DataType::Int64;
    case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT32: return DataType::Int32;
    case ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT8: return DataType::UInt8;
    default:
      throw Error(ErrorCode::UnsupportedOp, where + ": tensor element type " + std::to_string(int(t)) + " is not supported");
  }
}

ONNXTensorElementDataType to_ort(DataType t) {
  switch (t) {
    case DataType::Float32: return ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT;
    case DataType::Int64: return ONNX_TENSOR_ELEMENT_DATA_TYPE_INT64;
    case DataType::Int32: return ONNX_TENSOR_ELEMENT_DATA_TYPE_INT32;
    case DataType::UInt8: return ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT8;
  }
  return ONNX_TENSOR_ELEMENT_DATA_TYPE_UNDEFINED;
}

Ort::Env& env() {
  static Ort::Env e(ORT_LOGGING_LEVEL_ERROR, "hpocr");
  return e;
}

class OrtEngine final : public Engine {
 public:
  OrtEngine(const ModelDir& model, const EngineOptions& options) : model_name_(model.model_name) {
    Ort::SessionOptions so;
    int threads = options.cpu_threads;
    if (options.tuned) {
      // One model runs at a time per pipeline stage: all cores intra-op, no inter-op pool.
      if (threads <= 0) threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
      so.SetGraphOptimizationLevel(GraphOptimizationLevel::ORT_ENABLE_ALL);
      so.SetExecutionMode(ExecutionMode::ORT_SEQUENTIAL);
      so.SetInterOpNumThreads(1);
    }
    if (threads > 0) so.SetIntraOpNumThreads(threads);
    settings_ = {{"backend", "onnxruntime"},
                 {"version", ort::library().version},
                 {"device", "cpu"},
                 {"cpu_num_threads", threads > 0 ? nlohmann::json(threads) : nlohmann::json("default")},
                 {"tuned", options.tuned}};
    try {
      session_ = std::make_unique<Ort::Session>(env(), model.model_file.c_str(), so);
    } catch (const Ort::Exception& e) {
      throw Error(ErrorCode::ModelFormat,
                  "ONNX Runtime cannot load " + model.model_file.string() + " (" + model_name_ + "): " + e.what());
    }
    Ort::AllocatorWithDefaultOptions alloc;
    auto describe = [&](Ort::TypeInfo info, std::string name) {
      auto t = info.GetTensorTypeAndShapeInfo();
      return TensorInfo{std::move(name), from_ort(t.GetElementType(), model_name_), t.GetShape()};
    };
    for (size_t i = 0; i < session_->GetInputCount(); ++i)
      signature_.inputs.push_back(describe(session_->GetInputTypeInfo(i), session_->GetInputNameAllocated(i, alloc).get()));
    for (size_t i = 0; i < session_->GetOutputCount(); ++i)
      signature_.outputs.push_back(describe(session_->GetOutputTypeInfo(i), session_->GetOutputNameAllocated(i, alloc).get()));
    for (auto& t : signature_.inputs) input_names_.push_back(t.name.c_str());
    for (auto& t : signature_.outputs) output_names_.push_back(t.name.c_str());
  }

  std::vector<Tensor> run(std::span<const Tensor> inputs) const override {
    if (inputs.size() != signature_.inputs.size())
      throw Error(ErrorCode::Inference, model_name_ + ": expected " + std::to_string(signature_.inputs.size()) +
                                            " inputs, got " + std::to_string(inputs.size()));
    static const Ort::MemoryInfo cpu = Ort::MemoryInfo::CreateCpu(OrtArenaAllocator, OrtMemTypeDefault);
    std::vector<Ort::Value> values;
    values.reserve(inputs.size());
    for (const auto& t : inputs)
      values.push_back(Ort::Value::CreateTensor(cpu, t.raw(), t.bytes(), t.shape().data(), t.shape().size(), to_ort(t.dtype())));
    std::vector<Ort::Value> outputs;
    try {
      outputs = session_->Run(Ort::RunOptions{nullptr}, input_names_.data(), values.data(), values.size(),
                              output_names_.data(), output_names_.size());
    } catch (const Ort::Exception& e) {
      std::string shapes;
      for (const auto& t : inputs) shapes += " " + t.describe();
      throw Error(ErrorCode::Inference, model_name_ + ": ONNX Runtime failed on input" + shapes + ": " + e.what());
    }
    std::vector<Tensor> result;
    result.reserve(outputs.size());
    for (auto& v : outputs) {
      auto info = v.GetTensorTypeAndShapeInfo();
      auto owner = std::make_shared<Ort::Value>(std::move(v));
      // The output buffer is handed over as is: the tensor keeps the Ort::Value alive.
      result.emplace_back(info.GetShape(), from_ort(info.GetElementType(), model_name_), owner->GetTensorMutableRawData(),
                          owner);
    }
    return result;
  }

  const ModelSignature& signature() const override { return signature_; }
  nlohmann::json settings() const override { return settings_; }

 private:
  std::string model_name_;
  std::unique_ptr<Ort::Session> session_;
  ModelSignature signature_;
  std::vector<const char*> input_names_, output_names_;
  nlohmann::json settings_;
};

class OrtBackend final : public Backend {
 public:
  std::string_view name() const override { return "onnxruntime"; }

  Availability probe(const Device& device) const override {
    const auto& lib = ort::library();
    if (!lib.api) return {false, "", lib.error};
    if (device.type != "cpu")
      return {false, lib.version, "the ONNX Runtime at " + lib.path + " is a CPU-only build"};
    return {true, lib.version, ""};
  }

  bool accepts(ModelFormat format) const override { return format == ModelFormat::Onnx; }

  std::unique_ptr<Engine> load(const ModelDir& model, const EngineOptions& options) const override {
    auto a = probe(options.device);
    if (!a.available) throw Error(ErrorCode::BackendUnavailable, "onnxruntime: " + a.reason);
    if (!accepts(model.format))
      throw Error(ErrorCode::ModelFormat, "onnxruntime cannot load a " + to_string(model.format) + " model");
    auto engine = std::make_unique<OrtEngine>(model, options);
    log::debug("{}: loaded on onnxruntime {} ({})", model.model_name, a.version, engine->settings().dump());
    return engine;
  }
};

}  // namespace

std::unique_ptr<Backend> make_onnxruntime_backend() { return std::make_unique<OrtBackend>(); }

}  // namespace hpocr
