// The Paddle -> ONNX converter (src/convert) on mutated programs. The input is a program: PIR JSON when it
// starts with '{', else a legacy ProgramDesc. Weights are synthesised from the declared shapes (small ones only),
// as for the weight-less real programs in ../shared/models/paddle-programs, then the program is converted.
#include "convert/converter.h"
#include "format/paddle/program.h"
#include "fuzz_common.h"

namespace {
constexpr int64_t kMaxParamElements = 1 << 16;
constexpr int64_t kMaxTotalElements = 1 << 20;

/// Fills program.params from the declarations; false when a parameter's shape is unknown or too large.
bool synthesise_weights(hpocr::paddle::Program& program) {
  using namespace hpocr::paddle;
  int64_t total = 0;
  for (const std::string& name : program.param_order) {
    if (program.params.count(name)) continue;
    const auto v = program.vars.find(name);
    if (v == program.vars.end() || !v->second.known_shape) return false;
    int64_t n = 1;
    for (int64_t d : v->second.shape) {
      if (d < 0 || d > kMaxParamElements) return false;
      n *= d;
      if (n > kMaxParamElements) return false;
    }
    total += n;
    if (total > kMaxTotalElements) return false;
    std::vector<double> values(static_cast<std::size_t>(n));
    for (int64_t i = 0; i < n; ++i) values[static_cast<std::size_t>(i)] = 0.25 + 0.125 * static_cast<double>(i % 7);
    program.params[name] = make_const(v->second.dtype, v->second.shape, values);
  }
  return true;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace hpocr;
  fuzz::quiet();
  static fuzz::ScratchFile legacy("convert.pdmodel"), pir("convert.json");
  const bool is_pir = size > 0 && data[0] == '{';
  fuzz::expect_ok_or_error([&] {
    paddle::Program program = is_pir ? paddle::read_pir_program(pir.write(data, size))
                                     : paddle::read_legacy_program(legacy.write(data, size));
    if (!synthesise_weights(program)) return;
    convert::ConvertOptions options;
    options.model_name = "fuzz";
    convert::ConvertReport report;
    const std::string onnx = convert::convert_program(program, options, &report);
    if (onnx.empty()) fuzz::violated("the converter returned an empty model");
  });
  return 0;
}
