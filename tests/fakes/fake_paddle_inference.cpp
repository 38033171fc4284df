// A stand-in for libpaddle_inference_c.so with the published signatures of the functions hpocr calls
// (paddle/fluid/inference/capi_exp/*.h), so the binding code runs for real in tests. Its "model" doubles
// its input: output = input * 2, same shape. Like the real library it reports errors as C++ exceptions:
// a program path containing "bad", or a missing program / params file, makes PD_PredictorCreate throw.
// A predictor used by two threads at once throws as well, so a missing clone/lock in the engine shows up.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#define EXPORT extern "C" __attribute__((visibility("default")))

typedef int8_t PD_Bool;
typedef int32_t PD_DataType;  // FLOAT32 0, INT32 1, INT64 2, UINT8 3
typedef int32_t PD_PlaceType;

struct PD_OneDimArrayInt32 { size_t size; int32_t* data; };
struct PD_OneDimArrayInt64 { size_t size; int64_t* data; };
struct PD_OneDimArrayCstr { size_t size; char** data; };
struct PD_Cstr { size_t size; char* data; };
struct PD_IOInfo { PD_Cstr* name; PD_OneDimArrayInt64* shape; PD_DataType dtype; };
struct PD_IOInfos { size_t size; PD_IOInfo** io_info; };

struct PD_Config {
  std::string prog, params;
  int threads = 0, gpu_device = -1;
  bool mkldnn = false, ir_optim = true;
};
struct FakeTensor {
  std::vector<int32_t> shape;
  std::vector<float> data;
};
struct PD_Predictor {
  std::atomic<bool> busy{false};
  FakeTensor input, output;
};
struct PD_Tensor {
  FakeTensor* tensor;
};

namespace {
std::mutex lock;
std::string last_config;
int predictors_made = 0;

size_t numel(const std::vector<int32_t>& shape) {
  size_t n = 1;
  for (int32_t d : shape) n *= static_cast<size_t>(d);
  return n;
}
PD_OneDimArrayCstr* names(const char* name) {
  auto* a = new PD_OneDimArrayCstr{1, new char*[1]};
  a->data[0] = new char[std::strlen(name) + 1];
  std::strcpy(a->data[0], name);
  return a;
}
PD_IOInfos* infos(const char* name, std::vector<int64_t> shape) {
  auto* info = new PD_IOInfo{new PD_Cstr{std::strlen(name), new char[std::strlen(name) + 1]},
                             new PD_OneDimArrayInt64{shape.size(), new int64_t[shape.size()]}, 0};
  std::strcpy(info->name->data, name);
  std::copy(shape.begin(), shape.end(), info->shape->data);
  return new PD_IOInfos{1, new PD_IOInfo*[1]{info}};
}
}  // namespace

// Test hooks (not Paddle API): the last config a predictor was made from, and how many predictors exist.
EXPORT const char* fake_pd_last_config() { return last_config.c_str(); }
EXPORT int fake_pd_predictors_made() {
  std::lock_guard g(lock);
  return predictors_made;
}

EXPORT const char* PD_GetVersion() { return "version: fake-1.0\ncommit: 0000000\nbranch: fake"; }

EXPORT PD_Config* PD_ConfigCreate() { return new PD_Config; }
EXPORT void PD_ConfigDestroy(PD_Config* c) { delete c; }
EXPORT void PD_ConfigSetModel(PD_Config* c, const char* prog, const char* params) {
  c->prog = prog;
  c->params = params;
}
EXPORT void PD_ConfigSetCpuMathLibraryNumThreads(PD_Config* c, int32_t n) { c->threads = n; }
EXPORT void PD_ConfigSwitchIrOptim(PD_Config* c, PD_Bool x) { c->ir_optim = x; }
EXPORT void PD_ConfigEnableMKLDNN(PD_Config* c) { c->mkldnn = true; }
EXPORT void PD_ConfigEnableUseGpu(PD_Config* c, uint64_t, int32_t device_id) { c->gpu_device = device_id; }

EXPORT PD_Predictor* PD_PredictorCreate(PD_Config* config) {
  const PD_Config copy = *config;
  const PD_Config* c = &copy;
  delete config;  // PD_PredictorCreate takes the config, whatever happens next
  if (c->prog.find("bad") != std::string::npos) throw std::runtime_error("fake: cannot load a program whose path says bad");
  for (const auto& f : {c->prog, c->params})
    if (!std::filesystem::exists(f)) throw std::runtime_error("fake: no such file " + f);
  std::lock_guard g(lock);
  last_config = "prog=" + std::filesystem::path(c->prog).filename().string() +
                " params=" + std::filesystem::path(c->params).filename().string() + " threads=" + std::to_string(c->threads) +
                " mkldnn=" + std::to_string(c->mkldnn) + " ir_optim=" + std::to_string(c->ir_optim) +
                " gpu=" + std::to_string(c->gpu_device);
  ++predictors_made;
  return new PD_Predictor;
}
EXPORT PD_Predictor* PD_PredictorClone(PD_Predictor*) {
  std::lock_guard g(lock);
  ++predictors_made;
  return new PD_Predictor;
}
EXPORT void PD_PredictorDestroy(PD_Predictor* p) { delete p; }
EXPORT PD_OneDimArrayCstr* PD_PredictorGetInputNames(PD_Predictor*) { return names("x"); }
EXPORT PD_OneDimArrayCstr* PD_PredictorGetOutputNames(PD_Predictor*) { return names("fetch_0"); }
EXPORT PD_IOInfos* PD_PredictorGetInputInfos(PD_Predictor*) { return infos("x", {-1, 3, -1, -1}); }
EXPORT PD_IOInfos* PD_PredictorGetOutputInfos(PD_Predictor*) { return infos("fetch_0", {-1, 3, -1, -1}); }
EXPORT void PD_IOInfosDestroy(PD_IOInfos* infos) {
  for (size_t i = 0; i < infos->size; ++i) {
    delete[] infos->io_info[i]->name->data;
    delete infos->io_info[i]->name;
    delete[] infos->io_info[i]->shape->data;
    delete infos->io_info[i]->shape;
    delete infos->io_info[i];
  }
  delete[] infos->io_info;
  delete infos;
}
EXPORT PD_Tensor* PD_PredictorGetInputHandle(PD_Predictor* p, const char* name) {
  if (std::strcmp(name, "x") != 0) throw std::runtime_error(std::string("fake: no input ") + name);
  return new PD_Tensor{&p->input};
}
EXPORT PD_Tensor* PD_PredictorGetOutputHandle(PD_Predictor* p, const char* name) {
  if (std::strcmp(name, "fetch_0") != 0) throw std::runtime_error(std::string("fake: no output ") + name);
  return new PD_Tensor{&p->output};
}
EXPORT PD_Bool PD_PredictorRun(PD_Predictor* p) {
  if (p->busy.exchange(true)) throw std::runtime_error("fake: predictor used by two threads");
  if (p->input.data.size() != numel(p->input.shape) || p->input.shape.empty()) {
    p->busy = false;
    return 0;
  }
  p->output.shape = p->input.shape;
  p->output.data.resize(p->input.data.size());
  for (size_t i = 0; i < p->input.data.size(); ++i) p->output.data[i] = p->input.data[i] * 2.f;
  std::this_thread::sleep_for(std::chrono::milliseconds(2));  // long enough for concurrent callers to overlap
  p->busy = false;
  return 1;
}

EXPORT void PD_TensorDestroy(PD_Tensor* t) { delete t; }
EXPORT void PD_TensorReshape(PD_Tensor* t, size_t shape_size, int32_t* shape) { t->tensor->shape.assign(shape, shape + shape_size); }
EXPORT void PD_TensorCopyFromCpuFloat(PD_Tensor* t, const float* data) {
  t->tensor->data.assign(data, data + numel(t->tensor->shape));
}
EXPORT void PD_TensorCopyToCpuFloat(PD_Tensor* t, float* data) { std::copy(t->tensor->data.begin(), t->tensor->data.end(), data); }
// The fake model is float32 only, as a real one would reject another input type.
EXPORT void PD_TensorCopyFromCpuInt64(PD_Tensor*, const int64_t*) { throw std::runtime_error("fake: the input is float32"); }
EXPORT void PD_TensorCopyFromCpuInt32(PD_Tensor*, const int32_t*) { throw std::runtime_error("fake: the input is float32"); }
EXPORT void PD_TensorCopyFromCpuUint8(PD_Tensor*, const uint8_t*) { throw std::runtime_error("fake: the input is float32"); }
EXPORT void PD_TensorCopyToCpuInt64(PD_Tensor*, int64_t*) { throw std::runtime_error("fake: the output is float32"); }
EXPORT void PD_TensorCopyToCpuInt32(PD_Tensor*, int32_t*) { throw std::runtime_error("fake: the output is float32"); }
EXPORT void PD_TensorCopyToCpuUint8(PD_Tensor*, uint8_t*) { throw std::runtime_error("fake: the output is float32"); }
EXPORT PD_OneDimArrayInt32* PD_TensorGetShape(PD_Tensor* t) {
  auto* a = new PD_OneDimArrayInt32{t->tensor->shape.size(), new int32_t[t->tensor->shape.size()]};
  std::copy(t->tensor->shape.begin(), t->tensor->shape.end(), a->data);
  return a;
}
EXPORT PD_DataType PD_TensorGetDataType(PD_Tensor*) { return 0; }
EXPORT void PD_OneDimArrayInt32Destroy(PD_OneDimArrayInt32* a) {
  delete[] a->data;
  delete a;
}
EXPORT void PD_OneDimArrayCstrDestroy(PD_OneDimArrayCstr* a) {
  for (size_t i = 0; i < a->size; ++i) delete[] a->data[i];
  delete[] a->data;
  delete a;
}
