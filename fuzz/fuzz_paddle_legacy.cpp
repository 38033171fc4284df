// The legacy Paddle program reader (inference.pdmodel, a ProgramDesc protobuf; src/format/paddle).
#include "format/paddle/program.h"
#include "fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace hpocr;
  fuzz::quiet();
  static fuzz::ScratchFile file("inference.pdmodel");
  const auto& path = file.write(data, size);
  fuzz::expect_ok_or_error([&] {
    const paddle::Program p = paddle::read_legacy_program(path);
    if (p.inputs.empty() || p.outputs.empty()) fuzz::violated("a program without feeds or fetches was accepted");
  });
  return 0;
}
