#include "backend/paddle/pd_engine.h"

#include <limits>
#include <mutex>
#include <string>
#include <vector>

#include "backend/backend_config.h"
#include "backend/paddle/pd_c_api.h"
#include "hpocr/logging.h"

namespace hpocr {
namespace {

/// The C functions the engine calls, bound once per load.
struct PdApi {
  pd::config_create_fn config_create;
  pd::config_set_model_fn config_set_model;
  pd::config_set_cpu_math_library_num_threads_fn config_set_threads;
  pd::config_switch_ir_optim_fn config_switch_ir_optim;
  pd::config_enable_mkldnn_fn config_enable_mkldnn;
  pd::config_set_mkldnn_cache_capacity_fn config_set_mkldnn_cache_capacity;  // may be null
  pd::config_enable_use_gpu_fn config_enable_use_gpu;
  pd::predictor_create_fn predictor_create;
  pd::predictor_clone_fn predictor_clone;
  pd::predictor_destroy_fn predictor_destroy;
  pd::predictor_get_names_fn get_input_names, get_output_names;
  pd::predictor_get_infos_fn get_input_infos, get_output_infos;  // may be null (Paddle < 2.5)
  pd::io_infos_destroy_fn io_infos_destroy;                      // null when the two above are
  pd::predictor_get_handle_fn get_input_handle, get_output_handle;
  pd::predictor_run_fn run;
  pd::tensor_destroy_fn tensor_destroy;
  pd::tensor_reshape_fn tensor_reshape;
  pd::tensor_copy_from_cpu_float_fn copy_from_float;
  pd::tensor_copy_from_cpu_int64_fn copy_from_int64;
  pd::tensor_copy_from_cpu_int32_fn copy_from_int32;
  pd::tensor_copy_from_cpu_uint8_fn copy_from_uint8;
  pd::tensor_copy_to_cpu_float_fn copy_to_float;
  pd::tensor_copy_to_cpu_int64_fn copy_to_int64;
  pd::tensor_copy_to_cpu_int32_fn copy_to_int32;
  pd::tensor_copy_to_cpu_uint8_fn copy_to_uint8;
  pd::tensor_get_shape_fn tensor_get_shape;
  pd::tensor_get_data_type_fn tensor_get_data_type;
  pd::one_dim_array_int32_destroy_fn int32_array_destroy;
  pd::one_dim_array_cstr_destroy_fn cstr_array_destroy;

  explicit PdApi(const DynamicLibrary& lib)
      : config_create(lib.require<pd::config_create_fn>("PD_ConfigCreate")),
        config_set_model(lib.require<pd::config_set_model_fn>("PD_ConfigSetModel")),
        config_set_threads(lib.require<pd::config_set_cpu_math_library_num_threads_fn>("PD_ConfigSetCpuMathLibraryNumThreads")),
        config_switch_ir_optim(lib.require<pd::config_switch_ir_optim_fn>("PD_ConfigSwitchIrOptim")),
        config_enable_mkldnn(lib.require<pd::config_enable_mkldnn_fn>("PD_ConfigEnableMKLDNN")),
        config_set_mkldnn_cache_capacity(lib.find<pd::config_set_mkldnn_cache_capacity_fn>("PD_ConfigSetMkldnnCacheCapacity")),
        config_enable_use_gpu(lib.require<pd::config_enable_use_gpu_fn>("PD_ConfigEnableUseGpu")),
        predictor_create(lib.require<pd::predictor_create_fn>("PD_PredictorCreate")),
        predictor_clone(lib.require<pd::predictor_clone_fn>("PD_PredictorClone")),
        predictor_destroy(lib.require<pd::predictor_destroy_fn>("PD_PredictorDestroy")),
        get_input_names(lib.require<pd::predictor_get_names_fn>("PD_PredictorGetInputNames")),
        get_output_names(lib.require<pd::predictor_get_names_fn>("PD_PredictorGetOutputNames")),
        get_input_infos(lib.find<pd::predictor_get_infos_fn>("PD_PredictorGetInputInfos")),
        get_output_infos(lib.find<pd::predictor_get_infos_fn>("PD_PredictorGetOutputInfos")),
        io_infos_destroy(lib.find<pd::io_infos_destroy_fn>("PD_IOInfosDestroy")),
        get_input_handle(lib.require<pd::predictor_get_handle_fn>("PD_PredictorGetInputHandle")),
        get_output_handle(lib.require<pd::predictor_get_handle_fn>("PD_PredictorGetOutputHandle")),
        run(lib.require<pd::predictor_run_fn>("PD_PredictorRun")),
        tensor_destroy(lib.require<pd::tensor_destroy_fn>("PD_TensorDestroy")),
        tensor_reshape(lib.require<pd::tensor_reshape_fn>("PD_TensorReshape")),
        copy_from_float(lib.require<pd::tensor_copy_from_cpu_float_fn>("PD_TensorCopyFromCpuFloat")),
        copy_from_int64(lib.require<pd::tensor_copy_from_cpu_int64_fn>("PD_TensorCopyFromCpuInt64")),
        copy_from_int32(lib.require<pd::tensor_copy_from_cpu_int32_fn>("PD_TensorCopyFromCpuInt32")),
        copy_from_uint8(lib.require<pd::tensor_copy_from_cpu_uint8_fn>("PD_TensorCopyFromCpuUint8")),
        copy_to_float(lib.require<pd::tensor_copy_to_cpu_float_fn>("PD_TensorCopyToCpuFloat")),
        copy_to_int64(lib.require<pd::tensor_copy_to_cpu_int64_fn>("PD_TensorCopyToCpuInt64")),
        copy_to_int32(lib.require<pd::tensor_copy_to_cpu_int32_fn>("PD_TensorCopyToCpuInt32")),
        copy_to_uint8(lib.require<pd::tensor_copy_to_cpu_uint8_fn>("PD_TensorCopyToCpuUint8")),
        tensor_get_shape(lib.require<pd::tensor_get_shape_fn>("PD_TensorGetShape")),
        tensor_get_data_type(lib.require<pd::tensor_get_data_type_fn>("PD_TensorGetDataType")),
        int32_array_destroy(lib.require<pd::one_dim_array_int32_destroy_fn>("PD_OneDimArrayInt32Destroy")),
        cstr_array_destroy(lib.require<pd::one_dim_array_cstr_destroy_fn>("PD_OneDimArrayCstrDestroy")) {
    if (!io_infos_destroy) get_input_infos = get_output_infos = nullptr;
  }
};

DataType from_pd(PD_DataType t, const std::string& where) {
  switch (t) {
    case PD_DATA_FLOAT32: return DataType::Float32;
    case PD_DATA_INT32: return DataType::Int32;
    case PD_DATA_INT64: return DataType::Int64;
    case PD_DATA_UINT8: return DataType::UInt8;
    default:
      throw Error(ErrorCode::UnsupportedOp, where + ": Paddle data type " + std::to_string(t) + " is not supported by hpocr");
  }
}

template <typename T>
using Owned = std::unique_ptr<T, void (*)(T*)>;

class PdEngine final : public Engine {
 public:
  PdEngine(const DynamicLibrary& lib, const ModelDir& model, const EngineOptions& options)
      : api_(lib), name_(model.model_name), prototype_(nullptr, api_.predictor_destroy),
        predictors_([this] { return clone(); }, api_.predictor_destroy) {
    const nlohmann::json& cfg = options.backend_config;
    const bool gpu = options.device.type == "gpu";
    settings_ = base_settings("paddle", lib.version, options.device);
    BackendConfigReader reader(cfg, "paddle", name_);
    const int threads = reader.integer("cpu_num_threads", 1).value_or(options.cpu_threads);
    const bool mkldnn = reader.flag("enable_mkldnn").value_or(!gpu);
    const bool ir_optim = reader.flag("switch_ir_optim").value_or(true);
    // PaddleX's default: oneDNN keeps primitives per input shape, and OCR crops come in many shapes.
    const int mkldnn_cache = reader.integer("mkldnn_cache_capacity", 0).value_or(10);
    const int gpu_mem_mb = reader.integer("gpu_mem_init_mb", 1).value_or(100);
    reader.finish();
    if (cfg.contains("gpu_mem_init_mb")) settings_["gpu_mem_init_mb"] = gpu_mem_mb;
    const std::string prog = model.model_file.string();
    const std::string params = (model.model_file.parent_path() / "inference.pdiparams").string();
    PD_Config* config = api_.config_create();
    if (!config) throw Error(ErrorCode::BackendUnavailable, name_ + ": PD_ConfigCreate failed");
    PD_Predictor* first = nullptr;
    try {
      api_.config_set_model(config, prog.c_str(), params.c_str());
      api_.config_switch_ir_optim(config, ir_optim ? 1 : 0);
      if (gpu) {
        api_.config_enable_use_gpu(config, static_cast<uint64_t>(gpu_mem_mb), options.device.id);
      } else {
        if (mkldnn) api_.config_enable_mkldnn(config);
        if (mkldnn && api_.config_set_mkldnn_cache_capacity) api_.config_set_mkldnn_cache_capacity(config, mkldnn_cache);
        if (threads > 0) api_.config_set_threads(config, threads);
      }
      // Takes the config (pd_predictor.h: __pd_take); it is not ours to destroy afterwards.
      first = api_.predictor_create(config);
    } catch (const std::exception& e) {
      throw Error(ErrorCode::ModelFormat, "Paddle Inference cannot load " + prog + " (" + name_ + "): " + e.what());
    }
    if (!first) throw Error(ErrorCode::ModelFormat, "Paddle Inference cannot load " + prog + " (" + name_ + ")");
    prototype_.reset(first);
    settings_["cpu_num_threads"] = threads_setting(threads);
    settings_["enable_mkldnn"] = mkldnn;
    if (mkldnn && api_.config_set_mkldnn_cache_capacity) settings_["mkldnn_cache_capacity"] = mkldnn_cache;
    settings_["switch_ir_optim"] = ir_optim;
    describe(first, api_.get_input_names, api_.get_input_infos, signature_.inputs, options.sample_input_shape.size());
    describe(first, api_.get_output_names, api_.get_output_infos, signature_.outputs, 0);
  }

  std::vector<Tensor> run(std::span<const Tensor> inputs) const override {
    if (inputs.size() != signature_.inputs.size())
      throw Error(ErrorCode::Inference, name_ + ": expected " + std::to_string(signature_.inputs.size()) + " inputs, got " +
                                            std::to_string(inputs.size()));
    auto lease = predictors_.acquire();
    PD_Predictor* predictor = lease.get();
    try {
      for (size_t i = 0; i < inputs.size(); ++i) set_input(predictor, signature_.inputs[i].name, inputs[i]);
      if (!api_.run(predictor)) throw std::runtime_error("PD_PredictorRun returned false");
      std::vector<Tensor> result;
      result.reserve(signature_.outputs.size());
      for (const auto& out : signature_.outputs) result.push_back(get_output(predictor, out.name));
      return result;
    } catch (const Error&) {
      throw;
    } catch (const std::exception& e) {
      std::string shapes;
      for (const auto& t : inputs) shapes += " " + t.describe();
      throw Error(ErrorCode::Inference, name_ + ": Paddle Inference failed on input" + shapes + ": " + e.what());
    }
  }

  const ModelSignature& signature() const override { return signature_; }
  nlohmann::json settings() const override { return settings_; }

 private:
  /// Predictors are not thread-safe: each concurrent run() gets its own clone (sharing the weights with Paddle's
  /// C library; hpocr's bridge builds an independent predictor, as Clone() is broken in Paddle 3.3.1). The
  /// prototype itself never runs, so cloning it never races with a run.
  PD_Predictor* clone() const {
    PD_Predictor* p = nullptr;
    try {
      std::lock_guard lock(clone_mutex_);
      p = api_.predictor_clone(prototype_.get());
    } catch (const std::exception& e) {
      throw Error(ErrorCode::Inference, name_ + ": PD_PredictorClone failed: " + e.what());
    }
    if (!p) throw Error(ErrorCode::Inference, name_ + ": PD_PredictorClone failed");
    return p;
  }

  /// Names (and, where the library has PD_PredictorGet*Infos, shapes and types) of the inputs or outputs.
  /// Without the infos, inputs get `sample_rank` dynamic dimensions and outputs an unknown shape.
  void describe(PD_Predictor* p, pd::predictor_get_names_fn names_fn, pd::predictor_get_infos_fn infos_fn,
                std::vector<TensorInfo>& out, size_t sample_rank) {
    try {
      if (infos_fn) {
        Owned<PD_IOInfos> infos(infos_fn(p), api_.io_infos_destroy);
        for (size_t i = 0; infos && i < infos->size; ++i) {
          const PD_IOInfo* io = infos->io_info[i];
          TensorInfo info;
          if (io->name && io->name->data) info.name.assign(io->name->data, io->name->size);
          info.dtype = from_pd(io->dtype, name_ + " " + info.name);
          if (io->shape) info.shape.assign(io->shape->data, io->shape->data + io->shape->size);
          out.push_back(std::move(info));
        }
        return;
      }
      Owned<PD_OneDimArrayCstr> names(names_fn(p), api_.cstr_array_destroy);
      for (size_t i = 0; names && i < names->size; ++i)
        out.push_back({names->data[i], DataType::Float32, std::vector<int64_t>(sample_rank, -1)});
    } catch (const Error&) {
      throw;
    } catch (const std::exception& e) {
      throw Error(ErrorCode::ModelFormat, name_ + ": Paddle Inference cannot describe the model: " + e.what());
    }
  }

  void set_input(PD_Predictor* p, const std::string& name, const Tensor& t) const {
    Owned<PD_Tensor> handle(api_.get_input_handle(p, name.c_str()), api_.tensor_destroy);
    if (!handle) throw Error(ErrorCode::Inference, name_ + ": Paddle Inference has no input " + name);
    std::vector<int32_t> shape;
    for (int64_t d : t.shape()) {
      if (d < 0 || d > std::numeric_limits<int32_t>::max())
        throw Error(ErrorCode::Inference, name_ + ": input " + t.describe() + " does not fit Paddle's int32 shape");
      shape.push_back(static_cast<int32_t>(d));
    }
    api_.tensor_reshape(handle.get(), shape.size(), shape.data());
    switch (t.dtype()) {
      case DataType::Float32: api_.copy_from_float(handle.get(), t.data<const float>()); break;
      case DataType::Int64: api_.copy_from_int64(handle.get(), t.data<const int64_t>()); break;
      case DataType::Int32: api_.copy_from_int32(handle.get(), t.data<const int32_t>()); break;
      case DataType::UInt8: api_.copy_from_uint8(handle.get(), t.data<const uint8_t>()); break;
    }
  }

  Tensor get_output(PD_Predictor* p, const std::string& name) const {
    Owned<PD_Tensor> handle(api_.get_output_handle(p, name.c_str()), api_.tensor_destroy);
    if (!handle) throw Error(ErrorCode::Inference, name_ + ": Paddle Inference has no output " + name);
    Owned<PD_OneDimArrayInt32> shape(api_.tensor_get_shape(handle.get()), api_.int32_array_destroy);
    if (!shape) throw Error(ErrorCode::Inference, name_ + ": Paddle Inference gave no shape for output " + name);
    std::vector<int64_t> dims(shape->data, shape->data + shape->size);
    for (int64_t d : dims)
      if (d < 0) throw Error(ErrorCode::Inference, name_ + ": Paddle Inference gave output " + name + " a negative dimension");
    Tensor out(std::move(dims), from_pd(api_.tensor_get_data_type(handle.get()), name_ + " " + name));
    if (out.numel() == 0) return out;
    switch (out.dtype()) {
      case DataType::Float32: api_.copy_to_float(handle.get(), out.data<float>()); break;
      case DataType::Int64: api_.copy_to_int64(handle.get(), out.data<int64_t>()); break;
      case DataType::Int32: api_.copy_to_int32(handle.get(), out.data<int32_t>()); break;
      case DataType::UInt8: api_.copy_to_uint8(handle.get(), out.data<uint8_t>()); break;
    }
    return out;
  }

  PdApi api_;
  std::string name_;
  ModelSignature signature_;
  nlohmann::json settings_;
  Owned<PD_Predictor> prototype_;  ///< the predictor made from the config; run() uses clones of it
  mutable std::mutex clone_mutex_;
  // Declared last: the clones go before the prototype they share weights with.
  mutable HandlePool<PD_Predictor> predictors_;
};

}  // namespace

std::unique_ptr<Engine> load_paddle_engine(const DynamicLibrary& lib, const ModelDir& model, const EngineOptions& options) {
  if (model.format == ModelFormat::Onnx)
    throw Error(ErrorCode::ModelFormat, "Paddle Inference runs Paddle models (inference.json / inference.pdmodel), not ONNX");
  auto engine = std::make_unique<PdEngine>(lib, model, options);
  log::debug("{}: loaded on paddle {} ({})", model.model_name, lib.version, engine->settings().dump());
  return engine;
}

}  // namespace hpocr
