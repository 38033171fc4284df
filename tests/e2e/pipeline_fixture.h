// One pipeline per test binary (model loading is the slow part), skipped when models are absent.
#pragma once
#include <gtest/gtest.h>

#include <memory>

#include "hpocr/pipeline.h"
#include "support/test_support.h"

namespace hpocr::test {

class PipelineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!default_models_present()) GTEST_SKIP() << "default models not installed: run scripts/setup.sh";
  }
  /// The shared pipeline with default options (textline orientation on).
  static const OcrPipeline& pipeline() {
    static const OcrOptions defaults;  // a named object: GCC 12 misreports a temporary's json member as uninitialised
    static const OcrPipeline p{defaults};
    return p;
  }
};

}  // namespace hpocr::test
