// The part of Paddle Inference's C++ API (paddle_infer::*, paddle::AnalysisConfig) that the bridge calls,
// declared here because the paddlepaddle wheel ships libpaddle.so but no inference headers.
//
// Checked against the PyPI wheel paddlepaddle==3.3.1 (cp311, manylinux x86_64; GetVersion() "3.3.1",
// commit 7688495), paddle/base/libpaddle.so:
//   - every function declared here is a defined (T or W) dynamic symbol of libpaddle.so (`nm -D -C`), with the
//     mangled names these declarations produce (libstdc++'s C++11 ABI: std::__cxx11::basic_string, [abi:cxx11]);
//   - AnalysisConfig is opaque storage: only its exported constructor, destructor and setters are called, out
//     of line. Its constructor was measured to write 1,632 bytes (buffer pre-filled, last changed byte found);
//     the storage below is 40 times that, so a larger future layout still fits;
//   - Tensor's data members are the real ones, because `std::unique_ptr<Tensor>` runs its implicit (inline,
//     not exported) destructor in our code: offsets read from the disassembly of Tensor::Tensor(void*, const
//     void*): name_ @0, tensor_ @0x20, dtype_ @0x28, input_or_output_ @0x2c, scope_ @0x30, device_contexs_
//     @0x38, place_ @0x40, device_ @0x44, device_type_ @0x48, sizeof 0x68;
//   - DataType's numbering was read at run time: GetNumBytesOfDataType(0..3) = 4, 8, 4, 1 (FLOAT32, INT64,
//     INT32, UINT8), and Tensor::type() of a float32 output is 0.
// Predictor has no data members here: it is only reached through the shared_ptr CreatePredictor returns, whose
// deleter lives in libpaddle.so. Re-check all of this when moving to another wheel version.
#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

// The wheel's symbols name std::__cxx11::basic_string: another standard library cannot link to them.
#if !defined(__GLIBCXX__) || !_GLIBCXX_USE_CXX11_ABI
#error "the paddlepaddle wheel's C++ API needs libstdc++ with the C++11 ABI (_GLIBCXX_USE_CXX11_ABI=1)"
#endif

// These symbols live in libpaddle.so: the bridge builds with hidden visibility, and a hidden class would make
// its members' undefined references hidden too, which the linker refuses.
#pragma GCC visibility push(default)

namespace paddle {

class AnalysisConfig {
 public:
  enum class Precision { kFloat32 = 0, kInt8, kHalf, kBf16 };

  AnalysisConfig(const std::string& prog_file, const std::string& params_file);
  ~AnalysisConfig();
  AnalysisConfig(const AnalysisConfig&) = delete;
  AnalysisConfig& operator=(const AnalysisConfig&) = delete;

  void SetCpuMathLibraryNumThreads(int threads);
  void EnableONEDNN();  // EnableMKLDNN() still works in 3.x but logs a deprecation warning
  void DisableONEDNN();
  void SetOnednnCacheCapacity(int capacity);  // SetMkldnnCacheCapacity is its deprecated alias (it logs a warning)
  void SwitchIrOptim(int on);
  void EnableMemoryOptim(bool on);
  void EnableUseGpu(uint64_t memory_pool_init_size_mb, int device_id, Precision precision);
  void DisableGlogInfo();

 private:
  alignas(64) unsigned char storage_[64 * 1024];
};

}  // namespace paddle

namespace paddle_infer {

using Config = paddle::AnalysisConfig;

enum DataType { FLOAT32, INT64, INT32, UINT8, INT8, FLOAT16, BOOL, FLOAT64, BFLOAT16 };
enum class PlaceType { kUNK = -1, kCPU, kGPU, kXPU, kIPU, kCUSTOM };

int GetNumBytesOfDataType(DataType dtype);
std::string GetVersion();

class Tensor {
 public:
  void Reshape(const std::vector<int>& shape);
  // Instantiated in the wheel for float, int64_t (long), int32_t, uint8_t and more (W symbols).
  template <typename T>
  void CopyFromCpu(const T* data);
  template <typename T>
  void CopyToCpu(T* data) const;
  std::vector<int> shape() const;
  DataType type() const;

 private:
  std::string name_;
  mutable void* tensor_;
  DataType dtype_;
  bool input_or_output_;
  void* scope_;
  const void* device_contexs_;
  PlaceType place_;
  int device_;
  std::string device_type_;
};
static_assert(sizeof(Tensor) == 0x68, "paddle_infer::Tensor as measured in the 3.3.1 wheel");

class Predictor {
 public:
  std::vector<std::string> GetInputNames();
  std::vector<std::string> GetOutputNames();
  std::map<std::string, std::vector<int64_t>> GetInputTensorShape();
  std::map<std::string, std::vector<int64_t>> GetOutputTensorShape();
  std::map<std::string, DataType> GetInputTypes();
  std::map<std::string, DataType> GetOutputTypes();
  std::unique_ptr<Tensor> GetInputHandle(const std::string& name);
  std::unique_ptr<Tensor> GetOutputHandle(const std::string& name);
  bool Run();
};

std::shared_ptr<Predictor> CreatePredictor(const Config& config);

}  // namespace paddle_infer

#pragma GCC visibility pop
