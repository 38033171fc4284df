// ONNX protobuf helpers for the quantiser: load/save, constants as initializers, BatchNormalization folding,
// the opset upgrade that per-channel QDQ needs (QuantizeLinear/DequantizeLinear `axis` exists from opset 13).
#pragma once
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include <onnx/onnx_pb.h>

namespace hpocr::quant {

/// Reads an ONNX model; Error(ModelFormat) when the file is unreadable or not ONNX.
onnx::ModelProto load_onnx(const std::filesystem::path& file);
/// Writes a model; Error(Io) on failure.
void save_onnx(const onnx::ModelProto& model, const std::filesystem::path& file);

/// The default-domain opset the model imports (0 when none).
int onnx_opset(const onnx::ModelProto& model);

/// Float contents of a FLOAT tensor (raw_data or float_data); Error(ModelFormat) for other types.
std::vector<float> tensor_floats(const onnx::TensorProto& t);
/// Int64 contents of an INT64 tensor (raw_data or int64_data).
std::vector<int64_t> tensor_int64s(const onnx::TensorProto& t);
/// A tensor called `name` holding `values` with `dims`, as raw data of `type` (FLOAT, INT8, UINT8, INT32, INT64).
template <typename T>
onnx::TensorProto make_tensor(const std::string& name, int type, const std::vector<int64_t>& dims, const std::vector<T>& values);

/// Names of the graph's initializers, name -> index.
std::map<std::string, int> initializer_index(const onnx::GraphProto& g);

/// Normalises a graph for rewriting: `Constant` nodes become initializers, unnamed nodes get unique names
/// (`<op>_<index>`, so that --exclude and the sensitivity report can name them).
void normalise_graph(onnx::GraphProto& g);

/// Folds BatchNormalization into the Conv before it when the Conv's output feeds only that BN and all
/// parameters are constant. Returns the number of folded pairs.
int fold_batchnorm(onnx::GraphProto& g);

/// Folds a Mul or Add by a constant (scalar or one value per output channel) into the Conv before it when the
/// Conv's output feeds only that node (PP-LCNetV3's learnable affine blocks after each convolution): exact.
/// Repeats until nothing folds; returns the number of folded nodes.
int fold_conv_affine(onnx::GraphProto& g);

/// Replaces HardSwish written out as `x * Clip(x + 3, 0, 6) / 6` (Add, Clip, Mul, Div) by
/// `x * HardSigmoid(x; alpha 1/6, beta 1/2)`: two elementwise passes instead of four, same values (up to
/// float rounding). Returns the number of rewritten chains.
int fuse_hardswish(onnx::GraphProto& g);

/// Removes the initializers that no node reads and that are not graph outputs (a constant may be an output).
/// Returns how many were removed. The one place for this clean-up after a rewrite.
int prune_unused_initializers(onnx::GraphProto& g);

/// Rewrites the operators whose signature changed below opset 13 (Clip, Slice, Squeeze, Unsqueeze, Softmax,
/// ReduceSum, Split) and sets the default-domain opset to 13. `ranks` gives the observed rank of tensors
/// (from calibration), needed to keep pre-13 Softmax semantics. Error(UnsupportedOp) when a node cannot be
/// converted.
void upgrade_to_opset13(onnx::ModelProto& model, const std::map<std::string, int>& ranks);

}  // namespace hpocr::quant
