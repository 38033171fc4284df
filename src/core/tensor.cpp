#include "core/tensor.h"

#include <cstdlib>
#include <cstring>
#include <new>

#include "hpocr/error.h"
#include "hpocr/huge_pages.h"

namespace hpocr {
namespace {

/// A zeroed buffer. Large ones are huge-page-aligned blocks advised for transparent huge pages
/// (core/huge_pages.h): a 1600x2000 page's 38 MB detector input took 117 ms of page faults to zero on a VM,
/// 3 ms on huge pages.
std::shared_ptr<void> zeroed_buffer(std::size_t bytes) {
  if (bytes < 2 * kHugePageBytes || !huge_pages_enabled()) {
    auto v = std::make_shared<std::vector<std::byte>>(bytes);
    return std::shared_ptr<void>(v, v->data());
  }
  const std::size_t rounded = (bytes + kHugePageBytes - 1) / kHugePageBytes * kHugePageBytes;
  void* p = std::aligned_alloc(kHugePageBytes, rounded);
  if (!p) throw std::bad_alloc();
  advise_huge_pages(p, rounded);
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
