// `hpocr quantize`: calibrates the PP-OCR models on images through the real pre-processing, writes their
// INT8 (QDQ) versions into the engine cache (hpi/int8_cache.h), checks that ONNX Runtime runs integer
// kernels for them, and runs the accuracy guard, leaving the most sensitive layers in fp32 before giving up.
#pragma once
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "hpocr/int8.h"
#include "hpocr/options.h"
#include "hpocr/result.h"

namespace hpocr::quant {

/// The role of the model in `model_dir`, from inference.yml's PostProcess.name
/// (DBPostProcess, ClsPostProcess, CTCLabelDecode). Error(ModelFormat) otherwise.
ModelRole model_role(const std::filesystem::path& model_dir);

/// Runs the OCR pipeline of `options` over `set` (the guard's fp32 and INT8 runs). The pipeline layer passes
/// it in (pipeline/quantize.cpp), since the pipeline, which builds INT8 models on first use, sits above quant.
using PipelineRunner = std::function<std::vector<OcrResult>(const OcrOptions& options, const std::vector<LabelledImage>& set)>;

/// Quantises each model, publishes its cache entry (with quant.json and guard.json) and returns one report
/// per model ({model_name, role, entry, passed, guard, excluded, integer_kernels, ...}).
nlohmann::json build_int8_models(const BuildRequest& request, const PipelineRunner& run_pipeline);

}  // namespace hpocr::quant
