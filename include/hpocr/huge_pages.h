// Transparent huge pages for large buffers: a fresh buffer costs one page fault per 4 KiB on first touch, which on
// a virtual machine was a large part of a run (docs/performance.md, "Page faults"). Used by Tensor storage and by
// the hpocr executable's posix_memalign/aligned_alloc (apps/huge_pages.cpp).
#pragma once
#include <cstddef>

namespace hpocr {

/// The huge page size the advice is aligned to (2 MiB on x86-64).
inline constexpr std::size_t kHugePageBytes = std::size_t{2} << 20;

/// False when HPOCR_HUGE_PAGES=0 (read once).
bool huge_pages_enabled();

/// Advises the kernel to back the kHugePageBytes-aligned part of [block, block + bytes) with huge pages, unless
/// huge_pages_enabled() is false. Advice only: without THP the pages stay 4 KiB. Never throws, never allocates.
void advise_huge_pages(void* block, std::size_t bytes);

}  // namespace hpocr
