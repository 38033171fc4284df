// Tensor storage: owned buffers start zeroed (the recogniser's padding relies on it), small or large (large
// ones are 2 MiB-aligned blocks advised for huge pages: core/tensor.cpp).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>

#include "core/tensor.h"
#include "hpocr/error.h"

namespace hpocr {
namespace {

bool all_zero(const Tensor& t) {
  const auto* p = static_cast<const std::uint8_t*>(t.raw());
  return std::all_of(p, p + t.bytes(), [](std::uint8_t b) { return b == 0; });
}

TEST(Tensor, OwnedStorageIsZeroedWhateverItsSize) {
  // Below and above the large-buffer size (4 MiB), and a large one again after a written one was freed, so a
  // reused block must be zeroed too.
  for (int64_t side : {8, 1024, 1600, 1600}) {
    Tensor t({1, 3, side, side}, DataType::Float32);
    ASSERT_EQ(t.bytes(), static_cast<std::size_t>(3 * side * side * 4));
    EXPECT_TRUE(all_zero(t)) << side;
    std::fill(t.data<float>(), t.data<float>() + t.numel(), 1.5f);
    EXPECT_EQ(t.data<float>()[t.numel() - 1], 1.5f);
  }
  EXPECT_EQ(Tensor({0, 3}, DataType::UInt8).bytes(), 0u);
}

TEST(Tensor, NegativeDimensionIsRefused) {
  EXPECT_THROW(Tensor({2, -1}, DataType::Float32), Error);
}

TEST(Tensor, CopiesShareTheBuffer) {
  Tensor a({1, 3, 1200, 1200}, DataType::Float32);
  Tensor b = a;
  b.data<float>()[7] = 2.f;
  EXPECT_EQ(a.data<float>()[7], 2.f);
  EXPECT_EQ(a.raw(), b.raw());
}

}  // namespace
}  // namespace hpocr
