// What HPI would do with each model of a pipeline, in words (`hpocr hpi-info`).
#pragma once
#include <string>

#include "hpocr/options.h"

namespace hpocr {

/// Per model of `options` (detection, orientation, recognition): its name, format and directory, the HPI plan
/// (backends in order, with the reason for each one left out) and its INT8 cache entry's state, one block per
/// model. A model that cannot be opened is one line with the reason. Error(InvalidArgument) for a bad device.
std::string describe_model_plans(const OcrOptions& options);

}  // namespace hpocr
