#include "hpocr/huge_pages.h"

#include <cstdint>
#include <cstdlib>
#include <string_view>

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace hpocr {

bool huge_pages_enabled() {
  static const bool enabled = [] {
    const char* v = std::getenv("HPOCR_HUGE_PAGES");
    return !(v && std::string_view(v) == "0");
  }();
  return enabled;
}

void advise_huge_pages(void* block, std::size_t bytes) {
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  if (!block || !huge_pages_enabled()) return;
  const std::uintptr_t begin = (reinterpret_cast<std::uintptr_t>(block) + kHugePageBytes - 1) & ~(kHugePageBytes - 1);
  const std::uintptr_t end = (reinterpret_cast<std::uintptr_t>(block) + bytes) & ~(kHugePageBytes - 1);
  if (end > begin) madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);
#else
  (void)block, (void)bytes;
#endif
}

}  // namespace hpocr
