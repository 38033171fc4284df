// Static INT8 quantisation of an ONNX model in QDQ form: calibration of activation ranges with ONNX Runtime
// (intermediate tensors exposed as extra graph outputs of a temporary copy), then QuantizeLinear /
// DequantizeLinear pairs around Conv, ConvTranspose and MatMul: uint8 asymmetric activations, int8 symmetric
// weights (per output channel: Conv axis 0, ConvTranspose axis 1, MatMul axis 1), int32 biases, opset 13.
// ONNX Runtime fuses these patterns into integer kernels (QLinearConv, QLinearMatMul, MatMulIntegerToFloat).
#pragma once
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>
#include <onnx/onnx_pb.h>

#include "core/tensor.h"
#include "hpocr/int8.h"

namespace hpocr::quant {

struct Range {
  float lo = 0, hi = 0;
};

/// The fp32 model prepared for quantisation (constants as initializers, BatchNormalization folded) with the
/// activation ranges and ranks observed on the calibration inputs.
struct Calibration {
  onnx::ModelProto model;
  std::map<std::string, Range> ranges;   ///< per activation tensor
  std::map<std::string, int> ranks;
  size_t samples = 0;
};

/// Runs the model on `inputs` (already pre-processed, one tensor per run) and collects ranges of every
/// activation around a quantisable node. Error(InvalidInput) when `inputs` is empty.
Calibration calibrate(const std::filesystem::path& model_file, const std::vector<Tensor>& inputs, const QuantOptions& options);

/// The QDQ model. `quantized` receives the names of the nodes that got integer weights/activations.
onnx::ModelProto quantize(const Calibration& calib, const QuantOptions& options, std::vector<std::string>* quantized = nullptr);

/// Per-layer sensitivity: for each quantised node, how much quantising it adds to the error of its output
/// (normalised MSE against fp32 on `inputs`, minus that of its inputs). Most sensitive first.
std::vector<std::pair<std::string, double>> layer_sensitivity(const Calibration& calib, const QuantOptions& options,
                                                              const std::vector<Tensor>& inputs);

/// Op types of the nodes of an ONNX Runtime optimised graph dump that run integer kernels (QLinearConv,
/// ConvInteger, MatMulInteger, QLinearMatMul, MatMulIntegerToFloat, ...), with their counts.
std::map<std::string, int> integer_kernels(const onnx::ModelProto& optimized);

/// Loads `model_file` in ONNX Runtime with full graph optimisation and writes the optimised graph to
/// `optimized_file` (ORT's optimized_model_filepath), so it can be inspected.
void write_optimized_graph(const std::filesystem::path& model_file, const std::filesystem::path& optimized_file, int cpu_threads);

}  // namespace hpocr::quant
