#include "hpocr/logging.h"

#include <spdlog/sinks/stdout_color_sinks.h>

#include "hpocr/error.h"

namespace hpocr::log {

spdlog::logger& get() {
  static std::shared_ptr<spdlog::logger> logger = [] {
    auto l = spdlog::stderr_color_mt("hpocr");
    l->set_pattern("[%H:%M:%S.%e] [%^%l%$] %v");
    l->set_level(spdlog::level::warn);
    return l;
  }();
  return *logger;
}

void set_level(std::string_view level) {
  auto lv = spdlog::level::from_str(std::string(level));
  // from_str maps unknown names to "off"; only accept "off" when it was asked for.
  if (lv == spdlog::level::off && level != "off")
    throw Error(ErrorCode::InvalidArgument,
                "log level '" + std::string(level) + "' is invalid: expected trace, debug, info, warning, error or off");
  get().set_level(lv);
}

}  // namespace hpocr::log
