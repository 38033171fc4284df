#pragma once
#include <string>
#include <string_view>

namespace hpocr {

/// Where a model runs: "cpu" or "gpu:N".
struct Device {
  std::string type = "cpu";
  int id = 0;
  /// Parses "cpu", "gpu", "gpu:1"; Error(InvalidArgument) otherwise.
  static Device parse(std::string_view text);
  std::string str() const { return type == "cpu" ? type : type + ":" + std::to_string(id); }
};

/// The CPU's widest vector instruction set for cache keys ("avx512vnni", "avx512", "avx2", "sse", or "" off
/// x86): optimised graphs and INT8 kernels are chosen per instruction set.
std::string cpu_isa();

/// The CPU class the measured prior knowledge is keyed by: "amx" (AMX tiles, e.g. Sapphire Rapids), else
/// cpu_isa()'s answer ("avx512vnni", "avx512", "avx2", "sse"); "" off x86.
std::string cpu_class();

}  // namespace hpocr
