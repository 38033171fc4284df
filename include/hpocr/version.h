#pragma once
namespace hpocr {
/// The hpocr release this build comes from.
inline constexpr const char* kVersion = "0.1.0";
}  // namespace hpocr
