// Paddle static-graph program -> ONNX model. One mapper per Paddle op type (ops_*.cpp); an op without a
// mapper fails the conversion with an Error(UnsupportedOp) naming the op and the model, never a partial graph.
#pragma once
#include <string>

#include "format/paddle/program.h"
#include "hpocr/convert.h"

namespace hpocr::convert {

/// Converts `program` and returns the serialized ONNX model, checked with onnx::checker.
/// Throws Error(UnsupportedOp) for ops without a mapper, Error(ModelFormat) for inconsistent programs.
std::string convert_program(const paddle::Program& program, const ConvertOptions& options, ConvertReport* report = nullptr);

}  // namespace hpocr::convert
