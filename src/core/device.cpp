#include "hpocr/device.h"

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

}  // namespace hpocr
