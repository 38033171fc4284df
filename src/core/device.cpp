#include "hpocr/device.h"

#if defined(__x86_64__)
#include <cpuid.h>
#endif

#include "hpocr/error.h"
#include "hpocr/parameters.h"

namespace hpocr {

Device Device::parse(std::string_view text) {
  auto invalid = [&] {
    return Error(ErrorCode::InvalidArgument, std::string(param_names::kDevice) + " '" + std::string(text) + "' is invalid: expected cpu, gpu or gpu:N");
  };
  Device d;
  auto colon = text.find(':');
  d.type = std::string(text.substr(0, colon));
  if (d.type != "cpu" && d.type != "gpu") throw invalid();
  if (colon != std::string_view::npos) {
    auto id = text.substr(colon + 1);
    if (d.type == "cpu" || id.empty() || id.size() > 3 || id.find_first_not_of("0123456789") != std::string_view::npos)
      throw invalid();
    d.id = std::stoi(std::string(id));
  }
  return d;
}

std::string cpu_isa() {
#if defined(__x86_64__)
  if (__builtin_cpu_supports("avx512vnni")) return "avx512vnni";
  return __builtin_cpu_supports("avx512f") ? "avx512" : __builtin_cpu_supports("avx2") ? "avx2" : "sse";
#else
  return "";
#endif
}

std::string cpu_class() {
#if defined(__x86_64__)
  // CPUID leaf 7, sub-leaf 0: EDX bit 24 is AMX-TILE (GCC 12's __builtin_cpu_supports has no name for it).
  unsigned a = 0, b = 0, c = 0, d = 0;
  if (__get_cpuid_count(7, 0, &a, &b, &c, &d) && (d >> 24 & 1u)) return "amx";
#endif
  return cpu_isa();
}

}  // namespace hpocr
