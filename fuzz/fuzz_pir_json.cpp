// The PIR program reader (inference.json; src/format/paddle/pir_reader).
#include "format/paddle/program.h"
#include "fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace hpocr;
  fuzz::quiet();
  static fuzz::ScratchFile file("inference.json");
  const auto& path = file.write(data, size);
  fuzz::expect_ok_or_error([&] {
    const paddle::Program p = paddle::read_pir_program(path);
    if (p.inputs.empty() || p.outputs.empty()) fuzz::violated("a program without data or fetch ops was accepted");
  });
  return 0;
}
