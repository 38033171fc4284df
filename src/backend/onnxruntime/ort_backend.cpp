#include "backend/onnxruntime/ort_backend.h"

#include <algorithm>
#include <cstdlib>
#include <mutex>
#include <optional>
#include <thread>

#include "backend/backend_config.h"
#include "backend/onnxruntime/lookup_table_op.h"
#include "backend/onnxruntime/ort_api.h"
#include "backend/onnxruntime/ort_library.h"
#include "core/file_util.h"
#include "hpocr/error.h"
#include "hpocr/logging.h"
#include "hpocr/parameters.h"

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

void check(OrtStatus* status, const std::string& what) {
  if (!status) return;
  std::string msg = Ort::GetApi().GetErrorMessage(status);
  Ort::GetApi().ReleaseStatus(status);
  throw Error(ErrorCode::BackendUnavailable, what + ": " + msg);
}

/// backend_config as the ONNX Runtime engine uses it (prior_knowledge.yaml lists the keys).
struct OrtOptions {
  std::optional<int> cpu_num_threads;
  std::optional<GraphOptimizationLevel> graph_optimization_level;
  std::optional<bool> intra_op_spinning, force_spinning_stop, enable_cpu_mem_arena, enable_mem_pattern;
  bool shared_arena = false;
  bool use_tensorrt_ep = false;
  bool trt_fp16 = false;      ///< precision fp16, for the TensorRT execution provider
  nlohmann::json applied = nlohmann::json::object();  ///< the session keys given, as the settings report them

  static OrtOptions parse(const nlohmann::json& config, std::string_view model_name) {
    BackendConfigReader r(config, "onnxruntime", model_name);
    OrtOptions o;
    o.cpu_num_threads = r.integer("cpu_num_threads", 1);
    if (auto level = r.choice("graph_optimization_level", {"disable", "basic", "extended", "all"})) {
      o.graph_optimization_level = *level == "disable"  ? ORT_DISABLE_ALL
                                   : *level == "basic"  ? ORT_ENABLE_BASIC
                                   : *level == "extended" ? ORT_ENABLE_EXTENDED
                                                          : ORT_ENABLE_ALL;
      o.applied["graph_optimization_level"] = *level;
    }
    const auto session_flag = [&](const char* key, std::optional<bool>& field) {
      field = r.flag(key);
      if (field) o.applied[key] = *field;
    };
    session_flag("intra_op_spinning", o.intra_op_spinning);
    session_flag("force_spinning_stop", o.force_spinning_stop);
    session_flag("enable_cpu_mem_arena", o.enable_cpu_mem_arena);
    session_flag("enable_mem_pattern", o.enable_mem_pattern);
    std::optional<bool> shared;
    session_flag("shared_arena", shared);
    o.shared_arena = shared.value_or(false);
    o.use_tensorrt_ep = r.flag("use_tensorrt_ep").value_or(false);
    r.flag("cache_optimized_model");  // the engine cache (hpi/engine_loader.cpp) acts on it
    o.trt_fp16 = config.is_object() && config.value(param_names::kPrecision, nlohmann::json()) == "fp16";
    r.finish();
    return o;
  }
};

/// Appends the CUDA execution provider, or TensorRT first (with its engine cache) when asked for and present.
void append_gpu_providers(Ort::SessionOptions& so, const EngineOptions& options, const OrtOptions& config, nlohmann::json& settings) {
  const OrtApi& api = Ort::GetApi();
  const std::string device_id = std::to_string(options.device.id);
  if (config.use_tensorrt_ep) try {
    OrtTensorRTProviderOptionsV2* raw = nullptr;
    check(api.CreateTensorRTProviderOptions(&raw), "TensorRT execution provider");
    std::unique_ptr<OrtTensorRTProviderOptionsV2, void (*)(OrtTensorRTProviderOptionsV2*)> trt(raw, api.ReleaseTensorRTProviderOptions);
    std::string fp16 = config.trt_fp16 ? "1" : "0";
    std::string cache = options.cache_dir.string();
    std::vector<const char*> keys = {"device_id", "trt_fp16_enable"}, values = {device_id.c_str(), fp16.c_str()};
    if (!cache.empty()) {  // TensorRT engines are built once and reused from the engine cache
      keys.insert(keys.end(), {"trt_engine_cache_enable", "trt_engine_cache_path"});
      values.insert(values.end(), {"1", cache.c_str()});
    }
    check(api.UpdateTensorRTProviderOptions(trt.get(), keys.data(), values.data(), keys.size()), "TensorRT options");
    so.AppendExecutionProvider_TensorRT_V2(*trt);
    settings["execution_providers"].push_back("tensorrt");
  } catch (const std::exception& e) {
    log::warn("TensorRT execution provider unavailable, using CUDA alone: {}", e.what());
  }
  OrtCUDAProviderOptionsV2* raw = nullptr;
  check(api.CreateCUDAProviderOptions(&raw), "CUDA execution provider");
  std::unique_ptr<OrtCUDAProviderOptionsV2, void (*)(OrtCUDAProviderOptionsV2*)> cuda(raw, api.ReleaseCUDAProviderOptions);
  const char* keys[] = {"device_id"};
  const char* values[] = {device_id.c_str()};
  check(api.UpdateCUDAProviderOptions(cuda.get(), keys, values, 1), "CUDA options");
  so.AppendExecutionProvider_CUDA_V2(*cuda);
  settings["execution_providers"].push_back("cuda");
}

Ort::Env& env() {
  static Ort::Env e(ORT_LOGGING_LEVEL_ERROR, "hpocr");
  return e;
}

/// Registers, once, a process-wide CPU arena that sessions with shared_arena use instead of one arena each:
/// the models run one after another, so one arena holds the largest model's working set instead of the sum
/// of all. Its first region is reserved large (kSharedArenaRegion): only the pages used become resident,
/// and one region lets the arena reuse and merge freed blocks across images of varied shapes, where regions
/// grown to each request piled up one per new shape (22 mixed images: peak RSS 233 vs 340 MB, 11 pages 239
/// vs 270 MB, same speed; docs/performance.md).
void register_shared_arena() {
  constexpr int kSharedArenaRegion = 128 << 20;
  static std::once_flag once;
  std::call_once(once, [] {
    Ort::MemoryInfo cpu = Ort::MemoryInfo::CreateCpu(OrtArenaAllocator, OrtMemTypeDefault);
    Ort::ArenaCfg cfg(0, /*kNextPowerOfTwo*/ 0, kSharedArenaRegion, -1);
    env().CreateAndRegisterAllocator(cpu, cfg);
  });
}

class OrtEngine final : public Engine {
 public:
  OrtEngine(const ModelDir& model, const EngineOptions& options) : model_name_(model.model_name) {
    const nlohmann::json& cfg = options.backend_config;
    const OrtOptions config = OrtOptions::parse(cfg, model_name_);
    Ort::SessionOptions so;
    settings_ = base_settings("onnxruntime", ort::library().version, options.device);
    int threads = config.cpu_num_threads.value_or(options.cpu_threads);
    if (!cfg.empty() && threads <= 0) threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    if (threads > 0) so.SetIntraOpNumThreads(threads);
    settings_["cpu_num_threads"] = threads_setting(threads);
    if (config.graph_optimization_level) so.SetGraphOptimizationLevel(*config.graph_optimization_level);
    if (config.intra_op_spinning) so.AddConfigEntry("session.intra_op.allow_spinning", *config.intra_op_spinning ? "1" : "0");
    if (config.force_spinning_stop) so.AddConfigEntry("session.force_spinning_stop", *config.force_spinning_stop ? "1" : "0");
    if (config.enable_cpu_mem_arena) *config.enable_cpu_mem_arena ? so.EnableCpuMemArena() : so.DisableCpuMemArena();
    if (config.enable_mem_pattern) *config.enable_mem_pattern ? so.EnableMemPattern() : so.DisableMemPattern();
    if (config.shared_arena) {
      register_shared_arena();
      so.AddConfigEntry("session.use_env_allocators", "1");
    }
    settings_.update(config.applied);
    // HPOCR_ORT_PROFILE=<prefix>: ONNX Runtime's per-node profile of every session, written to
    // <prefix><model name>_<date>.json when the session ends (docs/int8.md, "Where INT8 time goes").
    if (const char* prefix = std::getenv("HPOCR_ORT_PROFILE"); prefix && *prefix) {
      const std::string file = std::string(prefix) + model_name_;
      so.EnableProfiling(file.c_str());
    }
    std::unique_lock<std::mutex> first_custom_session;  // ai.hpocr.LookupTable, used by INT8 models only
    const bool custom_ops = ort::uses_custom_ops(model.model_file);
    if (custom_ops) first_custom_session = ort::add_custom_ops(so);
    if (options.device.type == "gpu") append_gpu_providers(so, options, config, settings_);
    if (!cfg.empty()) {
      so.SetExecutionMode(ExecutionMode::ORT_SEQUENTIAL);
      so.SetInterOpNumThreads(1);  // one model runs at a time per stage: all threads go to intra-op work
    }
    try {
      session_ = options.cache_dir.empty() ? std::make_unique<Ort::Session>(env(), model.model_file.c_str(), so)
                                           : cached_session(model, options.cache_dir, so);
      if (custom_ops) ort::custom_ops_registered();
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

 private:
  /// The engine cache: the optimised graph ORT writes on the first load is reused on later loads, which then
  /// skip the graph transformations (the entry's key covers model bytes, ORT version, settings and CPU).
  std::unique_ptr<Ort::Session> cached_session(const ModelDir& model, const std::filesystem::path& dir, Ort::SessionOptions& so) {
    // Saved as ONNX: ORT's own flatbuffer format was measured to load slower here (replaying its optimisations).
    const auto cached = dir / "model.optimized.onnx";
    settings_["engine_cache"] = dir.string();
    if (std::filesystem::exists(cached)) {
      try {
        Ort::SessionOptions warm = so.Clone();
        warm.SetGraphOptimizationLevel(ORT_DISABLE_ALL);
        auto session = std::make_unique<Ort::Session>(env(), cached.c_str(), warm);
        settings_["engine_cache_hit"] = true;
        return session;
      } catch (const Ort::Exception& e) {
        log::warn("{}: engine cache entry {} is unusable ({}); rebuilding it", model_name_, dir.string(), e.what());
        std::error_code ec;
        std::filesystem::remove_all(dir, ec);
      }
    }
    settings_["engine_cache_hit"] = false;
    std::unique_ptr<Ort::Session> session;
    try {
      publish_directory(dir, [&](const std::filesystem::path& tmp) {
        Ort::SessionOptions writer = so.Clone();
        writer.SetOptimizedModelFilePath((tmp / cached.filename()).c_str());
        session = std::make_unique<Ort::Session>(env(), model.model_file.c_str(), writer);
      });
    } catch (const Ort::Exception& e) {
      // The cache is an optimisation: if writing the entry fails (disk full, directory removed meanwhile),
      // run without it. A broken model fails again just below, with ORT's own message.
      log::warn("{}: cannot write the engine cache entry {} ({}); running without it", model_name_, dir.string(), e.what());
      session.reset();
    }
    return session ? std::move(session) : std::make_unique<Ort::Session>(env(), model.model_file.c_str(), so);
  }

 public:
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
    if (device.type == "gpu") {
      // Probe, do not assume: appending the CUDA provider loads its shared library (and CUDA) for real.
      // (GetAvailableProviders is no guide: builds with shared provider libraries may not list them.)
      try {
        env();  // providers log through the environment's logger
        Ort::SessionOptions so;
        nlohmann::json ignored;
        EngineOptions probe_options;
        probe_options.device = device;
        append_gpu_providers(so, probe_options, OrtOptions{}, ignored);
      } catch (const std::exception& e) {
        return {false, lib.version, std::string("the CUDA execution provider of ONNX Runtime cannot start: ") + e.what()};
      }
    }
    return {true, lib.version, ""};
  }

  bool accepts(ModelFormat format) const override { return format == ModelFormat::Onnx; }

  std::unique_ptr<Engine> load(const ModelDir& model, const EngineOptions& options) const override {
    auto a = probe(options.device);
    if (!a.available) throw Error(ErrorCode::BackendUnavailable, a.reason);
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
