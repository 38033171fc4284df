// `precision: int8` on a model with no INT8 version in the cache builds that version on first use, as engines
// are built on first use: calibration on the built-in generated set (quant/calib_set.h), the accuracy guard,
// the cache entry (hpi/int8_cache.h). HPI then runs it if the guard passed, else fp32 with its warning.
#pragma once
#include "hpocr/options.h"

namespace hpocr {

/// Sizes of the first-use build. Defaults: 16 calibration images and 3 guard rounds (as `hpocr quantize`), 24
/// validation images (`hpocr quantize` has 8): on 8 images (77 boxes) one spurious box decides the detector's
/// 99 % box criterion (docs/int8.md, "Where INT8 time goes"). The environment variables
/// HPOCR_INT8_CALIB_IMAGES, HPOCR_INT8_VAL_IMAGES and HPOCR_INT8_GUARD_ROUNDS override them (tests use small sets).
/// Real document pages join both sets (quant::add_document_pages): 12 for the guard, 6 for calibration;
/// HPOCR_INT8_DOC_PAGES sets the guard's number (calibration gets half).
struct Int8FirstUseSizes {
  int calibration_images = 16, validation_images = 24, guard_rounds = 3, document_pages = 12;
  static Int8FirstUseSizes from_environment();
};

/// Builds, for every model of `options` that asks for `precision: int8` on CPU with ONNX Runtime (or an
/// automatic backend) and is an ONNX model without an INT8 cache entry, that entry (one build for all such
/// models, with a progress line per phase on stderr). A failed build is logged as a warning and leaves the
/// models in fp32. Serialised within the process. Returns the number of models built.
int build_int8_on_first_use(const OcrOptions& options);

}  // namespace hpocr
