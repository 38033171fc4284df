// The ONNX graph reader and rewrites of `hpocr quantize` (src/quant/onnx_graph): load, normalise (Constant
// nodes to initializers), BatchNormalization folding, the opset-13 upgrade, serialisation.
#include <map>
#include <string>

#include "fuzz_common.h"
#include "quant/onnx_graph.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace hpocr;
  fuzz::quiet();
  static fuzz::ScratchFile file("model.onnx");
  const auto& path = file.write(data, size);
  fuzz::expect_ok_or_error([&] {
    onnx::ModelProto model = quant::load_onnx(path);
    quant::normalise_graph(*model.mutable_graph());
    quant::fold_batchnorm(*model.mutable_graph());
    if (quant::onnx_opset(model) < 13) {
      std::map<std::string, int> ranks;
      for (const auto& v : model.graph().value_info())
        if (v.type().has_tensor_type() && v.type().tensor_type().has_shape())
          ranks[v.name()] = v.type().tensor_type().shape().dim_size();
      quant::upgrade_to_opset13(model, ranks);
    }
    std::string out;
    if (!model.SerializeToString(&out)) fuzz::violated("a rewritten model does not serialise");
  });
  return 0;
}
