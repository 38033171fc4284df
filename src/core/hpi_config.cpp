#include <algorithm>

#include "hpocr/error.h"
#include "hpocr/options.h"
#include "hpocr/parameters.h"

namespace hpocr {
namespace {

const char* const kBackends[] = {"onnxruntime", "opencv", "openvino", "paddle", "tensorrt"};
const char* const kPrecisions[] = {"fp32", "fp16", "int8"};
constexpr const char* kInt8Guard = "int8_guard";

[[noreturn]] void bad(const std::string& what) { throw Error(ErrorCode::InvalidArgument, std::string(param_names::kHpiConfig) + ": " + what); }

}  // namespace

HpiConfig HpiConfig::from_json(const nlohmann::json& j) {
  if (j.is_null()) return {};
  if (!j.is_object()) bad("must be a mapping, got " + std::string(j.type_name()));
  HpiConfig c;
  for (const auto& [key, value] : j.items()) {
    if (key == "backend") {
      if (!value.is_string() && !value.is_null()) bad("backend must be a string");
      c.backend = value.is_null() ? "" : value.get<std::string>();
    } else if (key == "auto_config" || key == "auto_paddle2onnx") {
      if (!value.is_boolean()) bad(key + " must be true or false");
      (key == "auto_config" ? c.auto_config : c.auto_paddle2onnx) = value.get<bool>();
    } else if (key == "backend_config") {
      if (!value.is_object() && !value.is_null()) bad("backend_config must be a mapping");
      c.backend_config = value.is_null() ? nlohmann::json::object() : value;
    } else {
      bad("unknown key '" + key + "' (expected backend, backend_config, auto_config, auto_paddle2onnx)");
    }
  }
  c.validate();
  return c;
}

nlohmann::json HpiConfig::to_json() const {
  return {{"backend", backend.empty() ? nlohmann::json(nullptr) : nlohmann::json(backend)},
          {"auto_config", auto_config},
          {"auto_paddle2onnx", auto_paddle2onnx},
          {"backend_config", backend_config}};
}

std::string HpiConfig::precision() const {
  auto it = backend_config.find(param_names::kPrecision);
  return it != backend_config.end() && it->is_string() ? it->get<std::string>() : std::string();
}

void HpiConfig::set_precision(const std::string& precision) {
  if (std::find(std::begin(kPrecisions), std::end(kPrecisions), precision) == std::end(kPrecisions))
    throw Error(ErrorCode::InvalidArgument, std::string(param_names::kPrecision) + "='" + precision + "' is invalid: expected fp32, fp16 or int8");
  backend_config[param_names::kPrecision] = precision;
}

bool HpiConfig::int8_guard() const {
  auto it = backend_config.find(kInt8Guard);
  return it == backend_config.end() || !it->is_boolean() || it->get<bool>();
}

void HpiConfig::validate() const {
  if (!backend.empty() && std::find(std::begin(kBackends), std::end(kBackends), backend) == std::end(kBackends))
    bad("backend '" + backend + "' is unknown (expected onnxruntime, opencv, openvino, paddle or tensorrt)");
  if (!backend_config.is_object()) bad("backend_config must be a mapping");
  if (auto it = backend_config.find("cpu_num_threads"); it != backend_config.end()) {
    if (!it->is_number_integer() || it->get<int64_t>() < 1 || it->get<int64_t>() > 1024)
      bad("backend_config.cpu_num_threads must be an integer in 1..1024");
  }
  if (auto it = backend_config.find(kInt8Guard); it != backend_config.end() && !it->is_boolean())
    bad("backend_config.int8_guard must be true or false");
  if (auto it = backend_config.find(param_names::kPrecision); it != backend_config.end()) {
    if (!it->is_string() || std::find(std::begin(kPrecisions), std::end(kPrecisions), it->get<std::string>()) == std::end(kPrecisions))
      bad("backend_config.precision must be fp32, fp16 or int8");
  }
}

}  // namespace hpocr
