// The .pdiparams weight reader (paddle::load_params). The first input byte chooses the program the weights
// are read for: how many parameters it declares (1-8) and which of them declare a shape; the rest of the input
// is the .pdiparams file.
#include <string>

#include "format/paddle/program.h"
#include "fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace hpocr;
  fuzz::quiet();
  if (size < 1) return 0;
  static fuzz::ScratchFile file("inference.pdiparams");
  const uint8_t selector = data[0];
  paddle::Program program;
  const int count = 1 + (selector & 7);
  for (int i = 0; i < count; ++i) {
    const std::string name = std::string("p").append(std::to_string(i));  // not "p" + ...: gcc 12's -Wrestrict false positive
    program.param_order.push_back(name);
    if (selector & (8 << (i % 5))) program.vars[name] = {paddle::DType::Float32, {2, 3}, true};
  }
  const auto& path = file.write(data + 1, size - 1);
  fuzz::expect_ok_or_error([&] {
    paddle::load_params(program, path);
    for (const auto& name : program.param_order) {
      const auto it = program.params.find(name);
      if (it == program.params.end()) fuzz::violated("a declared parameter was not loaded");
      const paddle::ConstTensor& t = it->second;
      if (t.data.size() != static_cast<std::size_t>(t.numel()) * paddle::dtype_size(t.dtype))
        fuzz::violated("a tensor's data size does not match its shape");
    }
  });
  return 0;
}
