#include "backend/backend_config.h"

#include <algorithm>
#include <limits>

#include "hpocr/error.h"
#include "hpocr/parameters.h"

namespace hpocr {

BackendConfigReader::BackendConfigReader(const nlohmann::json& config, std::string_view backend, std::string_view model_name)
    : config_(config), backend_(backend), model_name_(model_name) {
  if (!config_.is_object() && !config_.is_null())
    throw Error(ErrorCode::InvalidArgument, model_name_ + ": " + backend_ + " backend_config must be a mapping");
  // HPI's own keys, checked with the hpi_config and valid whichever backend runs the model.
  accept(param_names::kPrecision);
  accept("int8_guard");
}

const nlohmann::json* BackendConfigReader::find(std::string_view key) {
  known_.emplace(key);
  if (!config_.is_object()) return nullptr;
  auto it = config_.find(key);
  return it == config_.end() ? nullptr : &*it;
}

void BackendConfigReader::bad(std::string_view key, const std::string& expected) const {
  throw Error(ErrorCode::InvalidArgument,
              model_name_ + ": " + backend_ + " backend_config." + std::string(key) + " is invalid: expected " + expected);
}

std::optional<bool> BackendConfigReader::flag(std::string_view key) {
  const nlohmann::json* v = find(key);
  if (!v) return std::nullopt;
  if (!v->is_boolean()) bad(key, "true or false");
  return v->get<bool>();
}

std::optional<int> BackendConfigReader::integer(std::string_view key, int min) {
  const nlohmann::json* v = find(key);
  if (!v) return std::nullopt;
  const std::string expected = "an integer >= " + std::to_string(min);
  if (!v->is_number_integer()) bad(key, expected);
  const auto value = v->get<std::int64_t>();
  if (value < min || value > std::numeric_limits<int>::max()) bad(key, expected);
  return static_cast<int>(value);
}

std::optional<std::string> BackendConfigReader::choice(std::string_view key, std::initializer_list<std::string_view> choices) {
  const nlohmann::json* v = find(key);
  if (!v) return std::nullopt;
  if (v->is_string() && std::find(choices.begin(), choices.end(), v->get_ref<const std::string&>()) != choices.end())
    return v->get<std::string>();
  std::string expected;
  for (std::string_view c : choices) expected += (expected.empty() ? "" : ", ") + std::string(c);
  bad(key, "one of " + expected);
}

void BackendConfigReader::accept(std::string_view key) { known_.emplace(key); }

void BackendConfigReader::finish() const {
  if (!config_.is_object()) return;
  for (const auto& [key, value] : config_.items()) {
    if (known_.count(key)) continue;
    std::string keys;
    for (const auto& k : known_) keys += (keys.empty() ? "" : ", ") + k;
    bad(key, "a known " + backend_ + " key (" + keys + ")");
  }
}

bool config_flag(const nlohmann::json& config, std::string_view key, bool fallback) {
  if (!config.is_object()) return fallback;
  auto it = config.find(key);
  return it != config.end() && it->is_boolean() ? it->get<bool>() : fallback;
}

}  // namespace hpocr
