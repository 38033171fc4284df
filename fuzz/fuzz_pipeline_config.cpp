// Pipeline YAML files (apply_pipeline_config, src/pipeline/pipeline_config) and hpi_config text
// (parse_hpi_config + HpiConfig::validate, src/core/hpi_config), then the options' own validation.
#include <string>

#include "fuzz_common.h"
#include "hpocr/options.h"
#include "hpocr/pipeline_config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace hpocr;
  fuzz::quiet();
  static fuzz::ScratchFile file("pipeline.yaml");
  const auto& path = file.write(data, size);
  fuzz::expect_ok_or_error([&] {
    OcrOptions options;
    apply_pipeline_config(path, options);
    options.hpi_config.validate();
    for (const auto& [module, config] : options.module_hpi_config) config.validate();
    options.validate();
  });
  // parse_hpi_config takes a path or the text itself; the leading newline keeps the text from naming a file.
  fuzz::expect_ok_or_error([&] {
    std::string text = "\n";
    text.append(reinterpret_cast<const char*>(data), size);
    const HpiConfig c = parse_hpi_config(text);
    c.validate();
  });
  return 0;
}
