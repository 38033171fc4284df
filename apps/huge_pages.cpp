// The hpocr executable's posix_memalign and aligned_alloc: the C library's, plus the advice for transparent huge
// pages on large blocks (core/huge_pages.h).
//
// ONNX Runtime's memory arena (C++ aligned new, which calls aligned_alloc) and OpenCV's image buffers
// (posix_memalign) come from these. A fresh block costs one page fault per 4 KiB on first touch; a full-resolution
// page makes the detector touch ~0.5 GB. With huge pages a 4-image run made 37 k instead of 148 k faults and took
// 0.5-1.7 s less on a VM, depending on its cost per fault (docs/performance.md, "Page faults");
// HPOCR_HUGE_PAGES=0 turns it off. Defined in the executable, these interpose for every library, those loaded at
// run time too; the Python module and the sanitizer builds keep the C library's.
#include <dlfcn.h>

#include <cstddef>

#include "hpocr/huge_pages.h"

#if defined(__SANITIZE_ADDRESS__)
#define HPOCR_NO_INTERPOSE 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define HPOCR_NO_INTERPOSE 1
#endif
#endif

#if !defined(HPOCR_NO_INTERPOSE) && defined(__linux__)
namespace {

constexpr std::size_t kMinBytes = 4 * hpocr::kHugePageBytes;  // smaller blocks hold at most one aligned huge page

using PosixMemalign = int (*)(void**, std::size_t, std::size_t);
using AlignedAlloc = void* (*)(std::size_t, std::size_t);

}  // namespace

extern "C" __attribute__((visibility("default"))) int posix_memalign(void** out, std::size_t alignment, std::size_t size) {
  static const auto next = reinterpret_cast<PosixMemalign>(dlsym(RTLD_NEXT, "posix_memalign"));
  const int rc = next(out, alignment, size);
  if (rc == 0 && size >= kMinBytes) hpocr::advise_huge_pages(*out, size);
  return rc;
}

extern "C" __attribute__((visibility("default"))) void* aligned_alloc(std::size_t alignment, std::size_t size) {
  static const auto next = reinterpret_cast<AlignedAlloc>(dlsym(RTLD_NEXT, "aligned_alloc"));
  void* block = next(alignment, size);
  if (size >= kMinBytes) hpocr::advise_huge_pages(block, size);
  return block;
}
#endif
