// Generated calibration and validation images for INT8 quantisation (hpocr quantize): text pages and single
// lines in several fonts, sizes, colours and languages, rendered with known content.
#pragma once
#include <cstdint>
#include <vector>

#include "quant/int8_build.h"

namespace hpocr::quant {

/// `count` images (about three pages to one line image) drawn from `seed`. Calibration and validation use
/// different seeds (kCalibrationSeed, kValidationSeed), so their texts and layouts differ.
std::vector<LabelledImage> make_calibration_set(int count, uint32_t seed);

constexpr uint32_t kCalibrationSeed = 1001, kValidationSeed = 2002;

}  // namespace hpocr::quant
