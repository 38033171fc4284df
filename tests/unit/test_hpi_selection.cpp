// HPI selection and fallback, driven by fake backends and a test prior-knowledge table.
#include <gtest/gtest.h>

#include <fstream>

#include "backend/backend.h"
#include "hpi/engine_loader.h"
#include "hpi/selection.h"
#include "hpocr/error.h"
#include "support/test_support.h"

namespace hpocr::test {
namespace {

class FakeEngine final : public Engine {
 public:
  explicit FakeEngine(nlohmann::json settings) : settings_(std::move(settings)) {
    sig_.inputs.push_back({"x", DataType::Float32, {-1, 3, -1, -1}});
    sig_.outputs.push_back({"y", DataType::Float32, {-1, 1, -1, -1}});
  }
  std::vector<Tensor> run(std::span<const Tensor> in) const override { return {in.begin(), in.end()}; }
  const ModelSignature& signature() const override { return sig_; }
  nlohmann::json settings() const override { return settings_; }

 private:
  ModelSignature sig_;
  nlohmann::json settings_;
};

enum class Behaviour { Ok, Missing, Broken, PaddleOnly };

class FakeBackend final : public Backend {
 public:
  FakeBackend(std::string name, Behaviour b) : name_(std::move(name)), behaviour_(b) {}
  std::string_view name() const override { return name_; }
  Availability probe(const Device&) const override {
    if (behaviour_ == Behaviour::Missing) return {false, "", "libfake.so not found"};
    return {true, "9.9", ""};
  }
  bool accepts(ModelFormat f) const override { return (behaviour_ == Behaviour::PaddleOnly) == (f != ModelFormat::Onnx); }
  std::unique_ptr<Engine> load(const ModelDir& model, const EngineOptions& o) const override {
    if (behaviour_ == Behaviour::Broken) throw Error(ErrorCode::UnsupportedOp, "fake op GridSample is unsupported");
    return std::make_unique<FakeEngine>(nlohmann::json{
        {"backend", name_}, {"config", o.backend_config}, {"format", to_string(model.format)}, {"file", model.model_file.filename()}});
  }

 private:
  std::string name_;
  Behaviour behaviour_;
};

const char* kTable = R"(
default:
  cpu:
    - backend: fake_missing
    - backend: fake_broken
    - backend: fake_ok
      config: {level: all}
models:
  ModelA:
    cpu:
      - backend: fake_paddle
      - backend: fake_ok
        config: {threads: 3, level: all}
)";

class HpiSelection : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    register_backend(std::make_unique<FakeBackend>("fake_ok", Behaviour::Ok));
    register_backend(std::make_unique<FakeBackend>("fake_missing", Behaviour::Missing));
    register_backend(std::make_unique<FakeBackend>("fake_broken", Behaviour::Broken));
    register_backend(std::make_unique<FakeBackend>("fake_paddle", Behaviour::PaddleOnly));
  }
  ModelDir model(const std::string& name) {
    auto dir = temp_dir("hpi");
    std::ofstream(dir / "inference.onnx") << "not parsed by fake backends";
    std::ofstream(dir / "inference.yml") << "Global: {model_name: " << name << "}\n";
    return open_model_dir(dir, "test");
  }
  hpi::PriorKnowledge table = hpi::PriorKnowledge::parse(kTable);
  Device cpu;
};

TEST_F(HpiSelection, WithoutHpiThePlainOnnxRuntimeEngineIsPlanned) {
  auto plan = hpi::make_plan(model("ModelA"), cpu, {}, false, table);
  ASSERT_EQ(plan.steps.size(), 1u);
  EXPECT_EQ(plan.steps[0].backend, "onnxruntime");
  EXPECT_TRUE(plan.steps[0].config.empty());
}

TEST_F(HpiSelection, UnknownModelUsesTheDefaultListMinusUnavailableBackends) {
  auto plan = hpi::make_plan(model("Unknown"), cpu, {}, true, table);
  ASSERT_EQ(plan.steps.size(), 2u);
  EXPECT_EQ(plan.steps[0].backend, "fake_broken");
  EXPECT_EQ(plan.steps[1].backend, "fake_ok");
  EXPECT_EQ(plan.steps[1].config, nlohmann::json({{"level", "all"}}));
  ASSERT_EQ(plan.rejected.size(), 1u);
  EXPECT_EQ(plan.rejected[0].backend, "fake_missing");
  EXPECT_NE(plan.rejected[0].reason.find("libfake.so not found"), std::string::npos);
  EXPECT_NE(plan.describe().find("fake_missing: libfake.so not found"), std::string::npos);
}

TEST_F(HpiSelection, KnownModelSkipsBackendsThatCannotReadItsFormatAndMergesUserConfig) {
  HpiConfig user;
  user.backend_config = {{"threads", 1}};
  auto plan = hpi::make_plan(model("ModelA"), cpu, user, true, table);
  ASSERT_EQ(plan.steps.size(), 1u);
  EXPECT_EQ(plan.steps[0].backend, "fake_ok");
  EXPECT_EQ(plan.steps[0].config, nlohmann::json({{"threads", 1}, {"level", "all"}}));  // the user's key wins
  ASSERT_EQ(plan.rejected.size(), 1u);
  EXPECT_EQ(plan.rejected[0].backend, "fake_paddle");
  EXPECT_NE(plan.rejected[0].reason.find("onnx"), std::string::npos);
}

TEST_F(HpiSelection, LoadingFallsBackAndRecordsEveryFailure) {
  LoadRequest req;
  req.enable_hpi = true;
  req.knowledge = &table;
  LoadedEngine loaded = load_engine(model("Unknown"), req);
  EXPECT_EQ(loaded.engine->settings()["backend"], "fake_ok");
  EXPECT_EQ(loaded.selection["backend"], "fake_ok");
  ASSERT_EQ(loaded.selection["failed"].size(), 2u);
  EXPECT_EQ(loaded.selection["failed"][0]["backend"], "fake_missing");
  EXPECT_EQ(loaded.selection["failed"][1]["backend"], "fake_broken");
  EXPECT_NE(loaded.selection["failed"][1]["error"].get<std::string>().find("GridSample"), std::string::npos);
}

TEST_F(HpiSelection, SafeModeRefusesABackendThePriorKnowledgeRulesOut) {
  HpiConfig user;
  user.backend = "fake_broken";
  auto plan = hpi::make_plan(model("ModelA"), cpu, user, true, table);
  EXPECT_TRUE(plan.steps.empty());
  ASSERT_EQ(plan.rejected.size(), 1u);
  EXPECT_NE(plan.rejected[0].reason.find("auto_config: false"), std::string::npos);
}

TEST_F(HpiSelection, ManualModeTakesTheUsersBackendAndConfigOnly) {
  HpiConfig user;
  user.backend = "fake_ok";
  user.auto_config = false;
  user.backend_config = {{"threads", 7}};
  auto plan = hpi::make_plan(model("Unknown"), cpu, user, true, table);
  ASSERT_EQ(plan.steps.size(), 1u);
  EXPECT_EQ(plan.steps[0].backend, "fake_ok");
  EXPECT_EQ(plan.steps[0].config, nlohmann::json({{"threads", 7}}));
}

TEST_F(HpiSelection, WhenNothingLoadsTheErrorListsEveryAttempt) {
  HpiConfig user;
  user.backend = "fake_broken";
  user.auto_config = false;
  LoadRequest req;
  req.enable_hpi = true;
  req.hpi = user;
  req.knowledge = &table;
  try {
    load_engine(model("Unknown"), req);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::UnsupportedOp);
    EXPECT_NE(std::string(e.what()).find("fake_broken: fake op GridSample"), std::string::npos) << e.what();
  }
}

/// A directory with Paddle files (not parsed by the fake backends; the converter rejects them).
ModelDir paddle_model(const std::string& name, bool with_onnx) {
  auto dir = temp_dir("hpi-paddle");
  std::ofstream(dir / "inference.json") << "{\"not\": \"a PIR program\"}";
  std::ofstream(dir / "inference.pdiparams") << "weights";
  if (with_onnx) std::ofstream(dir / "inference.onnx") << "not parsed by fake backends";
  std::ofstream(dir / "inference.yml") << "Global: {model_name: " << name << "}\n";
  return open_model_dir(dir, "test");
}

TEST_F(HpiSelection, PaddleModelsReachOnnxBackendsThroughTheConverterUnlessAutoPaddle2OnnxIsOff) {
  auto plan = hpi::make_plan(paddle_model("ModelA", false), cpu, {}, true, table);
  ASSERT_EQ(plan.steps.size(), 2u);
  EXPECT_EQ(plan.steps[0].backend, "fake_paddle");
  EXPECT_FALSE(plan.steps[0].convert) << "a Paddle backend reads the model as it is";
  EXPECT_EQ(plan.steps[1].backend, "fake_ok");
  EXPECT_TRUE(plan.steps[1].convert);
  EXPECT_NE(plan.steps[1].reason.find("via Paddle->ONNX conversion"), std::string::npos);
  HpiConfig off;
  off.auto_paddle2onnx = false;
  plan = hpi::make_plan(paddle_model("ModelA", false), cpu, off, true, table);
  ASSERT_EQ(plan.steps.size(), 1u);
  EXPECT_EQ(plan.steps[0].backend, "fake_paddle");
  ASSERT_EQ(plan.rejected.size(), 1u);
  EXPECT_NE(plan.rejected[0].reason.find("auto_paddle2onnx is off"), std::string::npos);
  EXPECT_TRUE(hpi::make_plan(paddle_model("ModelA", false), cpu, {}, false, table).steps.at(0).convert)
      << "the plain engine needs ONNX too";
}

TEST_F(HpiSelection, ADirectoryWithBothFormatsGivesEachBackendTheFormatItReads) {
  const ModelDir both = paddle_model("ModelA", true);
  EXPECT_EQ(both.format, ModelFormat::Onnx);
  auto plan = hpi::make_plan(both, cpu, {}, true, table);
  ASSERT_EQ(plan.steps.size(), 2u);
  EXPECT_TRUE(plan.steps[0].use_paddle);
  EXPECT_FALSE(plan.steps[1].use_paddle || plan.steps[1].convert) << "ONNX backends use inference.onnx directly";
  LoadRequest req;
  req.enable_hpi = true;
  req.knowledge = &table;
  LoadedEngine loaded = load_engine(both, req);
  EXPECT_EQ(loaded.engine->settings()["backend"], "fake_paddle");
  EXPECT_EQ(loaded.engine->settings()["file"], "inference.json");
  HpiConfig user;
  user.backend = "fake_ok";
  req.hpi = user;
  loaded = load_engine(both, req);
  EXPECT_EQ(loaded.engine->settings()["file"], "inference.onnx");
}

TEST_F(HpiSelection, AFailedConversionIsTriedOnceAndReportedForEveryBackendThatNeededIt) {
  LoadRequest req;
  req.enable_hpi = true;
  req.knowledge = &table;
  try {
    load_engine(paddle_model("Unknown", false), req);  // default list: fake_broken and fake_ok, both need ONNX
    FAIL() << "expected an error";
  } catch (const Error& e) {
    const std::string msg = e.what();
    EXPECT_EQ(e.code(), ErrorCode::ModelFormat) << msg;
    EXPECT_NE(msg.find("fake_broken: "), std::string::npos) << msg;
    EXPECT_NE(msg.find("fake_ok: "), std::string::npos) << msg;
    EXPECT_NE(msg.find("not a PIR program"), std::string::npos) << msg;
  }
}

TEST(HpiConfig, ParsesPaddleXNamesAndRejectsBadValues) {
  auto c = HpiConfig::from_json({{"backend", "onnxruntime"}, {"auto_config", false}, {"backend_config", {{"cpu_num_threads", 2}}}});
  EXPECT_EQ(c.backend, "onnxruntime");
  EXPECT_FALSE(c.auto_config);
  EXPECT_EQ(c.backend_config["cpu_num_threads"], 2);
  auto expect_bad = [](const nlohmann::json& j, const std::string& needle) {
    try {
      HpiConfig::from_json(j);
      ADD_FAILURE() << "accepted " << j.dump();
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::InvalidArgument);
      EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
    }
  };
  expect_bad({{"backend", "magic"}}, "magic");
  expect_bad({{"bakend", "onnxruntime"}}, "bakend");
  expect_bad({{"auto_config", "yes"}}, "auto_config");
  expect_bad({{"backend_config", {{"cpu_num_threads", 0}}}}, "cpu_num_threads");
  expect_bad({{"backend_config", {{"precision", "int4"}}}}, "precision");
  expect_bad(nlohmann::json::array(), "mapping");
}

TEST(PriorKnowledge, BuiltInTableCoversTheDefaultModelsOnCpuAndGpu) {
  const auto& pk = hpi::PriorKnowledge::builtin();
  for (const char* m : {"PP-OCRv4_mobile_rec", "ch_ppocr_mobile_v2.0_cls"}) EXPECT_TRUE(pk.knows(m)) << m;
  auto cpu = pk.preferred("PP-OCRv4_mobile_det", "cpu");
  ASSERT_FALSE(cpu.empty());
  auto ort = std::find_if(cpu.begin(), cpu.end(), [](const auto& c) { return c.backend == "onnxruntime"; });
  ASSERT_NE(ort, cpu.end());
  EXPECT_EQ(ort->config.value("enable_mem_pattern", true), false);  // detectors: no per-shape memory pattern
  // Wherever ORT threads spin, they stop when a run returns: the next model of the pipeline needs the cores.
  for (const char* m : {"PP-OCRv4_mobile_det", "PP-OCRv4_mobile_rec", "ch_ppocr_mobile_v2.0_cls", "my_own_model"})
    for (const auto& c : pk.preferred(m, "cpu")) {
      if (c.backend == "onnxruntime" && c.config.value("intra_op_spinning", false)) {
        EXPECT_EQ(c.config.value("force_spinning_stop", false), true) << m;
      }
    }
  EXPECT_EQ(pk.preferred("PP-OCRv4_mobile_rec", "gpu").front().backend, "tensorrt");
  EXPECT_THROW(hpi::PriorKnowledge::parse("[1, 2"), Error);
}

TEST(PriorKnowledge, MeasuredOrderComesFirstOnItsCpuClassOnly) {
  const char* table = R"(
models:
  m:
    cpu:
      - backend: openvino
      - backend: onnxruntime
        config: {graph_optimization_level: all}
      - backend: paddle
    gpu:
      - backend: onnxruntime
)";
  const char* measured = R"(
measured:
  m:
    cpu_avx2: {order: [onnxruntime, openvino], ms: {onnxruntime: 10.5, openvino: 12}}
)";
  const auto pk = hpi::PriorKnowledge::parse(table, measured);
  auto names = [](const std::vector<hpi::BackendChoice>& v) {
    std::vector<std::string> out;
    for (const auto& c : v) out.push_back(c.backend);
    return out;
  };
  // Measured backends first, fastest first, with the table's configurations; the unmeasured keep their place after.
  auto avx2 = pk.preferred("m", "cpu", "avx2");
  EXPECT_EQ(names(avx2), (std::vector<std::string>{"onnxruntime", "openvino", "paddle"}));
  EXPECT_EQ(avx2.front().config.value("graph_optimization_level", ""), "all");
  EXPECT_EQ(pk.measurement("m", "cpu", "avx2"), "measured on cpu_avx2: onnxruntime 10.5 ms, openvino 12 ms");
  // Another CPU class, another device, another model: the table as written.
  EXPECT_EQ(names(pk.preferred("m", "cpu", "amx")), (std::vector<std::string>{"openvino", "onnxruntime", "paddle"}));
  EXPECT_EQ(pk.measurement("m", "cpu", "amx"), "");
  EXPECT_EQ(names(pk.preferred("m", "gpu", "avx2")), (std::vector<std::string>{"onnxruntime"}));
  // A measured entry without its order, or a measured table of the wrong shape, is refused with a clear message.
  EXPECT_THROW(hpi::PriorKnowledge::parse(table, "measured: [1]"), Error);
  const auto broken = hpi::PriorKnowledge::parse(table, "measured: {m: {cpu_avx2: {ms: {openvino: 1}}}}");
  try {
    broken.preferred("m", "cpu", "avx2");
    ADD_FAILURE() << "an entry without `order` was accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("m/cpu_avx2 needs an `order` list"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace hpocr::test
