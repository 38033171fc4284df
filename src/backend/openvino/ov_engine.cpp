#include "backend/openvino/ov_engine.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "backend/backend_config.h"
#include "backend/openvino/ov_c_api.h"
#include "hpocr/logging.h"

namespace hpocr {
namespace {

/// The element-type values of the loaded release: 2025.1 dropped UNDEFINED from the front of the enum, moving
/// every value down by one. A version that does not parse is taken as current.
struct OvElementTypes {
  unsigned f32 = 4, i32 = 9, i64 = 10;

  static OvElementTypes for_version(const std::string& version) {
    int major = 0, minor = 0;
    if (std::sscanf(version.c_str(), "%d.%d", &major, &minor) == 2 && (major < 2025 || (major == 2025 && minor == 0)))
      return {5, 10, 11};
    return {};
  }

  DataType from(ov_element_type_e t, const std::string& where) const {
    const auto v = static_cast<unsigned>(t);
    if (v == f32) return DataType::Float32;
    if (v == i32) return DataType::Int32;
    if (v == i64) return DataType::Int64;
    throw Error(ErrorCode::UnsupportedOp, where + ": OpenVINO element type " + std::to_string(v) +
                                              " is not supported by hpocr (float32, int32 and int64 are)");
  }

  ov_element_type_e to(DataType t, const std::string& where) const {
    switch (t) {
      case DataType::Float32: return static_cast<ov_element_type_e>(f32);
      case DataType::Int32: return static_cast<ov_element_type_e>(i32);
      case DataType::Int64: return static_cast<ov_element_type_e>(i64);
      case DataType::UInt8: break;
    }
    throw Error(ErrorCode::Inference, where + ": uint8 inputs are not passed to OpenVINO (its u8 code differs between releases)");
  }
};

/// The C functions the engine calls, bound once per load.
struct OvApi {
  ov::core_create_fn core_create;
  ov::core_free_fn core_free;
  ov::core_read_model_fn core_read_model;
  ov::core_compile_model_fn core_compile_model;
  ov::model_free_fn model_free;
  ov::compiled_model_size_fn inputs_size, outputs_size;
  ov::compiled_model_port_fn input_by_index, output_by_index;
  ov::compiled_model_create_infer_request_fn create_infer_request;
  ov::compiled_model_free_fn compiled_model_free;
  ov::port_get_any_name_fn port_get_any_name;
  ov::port_get_partial_shape_fn port_get_partial_shape;
  ov::port_get_element_type_fn port_get_element_type;
  ov::output_const_port_free_fn output_const_port_free;
  ov::partial_shape_free_fn partial_shape_free;
  ov::free_fn free;
  ov::shape_create_fn shape_create;
  ov::shape_free_fn shape_free;
  ov::tensor_create_from_host_ptr_fn tensor_create_from_host_ptr;
  ov::tensor_get_shape_fn tensor_get_shape;
  ov::tensor_get_element_type_fn tensor_get_element_type;
  ov::tensor_get_byte_size_fn tensor_get_byte_size;
  ov::tensor_data_fn tensor_data;
  ov::tensor_free_fn tensor_free;
  ov::infer_request_set_input_tensor_by_index_fn set_input_tensor_by_index;
  ov::infer_request_infer_fn infer;
  ov::infer_request_get_output_tensor_by_index_fn get_output_tensor_by_index;
  ov::infer_request_free_fn infer_request_free;
  ov::get_error_info_fn get_error_info;
  ov::get_last_err_msg_fn get_last_err_msg;  // may be null
  // Property names are exported as variables (ov_property.h): read them rather than spell them here.
  const char* key_num_threads;
  const char* key_performance_hint;
  const char* key_cache_dir;
  const char* key_precision_hint;
  const char* key_num_streams;
  OvElementTypes types;

  explicit OvApi(const DynamicLibrary& lib)
      : core_create(lib.require<ov::core_create_fn>("ov_core_create")),
        core_free(lib.require<ov::core_free_fn>("ov_core_free")),
        core_read_model(lib.require<ov::core_read_model_fn>("ov_core_read_model")),
        core_compile_model(lib.require<ov::core_compile_model_fn>("ov_core_compile_model")),
        model_free(lib.require<ov::model_free_fn>("ov_model_free")),
        inputs_size(lib.require<ov::compiled_model_size_fn>("ov_compiled_model_inputs_size")),
        outputs_size(lib.require<ov::compiled_model_size_fn>("ov_compiled_model_outputs_size")),
        input_by_index(lib.require<ov::compiled_model_port_fn>("ov_compiled_model_input_by_index")),
        output_by_index(lib.require<ov::compiled_model_port_fn>("ov_compiled_model_output_by_index")),
        create_infer_request(lib.require<ov::compiled_model_create_infer_request_fn>("ov_compiled_model_create_infer_request")),
        compiled_model_free(lib.require<ov::compiled_model_free_fn>("ov_compiled_model_free")),
        port_get_any_name(lib.require<ov::port_get_any_name_fn>("ov_port_get_any_name")),
        port_get_partial_shape(lib.require<ov::port_get_partial_shape_fn>("ov_port_get_partial_shape")),
        port_get_element_type(lib.require<ov::port_get_element_type_fn>("ov_port_get_element_type")),
        output_const_port_free(lib.require<ov::output_const_port_free_fn>("ov_output_const_port_free")),
        partial_shape_free(lib.require<ov::partial_shape_free_fn>("ov_partial_shape_free")),
        free(lib.require<ov::free_fn>("ov_free")),
        shape_create(lib.require<ov::shape_create_fn>("ov_shape_create")),
        shape_free(lib.require<ov::shape_free_fn>("ov_shape_free")),
        tensor_create_from_host_ptr(lib.require<ov::tensor_create_from_host_ptr_fn>("ov_tensor_create_from_host_ptr")),
        tensor_get_shape(lib.require<ov::tensor_get_shape_fn>("ov_tensor_get_shape")),
        tensor_get_element_type(lib.require<ov::tensor_get_element_type_fn>("ov_tensor_get_element_type")),
        tensor_get_byte_size(lib.require<ov::tensor_get_byte_size_fn>("ov_tensor_get_byte_size")),
        tensor_data(lib.require<ov::tensor_data_fn>("ov_tensor_data")),
        tensor_free(lib.require<ov::tensor_free_fn>("ov_tensor_free")),
        set_input_tensor_by_index(
            lib.require<ov::infer_request_set_input_tensor_by_index_fn>("ov_infer_request_set_input_tensor_by_index")),
        infer(lib.require<ov::infer_request_infer_fn>("ov_infer_request_infer")),
        get_output_tensor_by_index(
            lib.require<ov::infer_request_get_output_tensor_by_index_fn>("ov_infer_request_get_output_tensor_by_index")),
        infer_request_free(lib.require<ov::infer_request_free_fn>("ov_infer_request_free")),
        get_error_info(lib.require<ov::get_error_info_fn>("ov_get_error_info")),
        get_last_err_msg(lib.find<ov::get_last_err_msg_fn>("ov_get_last_err_msg")),
        key_num_threads(*lib.require<const char* const*>("ov_property_key_inference_num_threads")),
        key_performance_hint(*lib.require<const char* const*>("ov_property_key_hint_performance_mode")),
        key_cache_dir(*lib.require<const char* const*>("ov_property_key_cache_dir")),
        key_precision_hint(*lib.require<const char* const*>("ov_property_key_hint_inference_precision")),
        key_num_streams(*lib.require<const char* const*>("ov_property_key_num_streams")),
        types(OvElementTypes::for_version(lib.version)) {}

  /// "<status name>: <last error message>" for a failed call.
  std::string describe(ov_status_e status) const {
    std::string msg = std::string(get_error_info(status) ? get_error_info(status) : "error") + " (status " +
                      std::to_string(static_cast<int>(status)) + ")";
    if (get_last_err_msg) {
      // A heap copy of the process-wide last message, to be given back with ov_free.
      const char* last = get_last_err_msg();
      if (last && *last) msg += ": " + std::string(last);
      if (last) this->free(last);
    }
    return msg;
  }
  void check(ov_status_e status, ErrorCode code, const std::string& what) const {
    if (status != OV_OK) throw Error(code, what + ": OpenVINO " + describe(status));
  }
};

template <typename T>
using Owned = std::unique_ptr<T, void (*)(T*)>;

class OvEngine final : public Engine {
 public:
  OvEngine(const DynamicLibrary& lib, const ModelDir& model, const EngineOptions& options)
      : api_(lib), name_(model.model_name), core_(nullptr, api_.core_free), compiled_(nullptr, api_.compiled_model_free),
        requests_([this] { return new_request(); }, api_.infer_request_free) {
    const nlohmann::json& cfg = options.backend_config;
    settings_ = base_settings("openvino", lib.version, options.device);
    BackendConfigReader config(cfg, "openvino", name_);
    const int threads = config.integer("cpu_num_threads", 1).value_or(options.cpu_threads);
    // LATENCY: one image at a time per stage, as the pipeline runs it.
    const std::string hint = config.choice("performance_hint", {"LATENCY", "THROUGHPUT", "CUMULATIVE_THROUGHPUT"}).value_or("LATENCY");
    // f32 by default: on CPUs with AMX or AVX-512 BF16 the plugin would otherwise run in bf16, and the texts
    // would drift from the other backends'.
    const std::string precision = config.choice("inference_precision", {"f32", "bf16", "f16"}).value_or("f32");
    // Streams run infer requests side by side (THROUGHPUT picks their number itself unless this sets it).
    const std::optional<int> streams = config.integer("num_streams", 1);
    config.flag("cache_optimized_model");  // OpenVINO's CACHE_DIR, set from the engine cache below
    config.finish();

    ov_core_t* core = nullptr;
    api_.check(api_.core_create(&core), ErrorCode::BackendUnavailable, "ov_core_create");
    core_.reset(core);
    ov_model_t* raw_model = nullptr;
    // The weights path is only read for OpenVINO IR; ONNX and .pdmodel find their weights themselves.
    api_.check(api_.core_read_model(core, model.model_file.c_str(), nullptr, &raw_model), ErrorCode::ModelFormat,
               "OpenVINO cannot read " + model.model_file.string() + " (" + name_ + ")");
    Owned<ov_model_t> ov_model(raw_model, api_.model_free);

    std::vector<std::pair<std::string, std::string>> props{{api_.key_performance_hint, hint}, {api_.key_precision_hint, precision}};
    settings_["performance_hint"] = hint;
    settings_["inference_precision"] = precision;
    if (threads > 0) props.emplace_back(api_.key_num_threads, std::to_string(threads));
    if (streams) props.emplace_back(api_.key_num_streams, std::to_string(*streams)), settings_["num_streams"] = *streams;
    settings_["cpu_num_threads"] = threads_setting(threads);
    if (!options.cache_dir.empty()) {
      // OpenVINO keeps its compiled blobs in CACHE_DIR itself (keyed by model and settings).
      std::filesystem::create_directories(options.cache_dir);
      props.emplace_back(api_.key_cache_dir, options.cache_dir.string());
      settings_["engine_cache"] = options.cache_dir.string();
    }
    ov_compiled_model_t* compiled = nullptr;
    api_.check(compile(ov_model.get(), props, &compiled), ErrorCode::ModelFormat,
               "OpenVINO cannot compile " + name_ + " for CPU");
    compiled_.reset(compiled);

    describe_ports(api_.inputs_size, api_.input_by_index, signature_.inputs);
    describe_ports(api_.outputs_size, api_.output_by_index, signature_.outputs);
    requests_.put(new_request());  // fail at load time, not on the first run
  }

  std::vector<Tensor> run(std::span<const Tensor> inputs) const override {
    if (inputs.size() != signature_.inputs.size())
      throw Error(ErrorCode::Inference, name_ + ": expected " + std::to_string(signature_.inputs.size()) + " inputs, got " +
                                            std::to_string(inputs.size()));
    auto lease = requests_.acquire();
    ov_infer_request_t* request = lease.get();
    std::vector<Owned<ov_tensor_t>> bound;  // kept until the request has run: they point at the caller's data
    for (size_t i = 0; i < inputs.size(); ++i) {
      const Tensor& t = inputs[i];
      ov_shape_t shape{0, nullptr};
      check_run(api_.shape_create(static_cast<int64_t>(t.shape().size()), t.shape().data(), &shape), "ov_shape_create", inputs);
      ov_tensor_t* tensor = nullptr;
      ov_status_e st = api_.tensor_create_from_host_ptr(api_.types.to(t.dtype(), name_), shape, t.raw(), &tensor);
      api_.shape_free(&shape);
      check_run(st, "ov_tensor_create_from_host_ptr", inputs);
      bound.emplace_back(tensor, api_.tensor_free);
      check_run(api_.set_input_tensor_by_index(request, i, tensor), "ov_infer_request_set_input_tensor_by_index", inputs);
    }
    check_run(api_.infer(request), "ov_infer_request_infer", inputs);
    std::vector<Tensor> result;
    result.reserve(signature_.outputs.size());
    for (size_t i = 0; i < signature_.outputs.size(); ++i) {
      ov_tensor_t* raw = nullptr;
      check_run(api_.get_output_tensor_by_index(request, i, &raw), "ov_infer_request_get_output_tensor_by_index", inputs);
      Owned<ov_tensor_t> out(raw, api_.tensor_free);
      result.push_back(copy_out(out.get(), inputs));
    }
    return result;
  }

  const ModelSignature& signature() const override { return signature_; }
  nlohmann::json settings() const override { return settings_; }

 private:
  /// ov_core_compile_model takes its properties as C varargs: (count of args, key1, value1, key2, value2, ...).
  ov_status_e compile(const ov_model_t* model, const std::vector<std::pair<std::string, std::string>>& p,
                      ov_compiled_model_t** out) const {
    std::vector<const char*> a;
    for (const auto& [key, value] : p) a.push_back(key.c_str()), a.push_back(value.c_str());
    a.resize(10, nullptr);  // five properties at most; the count below says how many are read
    const size_t n = 2 * p.size();
    if (p.size() > 5) throw Error(ErrorCode::InvalidArgument, name_ + ": too many OpenVINO properties");
    return api_.core_compile_model(core_.get(), model, "CPU", n, out, a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9]);
  }

  void describe_ports(ov::compiled_model_size_fn count, ov::compiled_model_port_fn port_at, std::vector<TensorInfo>& out) {
    size_t n = 0;
    api_.check(count(compiled_.get(), &n), ErrorCode::ModelFormat, name_ + ": OpenVINO port count");
    for (size_t i = 0; i < n; ++i) {
      ov_output_const_port_t* raw = nullptr;
      api_.check(port_at(compiled_.get(), i, &raw), ErrorCode::ModelFormat, name_ + ": OpenVINO port " + std::to_string(i));
      Owned<ov_output_const_port_t> port(raw, api_.output_const_port_free);
      TensorInfo info;
      char* port_name = nullptr;
      // Some outputs have no tensor name; their index is name enough for hpocr, which binds by position.
      if (api_.port_get_any_name(port.get(), &port_name) == OV_OK && port_name) {
        info.name = port_name;
        api_.free(port_name);
      } else {
        info.name = "port" + std::to_string(i);
      }
      ov_element_type_e type{};
      api_.check(api_.port_get_element_type(port.get(), &type), ErrorCode::ModelFormat, name_ + ": element type of " + info.name);
      info.dtype = api_.types.from(type, name_ + " " + info.name);
      ov_partial_shape_t shape{};
      api_.check(api_.port_get_partial_shape(port.get(), &shape), ErrorCode::ModelFormat, name_ + ": shape of " + info.name);
      if (shape.rank.min == shape.rank.max && shape.dims)  // a dynamic rank leaves the shape empty (unknown)
        for (int64_t d = 0; d < shape.rank.max; ++d)
          info.shape.push_back(shape.dims[d].min == shape.dims[d].max ? shape.dims[d].min : -1);
      api_.partial_shape_free(&shape);
      out.push_back(std::move(info));
    }
  }

  ov_infer_request_t* new_request() const {
    ov_infer_request_t* request = nullptr;
    api_.check(api_.create_infer_request(compiled_.get(), &request), ErrorCode::BackendUnavailable,
               name_ + ": ov_compiled_model_create_infer_request");
    return request;
  }

  void check_run(ov_status_e status, const char* call, std::span<const Tensor> inputs) const {
    if (status == OV_OK) return;
    std::string shapes;
    for (const auto& t : inputs) {
      shapes += ' ';
      shapes += t.describe();
    }
    throw Error(ErrorCode::Inference, name_ + ": OpenVINO " + call + " failed on input" + shapes + ": " + api_.describe(status));
  }

  /// Copies an output out of the request (whose buffers are reused by the next run).
  Tensor copy_out(const ov_tensor_t* t, std::span<const Tensor> inputs) const {
    ov_shape_t shape{0, nullptr};
    check_run(api_.tensor_get_shape(t, &shape), "ov_tensor_get_shape", inputs);
    std::vector<int64_t> dims(shape.dims, shape.dims + shape.rank);
    api_.shape_free(&shape);
    ov_element_type_e type{};
    check_run(api_.tensor_get_element_type(t, &type), "ov_tensor_get_element_type", inputs);
    Tensor out(std::move(dims), api_.types.from(type, name_));
    size_t bytes = 0;
    void* data = nullptr;
    check_run(api_.tensor_get_byte_size(t, &bytes), "ov_tensor_get_byte_size", inputs);
    check_run(api_.tensor_data(t, &data), "ov_tensor_data", inputs);
    if (bytes != out.bytes() || (bytes && !data))
      throw Error(ErrorCode::Inference, name_ + ": OpenVINO output " + out.describe() + " holds " + std::to_string(bytes) + " bytes");
    if (bytes) std::memcpy(out.raw(), data, bytes);
    return out;
  }

  OvApi api_;
  std::string name_;
  Owned<ov_core_t> core_;
  Owned<ov_compiled_model_t> compiled_;
  ModelSignature signature_;
  nlohmann::json settings_;
  // Declared last: its requests are freed before the compiled model they belong to.
  mutable HandlePool<ov_infer_request_t> requests_;
};

}  // namespace

std::unique_ptr<Engine> load_openvino_engine(const DynamicLibrary& lib, const ModelDir& model, const EngineOptions& options) {
  if (model.format == ModelFormat::PaddlePir)
    throw Error(ErrorCode::ModelFormat, "OpenVINO reads ONNX and legacy Paddle (inference.pdmodel) models, not PIR inference.json");
  auto engine = std::make_unique<OvEngine>(lib, model, options);
  log::debug("{}: loaded on openvino {} ({})", model.model_name, lib.version, engine->settings().dump());
  return engine;
}

}  // namespace hpocr
