// `hpocr quantize`: INT8 versions of the PP-OCR models in the engine cache (docs/int8.md).
#pragma once
#include <nlohmann/json.hpp>

#include "hpocr/int8.h"

namespace hpocr::quant {

/// Quantises each model, publishes its cache entry (with quant.json and guard.json) and returns one report
/// per model ({model_name, role, entry, passed, guard, excluded, integer_kernels, ...}).
nlohmann::json build_int8_models(const BuildRequest& request);

}  // namespace hpocr::quant
