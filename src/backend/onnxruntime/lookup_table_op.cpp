#include "backend/onnxruntime/lookup_table_op.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <fstream>
#include <iterator>
#include <string>

#include "backend/onnxruntime/ort_api.h"

namespace hpocr::ort {

void apply_lookup_table(const uint8_t* table, const uint8_t* x, uint8_t* y, size_t n) {
  size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    const uint8_t a = table[x[i]], b = table[x[i + 1]], c = table[x[i + 2]], d = table[x[i + 3]];
    y[i] = a, y[i + 1] = b, y[i + 2] = c, y[i + 3] = d;
  }
  for (; i < n; ++i) y[i] = table[x[i]];
}

namespace {

/// Element blocks of this size are spread over ONNX Runtime's intra-op threads.
constexpr size_t kBlock = 64 * 1024;

struct LookupTableKernel {
  std::array<uint8_t, 256> table{};

  explicit LookupTableKernel(const OrtKernelInfo* info) {
    const std::vector<int64_t> t = Ort::ConstKernelInfo(info).GetAttributes<int64_t>("table");
    if (t.size() != table.size()) ORT_CXX_API_THROW("ai.hpocr.LookupTable: attribute 'table' must hold 256 values", ORT_INVALID_ARGUMENT);
    for (size_t i = 0; i < table.size(); ++i) table[i] = static_cast<uint8_t>(std::clamp<int64_t>(t[i], 0, 255));
  }

  void Compute(OrtKernelContext* context) {
    Ort::KernelContext ctx(context);
    Ort::ConstValue in = ctx.GetInput(0);
    const auto info = in.GetTensorTypeAndShapeInfo();
    const size_t n = info.GetElementCount();
    Ort::UnownedValue out = ctx.GetOutput(0, info.GetShape());
    struct Job {
      const uint8_t* table;
      const uint8_t* x;
      uint8_t* y;
      size_t n;
    } job{table.data(), in.GetTensorData<uint8_t>(), out.GetTensorMutableData<uint8_t>(), n};
    const size_t blocks = (n + kBlock - 1) / kBlock;
    if (blocks <= 1) {
      apply_lookup_table(job.table, job.x, job.y, n);
      return;
    }
    ctx.ParallelFor(
        [](void* data, size_t b) {
          const Job& j = *static_cast<const Job*>(data);
          const size_t begin = b * kBlock, count = std::min(kBlock, j.n - begin);
          apply_lookup_table(j.table, j.x + begin, j.y + begin, count);
        },
        blocks, 0, &job);
  }
};

struct LookupTableOp : Ort::CustomOpBase<LookupTableOp, LookupTableKernel> {
  void* CreateKernel(const OrtApi&, const OrtKernelInfo* info) const { return new LookupTableKernel(info); }
  const char* GetName() const { return kLookupTableOp; }
  size_t GetInputTypeCount() const { return 1; }
  ONNXTensorElementDataType GetInputType(size_t) const { return ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT8; }
  size_t GetOutputTypeCount() const { return 1; }
  ONNXTensorElementDataType GetOutputType(size_t) const { return ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT8; }
};

}  // namespace

namespace {
std::mutex g_first_session;
std::atomic<bool> g_registered{false};
}  // namespace

bool uses_custom_ops(const std::filesystem::path& onnx_file) {
  // The domain name is stored as a plain string (opset_import and each node's domain field).
  std::ifstream f(onnx_file, std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  return bytes.find(kCustomDomain) != std::string::npos;
}

std::unique_lock<std::mutex> add_custom_ops(Ort::SessionOptions& so) {
  // The domain and the operator must outlive every session that uses them: process lifetime.
  static LookupTableOp op;
  static Ort::CustomOpDomain domain = [] {
    Ort::CustomOpDomain d(kCustomDomain);
    d.Add(&op);
    return d;
  }();
  so.Add(domain);
  std::unique_lock lock(g_first_session);
  if (g_registered) lock.unlock();
  return lock;
}

void custom_ops_registered() { g_registered = true; }

}  // namespace hpocr::ort
