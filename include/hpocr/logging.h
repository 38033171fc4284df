// The one hpocr logger (spdlog). Quiet by default: warnings and errors only.
#pragma once
#include <spdlog/spdlog.h>

#include <string_view>

namespace hpocr::log {

/// The shared logger, writing to stderr.
spdlog::logger& get();
/// Sets the level from a name: trace, debug, info, warning, error, off. Throws Error(InvalidArgument).
void set_level(std::string_view level);

template <typename... Args>
void debug(spdlog::format_string_t<Args...> fmt, Args&&... args) { get().debug(fmt, std::forward<Args>(args)...); }
template <typename... Args>
void info(spdlog::format_string_t<Args...> fmt, Args&&... args) { get().info(fmt, std::forward<Args>(args)...); }
template <typename... Args>
void warn(spdlog::format_string_t<Args...> fmt, Args&&... args) { get().warn(fmt, std::forward<Args>(args)...); }

}  // namespace hpocr::log
