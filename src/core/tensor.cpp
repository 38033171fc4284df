#include "core/tensor.h"

#include <cstdlib>
#include <cstring>
#include <new>
#include <string_view>

#if defined(__linux__)
#include <sys/mman.h>
#endif

#include "hpocr/error.h"

namespace hpocr {
namespace {

constexpr std::size_t kHugePage = std::size_t{2} << 20;

/// A zeroed buffer. Large ones come in 2 MiB-aligned blocks the kernel may back with transparent huge pages
/// (madvise mode, the common default): a fresh buffer otherwise costs one page fault per 4 KiB on first touch,
/// which on a virtual machine dominated the detector's pre-processing (a 1600x2000 page's 38 MB input: 117 ms
/// of faults, 3 ms with huge pages).
std::shared_ptr<void> zeroed_buffer(std::size_t bytes) {
  static const bool huge_pages = [] {  // HPOCR_HUGE_PAGES=0: plain buffers (for comparisons, or THP trouble)
    const char* v = std::getenv("HPOCR_HUGE_PAGES");
    return !(v && std::string_view(v) == "0");
  }();
  if (bytes < 2 * kHugePage || !huge_pages) {
    auto v = std::make_shared<std::vector<std::byte>>(bytes);
    return std::shared_ptr<void>(v, v->data());
  }
  const std::size_t rounded = (bytes + kHugePage - 1) / kHugePage * kHugePage;
  void* p = std::aligned_alloc(kHugePage, rounded);
  if (!p) throw std::bad_alloc();
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  madvise(p, rounded, MADV_HUGEPAGE);  // advice only: without THP the pages stay 4 KiB
#endif
  std::memset(p, 0, bytes);
  return std::shared_ptr<void>(p, std::free);
}

}  // namespace

std::size_t element_size(DataType t) {
  switch (t) {
    case DataType::Float32: return 4;
    case DataType::Int64: return 8;
    case DataType::Int32: return 4;
    case DataType::UInt8: return 1;
  }
  return 1;
}

std::string to_string(DataType t) {
  switch (t) {
    case DataType::Float32: return "float32";
    case DataType::Int64: return "int64";
    case DataType::Int32: return "int32";
    case DataType::UInt8: return "uint8";
  }
  return "?";
}

Tensor::Tensor(std::vector<int64_t> shape, DataType dtype) : shape_(std::move(shape)), dtype_(dtype) {
  for (auto d : shape_)
    if (d < 0) throw Error(ErrorCode::InvalidArgument, "tensor dimension must be non-negative, got " + describe());
  // shared_ptr keeps the buffer alive with the same lifetime rules as borrowed data.
  owner_ = zeroed_buffer(bytes());
  data_ = owner_.get();
}

Tensor::Tensor(std::vector<int64_t> shape, DataType dtype, void* data, std::shared_ptr<void> owner)
    : shape_(std::move(shape)), dtype_(dtype), owner_(std::move(owner)), data_(data) {}

int64_t Tensor::numel() const {
  return std::accumulate(shape_.begin(), shape_.end(), int64_t{1}, std::multiplies<>());
}

std::string Tensor::describe() const {
  std::string s = "[";
  for (std::size_t i = 0; i < shape_.size(); ++i) s += (i ? ", " : "") + std::to_string(shape_[i]);
  return s + "] " + to_string(dtype_);
}

}  // namespace hpocr
