// hpocr's Paddle bridge (libhpocr_paddle_bridge.so): the PD_* functions of Paddle Inference's C API that
// backend/paddle/pd_engine.cpp binds, implemented over the C++ API of the paddlepaddle wheel, whose
// libpaddle.so has the C++ API but not the C one (docs/backends.md, "Paddle Inference").
//
// The library is not linked against Paddle: its Paddle symbols stay undefined here and resolve at load time
// from the wheel's libpaddle.so, which the paddle backend opens (after libpython, which libpaddle needs) before
// opening this library, and which this library names as a dependency by its soname (CMakeLists.txt: an empty
// stub stands in for it at link time). Only the PD_* functions are exported.
//
// Errors: the C API lets Paddle's C++ exceptions cross its functions, and pd_engine.cpp catches them as
// std::exception. The bridge keeps that contract but lets nothing else cross: every exception becomes one
// std::runtime_error (a type of libstdc++, which both sides share) with Paddle's message on one line.
#include <algorithm>
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <exception>
#include <map>
#include <memory>
#include <new>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "backend/paddle/bridge/paddle_cpp_api.h"
#include "backend/paddle/pd_c_api.h"

namespace {

/// What a PD_Config records: the C++ config is built from it for every predictor, because Paddle refuses a
/// config that already made one ("Each config can only be used for one predictor").
struct Settings {
  std::string prog_file, params_file;
  int threads = 0;  ///< 0: Paddle's default
  bool onednn = false;
  int onednn_cache_capacity = 0;  ///< 0: Paddle's default (no limit)
  bool ir_optim = true;
  bool gpu = false;
  uint64_t gpu_memory_mb = 0;
  int gpu_id = 0;
};

/// Paddle's messages span lines ("In user code:\n\n    InvalidArgumentError: ..."): one line, trimmed.
std::string one_line(const char* what) {
  std::string out;
  for (const char* p = what ? what : ""; *p; ++p) {
    const bool space = std::isspace(static_cast<unsigned char>(*p)) != 0;
    if (space && (out.empty() || out.back() == ' ')) continue;
    out += space ? ' ' : *p;
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  constexpr std::string_view prefix = "In user code: ";
  if (out.starts_with(prefix)) out.erase(0, prefix.size());
  return out.empty() ? "Paddle Inference failed without a message" : out;
}

/// Runs `f`, turning whatever it throws into std::runtime_error (see the top of the file).
template <typename F>
auto guarded(F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const std::bad_alloc&) {
    throw;
  } catch (const std::exception& e) {
    throw std::runtime_error(one_line(e.what()));
  } catch (...) {
    throw std::runtime_error("Paddle Inference threw an exception that is not a std::exception");
  }
}

bool is_pir(const std::string& prog_file) { return prog_file.ends_with(".json"); }

/// A predictor as PaddleX's HPI configures one: the recorded settings, IR optimisation, glog quiet.
std::shared_ptr<paddle_infer::Predictor> make_predictor(const Settings& s) {
  auto config = std::make_unique<paddle::AnalysisConfig>(s.prog_file, s.params_file);  // large: not on the stack
  if (s.gpu) {
    config->EnableUseGpu(s.gpu_memory_mb, s.gpu_id, paddle::AnalysisConfig::Precision::kFloat32);
  } else {
    if (s.threads > 0) config->SetCpuMathLibraryNumThreads(s.threads);
    if (s.onednn) {
      config->EnableONEDNN();
      if (s.onednn_cache_capacity > 0) config->SetOnednnCacheCapacity(s.onednn_cache_capacity);
    } else {
      config->DisableONEDNN();  // explicit: Paddle 3.x turns oneDNN on by itself
    }
  }
  config->SwitchIrOptim(s.ir_optim ? 1 : 0);
  // Paddle 3.3.1 fails on PIR programs with memory optimisation ("Not find predictor_id N and pass_name
  // memory_optimize_pass"); legacy programs take it.
  config->EnableMemoryOptim(!is_pir(s.prog_file));
  config->DisableGlogInfo();  // else ~100 lines of pass logs on stderr per predictor
  auto predictor = paddle_infer::CreatePredictor(*config);
  if (!predictor) throw std::runtime_error("paddle_infer::CreatePredictor returned no predictor for " + s.prog_file);
  return predictor;
}

PD_DataType to_pd(paddle_infer::DataType t) {
  switch (t) {
    case paddle_infer::FLOAT32: return PD_DATA_FLOAT32;
    case paddle_infer::INT64: return PD_DATA_INT64;
    case paddle_infer::INT32: return PD_DATA_INT32;
    case paddle_infer::UINT8: return PD_DATA_UINT8;
    default: return PD_DATA_UNK;  // the C API has no other types either
  }
}

char* copy_string(const std::string& s) {
  auto* out = new char[s.size() + 1];
  std::memcpy(out, s.c_str(), s.size() + 1);
  return out;
}

// The C structs of pd_c_api.h own plain arrays; their destroy functions below free what these allocate.
void destroy(PD_OneDimArrayCstr* a) {
  if (!a) return;
  for (size_t i = 0; i < a->size; ++i) delete[] a->data[i];
  delete[] a->data;
  delete a;
}

PD_OneDimArrayCstr* to_c(const std::vector<std::string>& names) {
  std::unique_ptr<PD_OneDimArrayCstr, void (*)(PD_OneDimArrayCstr*)> out(new PD_OneDimArrayCstr{0, nullptr}, destroy);
  out->data = new char*[names.size()]();
  for (const auto& n : names) out->data[out->size++] = copy_string(n);
  return out.release();
}

void destroy(PD_IOInfos* infos) {
  if (!infos) return;
  for (size_t i = 0; i < infos->size; ++i) {
    PD_IOInfo* io = infos->io_info[i];
    if (!io) continue;
    if (io->name) delete[] io->name->data;
    delete io->name;
    if (io->shape) delete[] io->shape->data;
    delete io->shape;
    delete io;
  }
  delete[] infos->io_info;
  delete infos;
}

/// Names in the predictor's order, with the shapes and types Paddle reads from the program.
PD_IOInfos* to_c(const std::vector<std::string>& names, const std::map<std::string, std::vector<int64_t>>& shapes,
                 const std::map<std::string, paddle_infer::DataType>& types) {
  std::unique_ptr<PD_IOInfos, void (*)(PD_IOInfos*)> out(new PD_IOInfos{0, nullptr}, destroy);
  out->io_info = new PD_IOInfo*[names.size()]();
  for (const auto& name : names) {
    auto* io = out->io_info[out->size++] = new PD_IOInfo{nullptr, nullptr, PD_DATA_UNK};
    io->name = new PD_Cstr{name.size(), copy_string(name)};
    const auto shape = shapes.find(name);
    const size_t rank = shape == shapes.end() ? 0 : shape->second.size();
    io->shape = new PD_OneDimArrayInt64{rank, new int64_t[rank]};
    for (size_t i = 0; i < rank; ++i) io->shape->data[i] = shape->second[i];
    const auto type = types.find(name);
    io->dtype = type == types.end() ? PD_DATA_UNK : to_pd(type->second);
  }
  return out.release();
}

}  // namespace

struct PD_Config {
  Settings settings;
};

struct PD_Predictor {
  Settings settings;  ///< kept for PD_PredictorClone
  std::shared_ptr<paddle_infer::Predictor> predictor;
};

struct PD_Tensor {
  std::unique_ptr<paddle_infer::Tensor> tensor;
};

#define HPOCR_PD_EXPORT extern "C" __attribute__((visibility("default")))

HPOCR_PD_EXPORT const char* PD_GetVersion() {
  static const std::string version = guarded([] { return paddle_infer::GetVersion(); });
  return version.c_str();
}

HPOCR_PD_EXPORT PD_Config* PD_ConfigCreate() { return new PD_Config; }

HPOCR_PD_EXPORT void PD_ConfigDestroy(PD_Config* config) { delete config; }

HPOCR_PD_EXPORT void PD_ConfigSetModel(PD_Config* config, const char* prog_file, const char* params_file) {
  config->settings.prog_file = prog_file ? prog_file : "";
  config->settings.params_file = params_file ? params_file : "";
}

HPOCR_PD_EXPORT void PD_ConfigSetCpuMathLibraryNumThreads(PD_Config* config, int32_t threads) { config->settings.threads = threads; }

HPOCR_PD_EXPORT void PD_ConfigSwitchIrOptim(PD_Config* config, PD_Bool on) { config->settings.ir_optim = on != 0; }

HPOCR_PD_EXPORT void PD_ConfigEnableMKLDNN(PD_Config* config) { config->settings.onednn = true; }

HPOCR_PD_EXPORT void PD_ConfigSetMkldnnCacheCapacity(PD_Config* config, int32_t capacity) {
  config->settings.onednn_cache_capacity = capacity;
}

HPOCR_PD_EXPORT void PD_ConfigEnableUseGpu(PD_Config* config, uint64_t memory_pool_init_size_mb, int32_t device_id) {
  config->settings.gpu = true;
  config->settings.gpu_memory_mb = memory_pool_init_size_mb;
  config->settings.gpu_id = device_id;
}

/// Takes the config, as the C API does (pd_predictor.h: __pd_take), whether or not the predictor is made.
HPOCR_PD_EXPORT PD_Predictor* PD_PredictorCreate(PD_Config* config) {
  std::unique_ptr<PD_Config> owned(config);
  return guarded([&] {
    auto p = std::make_unique<PD_Predictor>();
    p->settings = owned->settings;
    p->predictor = make_predictor(p->settings);
    return p.release();
  });
}

/// An independent predictor from the same settings, not Predictor::Clone(): in Paddle 3.3.1, once one clone
/// of a legacy program is destroyed, later clones fail in Run ("The Filter tensor's layout should be ONEDNN",
/// "Tensor holds no memory"; reproduced from Python too). The cost: each predictor holds its own weights.
HPOCR_PD_EXPORT PD_Predictor* PD_PredictorClone(PD_Predictor* predictor) {
  return guarded([&] {
    auto p = std::make_unique<PD_Predictor>();
    p->settings = predictor->settings;
    p->predictor = make_predictor(p->settings);
    return p.release();
  });
}

HPOCR_PD_EXPORT void PD_PredictorDestroy(PD_Predictor* predictor) { delete predictor; }

HPOCR_PD_EXPORT PD_OneDimArrayCstr* PD_PredictorGetInputNames(PD_Predictor* predictor) {
  return guarded([&] { return to_c(predictor->predictor->GetInputNames()); });
}

HPOCR_PD_EXPORT PD_OneDimArrayCstr* PD_PredictorGetOutputNames(PD_Predictor* predictor) {
  return guarded([&] { return to_c(predictor->predictor->GetOutputNames()); });
}

HPOCR_PD_EXPORT PD_IOInfos* PD_PredictorGetInputInfos(PD_Predictor* predictor) {
  return guarded([&] {
    auto& p = *predictor->predictor;
    return to_c(p.GetInputNames(), p.GetInputTensorShape(), p.GetInputTypes());
  });
}

HPOCR_PD_EXPORT PD_IOInfos* PD_PredictorGetOutputInfos(PD_Predictor* predictor) {
  return guarded([&] {
    auto& p = *predictor->predictor;
    return to_c(p.GetOutputNames(), p.GetOutputTensorShape(), p.GetOutputTypes());
  });
}

HPOCR_PD_EXPORT void PD_IOInfosDestroy(PD_IOInfos* infos) { destroy(infos); }

HPOCR_PD_EXPORT PD_Tensor* PD_PredictorGetInputHandle(PD_Predictor* predictor, const char* name) {
  return guarded([&] { return new PD_Tensor{predictor->predictor->GetInputHandle(name)}; });
}

HPOCR_PD_EXPORT PD_Tensor* PD_PredictorGetOutputHandle(PD_Predictor* predictor, const char* name) {
  return guarded([&] { return new PD_Tensor{predictor->predictor->GetOutputHandle(name)}; });
}

HPOCR_PD_EXPORT PD_Bool PD_PredictorRun(PD_Predictor* predictor) {
  return guarded([&] { return static_cast<PD_Bool>(predictor->predictor->Run() ? 1 : 0); });
}

HPOCR_PD_EXPORT void PD_TensorDestroy(PD_Tensor* tensor) { delete tensor; }

HPOCR_PD_EXPORT void PD_TensorReshape(PD_Tensor* tensor, size_t shape_size, int32_t* shape) {
  guarded([&] { tensor->tensor->Reshape(std::vector<int>(shape, shape + shape_size)); });
}

HPOCR_PD_EXPORT void PD_TensorCopyFromCpuFloat(PD_Tensor* t, const float* data) {
  guarded([&] { t->tensor->CopyFromCpu(data); });
}
HPOCR_PD_EXPORT void PD_TensorCopyFromCpuInt64(PD_Tensor* t, const int64_t* data) {
  guarded([&] { t->tensor->CopyFromCpu(data); });
}
HPOCR_PD_EXPORT void PD_TensorCopyFromCpuInt32(PD_Tensor* t, const int32_t* data) {
  guarded([&] { t->tensor->CopyFromCpu(data); });
}
HPOCR_PD_EXPORT void PD_TensorCopyFromCpuUint8(PD_Tensor* t, const uint8_t* data) {
  guarded([&] { t->tensor->CopyFromCpu(data); });
}
HPOCR_PD_EXPORT void PD_TensorCopyToCpuFloat(PD_Tensor* t, float* data) {
  guarded([&] { t->tensor->CopyToCpu(data); });
}
HPOCR_PD_EXPORT void PD_TensorCopyToCpuInt64(PD_Tensor* t, int64_t* data) {
  guarded([&] { t->tensor->CopyToCpu(data); });
}
HPOCR_PD_EXPORT void PD_TensorCopyToCpuInt32(PD_Tensor* t, int32_t* data) {
  guarded([&] { t->tensor->CopyToCpu(data); });
}
HPOCR_PD_EXPORT void PD_TensorCopyToCpuUint8(PD_Tensor* t, uint8_t* data) {
  guarded([&] { t->tensor->CopyToCpu(data); });
}

HPOCR_PD_EXPORT PD_OneDimArrayInt32* PD_TensorGetShape(PD_Tensor* t) {
  return guarded([&] {
    const std::vector<int> shape = t->tensor->shape();
    auto out = std::make_unique<PD_OneDimArrayInt32>(PD_OneDimArrayInt32{shape.size(), nullptr});
    out->data = new int32_t[shape.size()];
    std::copy(shape.begin(), shape.end(), out->data);
    return out.release();
  });
}

HPOCR_PD_EXPORT PD_DataType PD_TensorGetDataType(PD_Tensor* t) {
  return guarded([&] { return to_pd(t->tensor->type()); });
}

HPOCR_PD_EXPORT void PD_OneDimArrayInt32Destroy(PD_OneDimArrayInt32* a) {
  if (a) delete[] a->data;
  delete a;
}

HPOCR_PD_EXPORT void PD_OneDimArrayCstrDestroy(PD_OneDimArrayCstr* a) { destroy(a); }

// Each function has the type pd_engine.cpp binds it as, so the two sides cannot drift apart.
namespace pd = hpocr::pd;
static_assert(std::is_same_v<decltype(&PD_GetVersion), pd::get_version_fn>);
static_assert(std::is_same_v<decltype(&PD_ConfigCreate), pd::config_create_fn>);
static_assert(std::is_same_v<decltype(&PD_ConfigDestroy), pd::config_destroy_fn>);
static_assert(std::is_same_v<decltype(&PD_ConfigSetModel), pd::config_set_model_fn>);
static_assert(std::is_same_v<decltype(&PD_ConfigSetCpuMathLibraryNumThreads), pd::config_set_cpu_math_library_num_threads_fn>);
static_assert(std::is_same_v<decltype(&PD_ConfigSwitchIrOptim), pd::config_switch_ir_optim_fn>);
static_assert(std::is_same_v<decltype(&PD_ConfigEnableMKLDNN), pd::config_enable_mkldnn_fn>);
static_assert(std::is_same_v<decltype(&PD_ConfigSetMkldnnCacheCapacity), pd::config_set_mkldnn_cache_capacity_fn>);
static_assert(std::is_same_v<decltype(&PD_ConfigEnableUseGpu), pd::config_enable_use_gpu_fn>);
static_assert(std::is_same_v<decltype(&PD_PredictorCreate), pd::predictor_create_fn>);
static_assert(std::is_same_v<decltype(&PD_PredictorClone), pd::predictor_clone_fn>);
static_assert(std::is_same_v<decltype(&PD_PredictorDestroy), pd::predictor_destroy_fn>);
static_assert(std::is_same_v<decltype(&PD_PredictorGetInputNames), pd::predictor_get_names_fn>);
static_assert(std::is_same_v<decltype(&PD_PredictorGetInputInfos), pd::predictor_get_infos_fn>);
static_assert(std::is_same_v<decltype(&PD_IOInfosDestroy), pd::io_infos_destroy_fn>);
static_assert(std::is_same_v<decltype(&PD_PredictorGetInputHandle), pd::predictor_get_handle_fn>);
static_assert(std::is_same_v<decltype(&PD_PredictorRun), pd::predictor_run_fn>);
static_assert(std::is_same_v<decltype(&PD_TensorDestroy), pd::tensor_destroy_fn>);
static_assert(std::is_same_v<decltype(&PD_TensorReshape), pd::tensor_reshape_fn>);
static_assert(std::is_same_v<decltype(&PD_TensorCopyFromCpuFloat), pd::tensor_copy_from_cpu_float_fn>);
static_assert(std::is_same_v<decltype(&PD_TensorCopyFromCpuInt64), pd::tensor_copy_from_cpu_int64_fn>);
static_assert(std::is_same_v<decltype(&PD_TensorCopyFromCpuInt32), pd::tensor_copy_from_cpu_int32_fn>);
static_assert(std::is_same_v<decltype(&PD_TensorCopyFromCpuUint8), pd::tensor_copy_from_cpu_uint8_fn>);
static_assert(std::is_same_v<decltype(&PD_TensorCopyToCpuFloat), pd::tensor_copy_to_cpu_float_fn>);
static_assert(std::is_same_v<decltype(&PD_TensorCopyToCpuInt64), pd::tensor_copy_to_cpu_int64_fn>);
static_assert(std::is_same_v<decltype(&PD_TensorCopyToCpuInt32), pd::tensor_copy_to_cpu_int32_fn>);
static_assert(std::is_same_v<decltype(&PD_TensorCopyToCpuUint8), pd::tensor_copy_to_cpu_uint8_fn>);
static_assert(std::is_same_v<decltype(&PD_TensorGetShape), pd::tensor_get_shape_fn>);
static_assert(std::is_same_v<decltype(&PD_TensorGetDataType), pd::tensor_get_data_type_fn>);
static_assert(std::is_same_v<decltype(&PD_OneDimArrayInt32Destroy), pd::one_dim_array_int32_destroy_fn>);
static_assert(std::is_same_v<decltype(&PD_OneDimArrayCstrDestroy), pd::one_dim_array_cstr_destroy_fn>);
