#include "core/tensor.h"

#include <cstring>

#include "hpocr/error.h"

namespace hpocr {

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
  // std::vector<std::byte> zero-initialises; shared_ptr keeps it alive with the same lifetime rules as borrowed data.
  auto storage = std::make_shared<std::vector<std::byte>>(bytes());
  data_ = storage->data();
  owner_ = std::move(storage);
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
