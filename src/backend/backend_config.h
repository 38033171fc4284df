// backend_config (hpi_config's per-backend mapping) read into a backend's typed options, once, when its engine
// is built: each backend declares the keys it knows with their types (ort_backend.cpp, ov_engine.cpp,
// pd_engine.cpp, opencv_backend.cpp), and the engine uses the typed result only.
#pragma once
#include <initializer_list>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace hpocr {

/// Reads one backend_config. A value of the wrong type, and a key no call asked for, give one
/// Error(InvalidArgument) naming the model, the backend, the key and what it expects. HPI's own keys
/// (precision, int8_guard) are accepted by every backend.
class BackendConfigReader {
 public:
  BackendConfigReader(const nlohmann::json& config, std::string_view backend, std::string_view model_name);

  std::optional<bool> flag(std::string_view key);
  /// An integer >= `min`.
  std::optional<int> integer(std::string_view key, int min);
  /// One of `choices`.
  std::optional<std::string> choice(std::string_view key, std::initializer_list<std::string_view> choices);
  /// A key read elsewhere (HPI acts on precision and int8_guard), accepted here as it is.
  void accept(std::string_view key);
  /// Error(InvalidArgument) for the first key nothing asked for, listing the keys the backend knows.
  void finish() const;

 private:
  const nlohmann::json* find(std::string_view key);
  [[noreturn]] void bad(std::string_view key, const std::string& expected) const;

  const nlohmann::json& config_;
  std::string backend_, model_name_;
  std::set<std::string, std::less<>> known_;
};

/// backend_config.<key> when it is a boolean, else `fallback` (for readers outside the backend, e.g. the engine
/// cache's cache_optimized_model; the backend itself rejects a value of the wrong type).
bool config_flag(const nlohmann::json& config, std::string_view key, bool fallback);

}  // namespace hpocr
