// Paddle models for ONNX backends: the converter's output lives in the engine cache, keyed by the Paddle
// files' contents, the hpocr version and the opset, so a model is converted once and reused afterwards.
#pragma once
#include "convert/converter.h"
#include "format/model_dir.h"

namespace hpocr::hpi {

/// The ONNX form of the Paddle model `model`: `<cache>/paddle2onnx-<key>/inference.onnx`, converted on the
/// first call (written atomically; a corrupt entry is rebuilt). The result keeps the model's directory, name
/// and inference.yml, so the pipeline reads its pre/post-processing as before. Throws Error(UnsupportedOp)
/// or Error(ModelFormat) when the program cannot be converted.
ModelDir converted_to_onnx(const ModelDir& model, int opset = convert::kDefaultOpset);

}  // namespace hpocr::hpi
