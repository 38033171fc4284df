// backend_config read into typed options (backend/backend_config.h): types, ranges, unknown keys, HPI's keys.
#include <gtest/gtest.h>

#include "backend/backend.h"
#include "backend/backend_config.h"
#include "format/model_dir.h"
#include "hpocr/error.h"
#include "hpocr/options.h"
#include "support/test_support.h"

namespace hpocr {
namespace {

/// The message of the Error(InvalidArgument) that `f` throws ("" when it throws none).
template <class F>
std::string invalid_argument_message(F&& f) {
  try {
    f();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::InvalidArgument) << e.what();
    return e.what();
  }
  return "";
}

TEST(BackendConfig, ReadsEachKeyByItsType) {
  const nlohmann::json config = {{"threads", 4}, {"fast", true}, {"mode", "b"}};
  BackendConfigReader r(config, "test", "model");
  EXPECT_EQ(r.integer("threads", 1), 4);
  EXPECT_EQ(r.flag("fast"), true);
  EXPECT_EQ(r.choice("mode", {"a", "b"}), "b");
  EXPECT_EQ(r.flag("absent"), std::nullopt);
  EXPECT_NO_THROW(r.finish());
}

TEST(BackendConfig, AWrongValueNamesModelBackendKeyAndWhatItExpects) {
  const nlohmann::json config = {{"threads", "four"}, {"low", 0}, {"fast", 1}, {"mode", "c"}};
  BackendConfigReader r(config, "test", "model");
  EXPECT_EQ(invalid_argument_message([&] { r.integer("threads", 1); }),
            "model: test backend_config.threads is invalid: expected an integer >= 1");
  EXPECT_EQ(invalid_argument_message([&] { r.integer("low", 1); }), "model: test backend_config.low is invalid: expected an integer >= 1");
  EXPECT_EQ(invalid_argument_message([&] { r.flag("fast"); }), "model: test backend_config.fast is invalid: expected true or false");
  EXPECT_EQ(invalid_argument_message([&] { r.choice("mode", {"a", "b"}); }),
            "model: test backend_config.mode is invalid: expected one of a, b");
}

TEST(BackendConfig, AnUnknownKeyListsTheKnownOnesButHpisOwnKeysPass) {
  const nlohmann::json config = {{"threads", 2}, {"precision", "int8"}, {"int8_guard", false}, {"typo", 1}};
  BackendConfigReader r(config, "test", "model");
  r.integer("threads", 1);
  EXPECT_EQ(invalid_argument_message([&] { r.finish(); }),
            "model: test backend_config.typo is invalid: expected a known test key (int8_guard, precision, threads)");
  EXPECT_EQ(invalid_argument_message([] { BackendConfigReader(nlohmann::json::array(), "test", "model"); }),
            "model: test backend_config must be a mapping");
}

TEST(BackendConfig, OnnxRuntimeRefusesAWrongTypeWithAClearError) {
  if (!test::default_models_present()) GTEST_SKIP() << "default models not installed";
  const Backend* ort = find_backend("onnxruntime");
  ASSERT_NE(ort, nullptr);
  if (!ort->probe(Device{}).available) GTEST_SKIP() << "ONNX Runtime unavailable";
  const ModelDir model = open_model_dir(model_dir(OcrOptions{}, ModelRole::TextLineOrientation), "textline orientation");
  for (const auto& [config, needle] : std::vector<std::pair<nlohmann::json, std::string>>{
           {{{"cpu_num_threads", "four"}}, "onnxruntime backend_config.cpu_num_threads is invalid: expected an integer >= 1"},
           {{{"graph_optimization_level", "max"}}, "backend_config.graph_optimization_level is invalid: expected one of disable, basic, extended, all"},
           {{{"shared_arena", "yes"}}, "backend_config.shared_arena is invalid: expected true or false"},
           {{{"performance_hint", "LATENCY"}}, "backend_config.performance_hint is invalid: expected a known onnxruntime key"}}) {
    EngineOptions options;
    options.backend_config = config;
    EXPECT_NE(invalid_argument_message([&] { ort->load(model, options); }).find(needle), std::string::npos) << config.dump();
  }
}

}  // namespace
}  // namespace hpocr
