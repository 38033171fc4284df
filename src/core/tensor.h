// A dense N-d tensor: shape + element type + data that is either owned or shared with its producer
// (a backend can hand out its output buffer without a copy by passing its owner along).
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <numeric>
#include <span>
#include <string>
#include <vector>

namespace hpocr {

enum class DataType { Float32, Int64, Int32, UInt8 };

/// Size in bytes of one element.
std::size_t element_size(DataType t);
/// "float32", "int64", ...
std::string to_string(DataType t);

class Tensor {
 public:
  Tensor() = default;
  /// Allocates a zero-filled tensor.
  Tensor(std::vector<int64_t> shape, DataType dtype);
  /// Wraps memory owned by `owner` (kept alive as long as the tensor); no copy.
  Tensor(std::vector<int64_t> shape, DataType dtype, void* data, std::shared_ptr<void> owner);

  const std::vector<int64_t>& shape() const { return shape_; }
  DataType dtype() const { return dtype_; }
  int64_t numel() const;
  std::size_t bytes() const { return static_cast<std::size_t>(numel()) * element_size(dtype_); }
  void* raw() const { return data_; }

  /// Typed view; the caller is responsible for matching the dtype (checked in debug builds).
  template <typename T>
  T* data() const { return static_cast<T*>(data_); }
  template <typename T>
  std::span<T> values() const { return {data<T>(), static_cast<std::size_t>(numel())}; }

  /// "[1, 3, 640, 640] float32"
  std::string describe() const;

 private:
  std::vector<int64_t> shape_;
  DataType dtype_ = DataType::Float32;
  std::shared_ptr<void> owner_;
  void* data_ = nullptr;
};

}  // namespace hpocr
