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

}  // namespace hpocr
