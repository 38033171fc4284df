#include "backend/backend.h"
#include "hpocr/parameters.h"

namespace hpocr {

nlohmann::json base_settings(std::string_view backend, const std::string& version, const Device& device) {
  return {{"backend", backend}, {"version", version}, {param_names::kDevice, device.str()}};
}

nlohmann::json threads_setting(int threads) { return threads > 0 ? nlohmann::json(threads) : nlohmann::json("default"); }

}  // namespace hpocr
