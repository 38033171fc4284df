// Where the INT8 version of a model lives in the engine cache, and whether HPI may use it.
// An entry is a complete model directory (QDQ inference.onnx + the fp32 model's inference.yml and
// dictionary), plus quant.json (how it was calibrated) and guard.json (the accuracy guard's verdict).
// `hpocr quantize` writes it (src/quant); HPI reads it here.
#pragma once
#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "format/model_dir.h"

namespace hpocr::hpi {

/// `<cache root>/int8-<key>` (core/file_util.h cache_root_for); the key hashes the fp32 model's bytes, the
/// ONNX Runtime version and the CPU instruction set, so a changed model, runtime or CPU misses the entry.
std::filesystem::path int8_entry_dir(const ModelDir& model);

/// HPI uses a guarded INT8 entry by itself only when it measured at least this much faster than fp32 when it
/// was built (guard.json "speed"); `precision int8` uses it whatever its speed.
constexpr double kMinAutomaticInt8Speedup = 1.1;

struct Int8Status {
  bool usable = false;           ///< entry present, complete and the guard passed
  bool pays = false;             ///< usable, and fast enough for HPI to pick it (kMinAutomaticInt8Speedup)
  bool present = false;          ///< the entry's model exists (whatever the guard said)
  std::filesystem::path dir;     ///< the entry (a model directory) when present
  std::string reason;            ///< why (not): for the logs and hpi-info
  std::string slower_reason;     ///< why HPI does not pick a usable entry by itself (empty when it pays)
  nlohmann::json guard;          ///< guard.json when present
};

/// Looks the entry up; never throws.
Int8Status int8_status(const ModelDir& model);

}  // namespace hpocr::hpi
