// The hpocr executable's posix_memalign and aligned_alloc: the C library's, plus transparent huge pages for large
// blocks.
//
// ONNX Runtime's memory arena (C++ aligned new, which calls aligned_alloc) and OpenCV's image buffers
// (posix_memalign) come from these. A fresh block costs
// one page fault per 4 KiB on first touch; a full-resolution page makes the detector touch ~0.5 GB, and on a
// virtual machine those ~140 k faults were the largest cost of a one-page run after inference itself. With the
// kernel allowed to back large blocks with 2 MiB pages (THP in "madvise" mode, the common default) a 4-image run
// made 37 k instead of 148 k faults and took 0.5-1.7 s less, depending on the cost per fault (docs/performance.md,
// "Page faults"). HPOCR_HUGE_PAGES=0 turns it off. Defined in the executable, it interposes
// for every library, those loaded at run time too; the Python module and sanitizer builds keep the C library's.
#include <dlfcn.h>
#include <sys/mman.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#if defined(__SANITIZE_ADDRESS__)
#define HPOCR_NO_INTERPOSE 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define HPOCR_NO_INTERPOSE 1
#endif
#endif

#if !defined(HPOCR_NO_INTERPOSE) && defined(__linux__) && defined(MADV_HUGEPAGE)
namespace {

constexpr std::uintptr_t kHugePage = std::uintptr_t{2} << 20;
constexpr std::size_t kMinBytes = 4 * kHugePage;  // smaller blocks hold at most one aligned huge page

using PosixMemalign = int (*)(void**, std::size_t, std::size_t);
using AlignedAlloc = void* (*)(std::size_t, std::size_t);

/// HPOCR_HUGE_PAGES=0 turns the advice off (as for Tensor storage, core/tensor.cpp).
bool huge_pages_wanted() {
  static const bool wanted = [] {
    const char* v = std::getenv("HPOCR_HUGE_PAGES");
    return !(v && std::string_view(v) == "0");
  }();
  return wanted;
}

/// Advice only, for the 2 MiB-aligned part of the block: the rest, and kernels without THP, keep 4 KiB pages.
void advise_huge_pages(void* block, std::size_t size) {
  if (!block || size < kMinBytes || !huge_pages_wanted()) return;
  const std::uintptr_t begin = (reinterpret_cast<std::uintptr_t>(block) + kHugePage - 1) & ~(kHugePage - 1);
  const std::uintptr_t end = (reinterpret_cast<std::uintptr_t>(block) + size) & ~(kHugePage - 1);
  if (end > begin) madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);
}

}  // namespace

extern "C" __attribute__((visibility("default"))) int posix_memalign(void** out, std::size_t alignment, std::size_t size) {
  static const auto next = reinterpret_cast<PosixMemalign>(dlsym(RTLD_NEXT, "posix_memalign"));
  const int rc = next(out, alignment, size);
  if (rc == 0) advise_huge_pages(*out, size);
  return rc;
}

extern "C" __attribute__((visibility("default"))) void* aligned_alloc(std::size_t alignment, std::size_t size) {
  static const auto next = reinterpret_cast<AlignedAlloc>(dlsym(RTLD_NEXT, "aligned_alloc"));
  void* block = next(alignment, size);
  advise_huge_pages(block, size);
  return block;
}
#endif
