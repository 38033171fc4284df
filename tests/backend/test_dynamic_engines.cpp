// The OpenVINO and Paddle Inference engines run against fake libraries (tests/fakes) that implement the
// C functions they bind with the published signatures: output = input * 2. This runs the real binding
// code (dlopen, symbol binding, tensor conversion, error mapping, per-thread handles) without the real
// libraries, which cannot be installed here. The HPI fallback runs the real ONNX Runtime when present.
#include <gtest/gtest.h>

#include <dlfcn.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "backend/backend.h"
#include "backend/dynamic/dynamic_backends.h"
#include "convert/converter.h"
#include "hpi/engine_loader.h"
#include "support/convert_support.h"
#include "unit/unit_helpers.h"

namespace hpocr::test {
namespace {

namespace fs = std::filesystem;

/// Fresh backends (their probes are cached per instance) after pointing `env` at `library`.
std::unique_ptr<Backend> backend_with(const char* name, const char* env, const std::string& library) {
  setenv(env, library.c_str(), 1);
  for (auto& b : make_dynamic_backends())
    if (b->name() == name) return std::move(b);
  return nullptr;
}

/// A test hook the fake exports (not part of the real API).
template <typename T>
T fake_hook(const char* library, const char* symbol) {
  void* h = dlopen(library, RTLD_NOW | RTLD_NOLOAD);  // the copy the backend opened
  return h ? reinterpret_cast<T>(dlsym(h, symbol)) : nullptr;
}

/// A model directory holding placeholder files with these names (the fakes only check that they exist).
ModelDir placeholder_model(const std::string& tag, std::initializer_list<const char*> files) {
  fs::path dir = temp_dir(tag);
  for (const char* f : files) write_text(dir / f, "placeholder");
  return open_model_dir(dir, "test");
}

EngineOptions cpu_options(nlohmann::json config = nlohmann::json::object()) {
  EngineOptions o;
  o.device = Device::parse("cpu");
  o.backend_config = std::move(config);
  o.sample_input_shape = {1, 3, 8, 16};
  return o;
}

void expect_doubled(const Tensor& in, const Tensor& out) {
  ASSERT_EQ(out.shape(), in.shape());
  ASSERT_EQ(out.dtype(), DataType::Float32);
  auto a = in.values<float>();
  auto b = out.values<float>();
  for (size_t i = 0; i < a.size(); ++i) ASSERT_FLOAT_EQ(b[i], 2 * a[i]) << "element " << i;
}

/// Several threads run the engine at once, each checking its own results.
void run_from_threads(const Engine& engine) {
  std::vector<std::thread> threads;
  std::vector<std::string> failures(4);
  for (unsigned t = 0; t < failures.size(); ++t)
    threads.emplace_back([&, t] {
      try {
        for (unsigned i = 0; i < 8; ++i) {
          Tensor in = random_tensor({1, 3, 4 + t, 5 + i}, t * 100 + i);
          auto out = engine.run(std::span<const Tensor>(&in, 1));
          auto a = in.values<float>();
          auto b = out.at(0).values<float>();
          if (out[0].shape() != in.shape()) failures[t] = "wrong shape " + out[0].describe();
          for (size_t k = 0; k < a.size() && failures[t].empty(); ++k)
            if (b[k] != 2 * a[k]) failures[t] = "wrong value at " + std::to_string(k);
        }
      } catch (const std::exception& e) {
        failures[t] = e.what();
      }
    });
  for (auto& th : threads) th.join();
  for (const auto& f : failures) EXPECT_EQ(f, "");
}

// ---- OpenVINO ----

TEST(OpenVinoEngine, ProbeReportsTheLibraryVersion) {
  auto ov = backend_with("openvino", "HPOCR_OPENVINO_LIBRARY", HPOCR_FAKE_OPENVINO);
  Availability a = ov->probe(Device::parse("cpu"));
  EXPECT_TRUE(a.available) << a.reason;
  EXPECT_EQ(a.version, "fake-1.0");
  Availability gpu = ov->probe(Device::parse("gpu:0"));
  EXPECT_FALSE(gpu.available);
  EXPECT_EQ(gpu.reason, "openvino is not used on gpu");
  EXPECT_TRUE(ov->accepts(ModelFormat::Onnx));
  EXPECT_TRUE(ov->accepts(ModelFormat::PaddleLegacy));
  EXPECT_FALSE(ov->accepts(ModelFormat::PaddlePir));  // OpenVINO's Paddle frontend does not read PIR JSON
}

TEST(OpenVinoEngine, LoadsDescribesAndRunsAModel) {
  auto ov = backend_with("openvino", "HPOCR_OPENVINO_LIBRARY", HPOCR_FAKE_OPENVINO);
  auto engine = ov->load(placeholder_model("ov_onnx", {"inference.onnx"}), cpu_options({{"cpu_num_threads", 3}}));
  const ModelSignature& sig = engine->signature();
  ASSERT_EQ(sig.inputs.size(), 1u);
  EXPECT_EQ(sig.inputs[0].name, "x");
  EXPECT_EQ(sig.inputs[0].dtype, DataType::Float32);
  EXPECT_EQ(sig.inputs[0].shape, (std::vector<int64_t>{-1, 3, -1, -1}));  // dynamic dims read from ov_partial_shape_t
  ASSERT_EQ(sig.outputs.size(), 1u);
  EXPECT_EQ(sig.outputs[0].name, "fetch_0");
  // The settings reached ov_core_compile_model as key/value varargs, under the library's own property names.
  auto props = fake_hook<const char* (*)()>(HPOCR_FAKE_OPENVINO, "fake_ov_compile_properties");
  ASSERT_TRUE(props);
  EXPECT_EQ(std::string(props()), "PERFORMANCE_HINT=LATENCY;INFERENCE_PRECISION_HINT=f32;INFERENCE_NUM_THREADS=3;");
  EXPECT_EQ(engine->settings()["backend"], "openvino");
  EXPECT_EQ(engine->settings()["version"], "fake-1.0");
  EXPECT_EQ(engine->settings()["cpu_num_threads"], 3);

  Tensor in = random_tensor({2, 3, 5, 7}, 1);
  auto out = engine->run(std::span<const Tensor>(&in, 1));
  ASSERT_EQ(out.size(), 1u);
  expect_doubled(in, out[0]);
  // A second run reuses the request: the first result was copied out and stays intact.
  Tensor in2 = random_tensor({1, 3, 2, 2}, 2);
  auto out2 = engine->run(std::span<const Tensor>(&in2, 1));
  expect_doubled(in2, out2[0]);
  expect_doubled(in, out[0]);
}

TEST(OpenVinoEngine, LegacyPaddleModelsAreReadDirectly) {
  auto ov = backend_with("openvino", "HPOCR_OPENVINO_LIBRARY", HPOCR_FAKE_OPENVINO);
  auto engine = ov->load(placeholder_model("ov_pdmodel", {"inference.pdmodel", "inference.pdiparams"}), cpu_options());
  Tensor in = random_tensor({1, 3, 4, 4}, 3);
  expect_doubled(in, engine->run(std::span<const Tensor>(&in, 1)).at(0));
  EXPECT_TRUE(throws_error([&] { ov->load(placeholder_model("ov_pir", {"inference.json", "inference.pdiparams"}), cpu_options()); },
                           ErrorCode::ModelFormat, "openvino cannot load a paddle (inference.json, PIR) model"));
}

TEST(OpenVinoEngine, TheEngineCacheBecomesOpenVinosCacheDir) {
  auto ov = backend_with("openvino", "HPOCR_OPENVINO_LIBRARY", HPOCR_FAKE_OPENVINO);
  EngineOptions options = cpu_options({{"cache_optimized_model", true}, {"performance_hint", "THROUGHPUT"}});
  options.cache_dir = temp_dir("ov_cache") / "openvino-key";
  auto engine = ov->load(placeholder_model("ov_cached", {"inference.onnx"}), options);
  auto props = fake_hook<const char* (*)()>(HPOCR_FAKE_OPENVINO, "fake_ov_compile_properties");
  ASSERT_TRUE(props);
  EXPECT_EQ(std::string(props()), "PERFORMANCE_HINT=THROUGHPUT;INFERENCE_PRECISION_HINT=f32;CACHE_DIR=" + options.cache_dir.string() + ";");
  EXPECT_TRUE(fs::is_directory(options.cache_dir));
  EXPECT_EQ(engine->settings()["engine_cache"], options.cache_dir.string());
}

TEST(OpenVinoEngine, RunIsThreadSafe) {
  auto ov = backend_with("openvino", "HPOCR_OPENVINO_LIBRARY", HPOCR_FAKE_OPENVINO);
  auto engine = ov->load(placeholder_model("ov_threads", {"inference.onnx"}), cpu_options());
  auto created = fake_hook<int (*)()>(HPOCR_FAKE_OPENVINO, "fake_ov_requests_created");
  ASSERT_TRUE(created);
  const int before = created();
  run_from_threads(*engine);  // the fake answers REQUEST_BUSY if two threads share a request
  EXPECT_LE(created() - before, 4) << "at most one infer request per concurrent caller";
}

TEST(OpenVinoEngine, ErrorsCarryOpenVinosMessageAndCategory) {
  auto ov = backend_with("openvino", "HPOCR_OPENVINO_LIBRARY", HPOCR_FAKE_OPENVINO);
  EXPECT_TRUE(throws_error([&] { ov->load(placeholder_model("bad_ov", {"inference.onnx"}), cpu_options()); }, ErrorCode::ModelFormat,
                           "GENERAL_ERROR (status -1): fake: cannot read a model whose path says bad"));
  EXPECT_TRUE(throws_error([&] { ov->load(placeholder_model("ov_cfg", {"inference.onnx"}), cpu_options({{"performance_hint", "FAST"}})); },
                           ErrorCode::InvalidArgument, "openvino backend_config.performance_hint is invalid"));
  auto engine = ov->load(placeholder_model("ov_err", {"inference.onnx"}), cpu_options());
  Tensor ints({1, 3, 2, 2}, DataType::Int64);  // the fake model takes f32 only
  EXPECT_TRUE(throws_error([&] { engine->run(std::span<const Tensor>(&ints, 1)); }, ErrorCode::Inference,
                           "PARAMETER_MISMATCH (status -4): fake: the input must be f32"));
  EXPECT_TRUE(throws_error([&] { engine->run({}); }, ErrorCode::Inference, "expected 1 inputs, got 0"));
}

// ---- Paddle Inference ----

TEST(PaddleEngine, ProbeReportsTheLibraryVersion) {
  auto pd = backend_with("paddle", "HPOCR_PADDLE_INFERENCE_LIBRARY", HPOCR_FAKE_PADDLE);
  Availability a = pd->probe(Device::parse("cpu"));
  EXPECT_TRUE(a.available) << a.reason;
  EXPECT_EQ(a.version, "fake-1.0");  // the first line of PD_GetVersion(), without "version: "
  EXPECT_TRUE(pd->accepts(ModelFormat::PaddleLegacy));
  EXPECT_TRUE(pd->accepts(ModelFormat::PaddlePir));
  EXPECT_FALSE(pd->accepts(ModelFormat::Onnx));
}

TEST(PaddleEngine, LoadsLegacyAndPirModelsAndRunsThem) {
  auto pd = backend_with("paddle", "HPOCR_PADDLE_INFERENCE_LIBRARY", HPOCR_FAKE_PADDLE);
  auto legacy = pd->load(placeholder_model("pd_legacy", {"inference.pdmodel", "inference.pdiparams"}), cpu_options({{"cpu_num_threads", 2}}));
  auto last_config = fake_hook<const char* (*)()>(HPOCR_FAKE_PADDLE, "fake_pd_last_config");  // once the library is loaded
  ASSERT_TRUE(last_config);
  EXPECT_EQ(std::string(last_config()), "prog=inference.pdmodel params=inference.pdiparams threads=2 mkldnn=1 ir_optim=1 gpu=-1");
  const ModelSignature& sig = legacy->signature();
  ASSERT_EQ(sig.inputs.size(), 1u);
  EXPECT_EQ(sig.inputs[0].name, "x");
  EXPECT_EQ(sig.inputs[0].shape, (std::vector<int64_t>{-1, 3, -1, -1}));  // from PD_PredictorGetInputInfos
  ASSERT_EQ(sig.outputs.size(), 1u);
  EXPECT_EQ(sig.outputs[0].name, "fetch_0");
  Tensor in = random_tensor({1, 3, 6, 9}, 4);
  expect_doubled(in, legacy->run(std::span<const Tensor>(&in, 1)).at(0));

  auto pir = pd->load(placeholder_model("pd_pir", {"inference.json", "inference.pdiparams"}),
                      cpu_options({{"enable_mkldnn", false}, {"switch_ir_optim", false}}));
  EXPECT_EQ(std::string(last_config()), "prog=inference.json params=inference.pdiparams threads=0 mkldnn=0 ir_optim=0 gpu=-1");
  expect_doubled(in, pir->run(std::span<const Tensor>(&in, 1)).at(0));
  EXPECT_EQ(pir->settings()["backend"], "paddle");
  EXPECT_EQ(pir->settings()["enable_mkldnn"], false);
}

TEST(PaddleEngine, RunIsThreadSafe) {
  auto pd = backend_with("paddle", "HPOCR_PADDLE_INFERENCE_LIBRARY", HPOCR_FAKE_PADDLE);
  auto engine = pd->load(placeholder_model("pd_threads", {"inference.pdmodel", "inference.pdiparams"}), cpu_options());
  auto made = fake_hook<int (*)()>(HPOCR_FAKE_PADDLE, "fake_pd_predictors_made");
  ASSERT_TRUE(made);
  const int before = made();
  run_from_threads(*engine);  // the fake throws if two threads share a predictor
  EXPECT_GE(made() - before, 1);
  EXPECT_LE(made() - before, 4) << "at most one clone per concurrent caller";
}

TEST(PaddleEngine, PaddlesExceptionsBecomeErrors) {
  auto pd = backend_with("paddle", "HPOCR_PADDLE_INFERENCE_LIBRARY", HPOCR_FAKE_PADDLE);
  EXPECT_TRUE(throws_error([&] { pd->load(placeholder_model("bad_pd", {"inference.pdmodel", "inference.pdiparams"}), cpu_options()); },
                           ErrorCode::ModelFormat, "fake: cannot load a program whose path says bad"));
  EXPECT_TRUE(throws_error([&] { pd->load(placeholder_model("pd_onnx", {"inference.onnx"}), cpu_options()); }, ErrorCode::ModelFormat,
                           "paddle cannot load a onnx model"));
  EXPECT_TRUE(throws_error([&] { pd->load(placeholder_model("pd_cfg", {"inference.pdmodel", "inference.pdiparams"}),
                                          cpu_options({{"enable_mkldnn", "yes"}})); },
                           ErrorCode::InvalidArgument, "paddle backend_config.enable_mkldnn is invalid"));
  auto engine = pd->load(placeholder_model("pd_err", {"inference.pdmodel", "inference.pdiparams"}), cpu_options());
  Tensor ints({1, 3, 2, 2}, DataType::Int64);
  EXPECT_TRUE(throws_error([&] { engine->run(std::span<const Tensor>(&ints, 1)); }, ErrorCode::Inference,
                           "Paddle Inference failed on input [1, 3, 2, 2] int64: fake: the input is float32"));
}

// ---- Absent or wrong libraries, TensorRT ----

TEST(DynamicBackends, AnAbsentLibraryIsOneClearLine) {
  auto ov = backend_with("openvino", "HPOCR_OPENVINO_LIBRARY", "/nonexistent/libopenvino_c.so");
  Availability a = ov->probe(Device::parse("cpu"));
  EXPECT_FALSE(a.available);
  EXPECT_EQ(a.reason, "openvino not installed (looked for /nonexistent/libopenvino_c.so; set HPOCR_OPENVINO_LIBRARY)");
  EXPECT_TRUE(throws_error([&] { ov->load(placeholder_model("ov_absent", {"inference.onnx"}), cpu_options()); },
                           ErrorCode::BackendUnavailable, "openvino: openvino not installed"));
}

TEST(DynamicBackends, ALibraryThatDoesNotLoadSaysWhy) {
  const fs::path not_elf = temp_dir("not_elf") / "libopenvino_c.so";
  write_text(not_elf, "not a shared library");
  auto ov = backend_with("openvino", "HPOCR_OPENVINO_LIBRARY", not_elf.string());
  Availability a = ov->probe(Device::parse("cpu"));
  EXPECT_FALSE(a.available);
  EXPECT_EQ(a.reason.rfind("openvino library " + not_elf.string() + " cannot be loaded: " + not_elf.string() + ": ", 0), 0u)
      << a.reason;  // followed by the loader's own words (e.g. "invalid ELF header")
  EXPECT_EQ(a.reason.find('\n'), std::string::npos);
}

TEST(DynamicBackends, AnotherLibraryIsNotTakenForOpenVino) {
  auto ov = backend_with("openvino", "HPOCR_OPENVINO_LIBRARY", HPOCR_FAKE_PADDLE);
  Availability a = ov->probe(Device::parse("cpu"));
  EXPECT_FALSE(a.available);
  EXPECT_NE(a.reason.find("lacks ov_get_openvino_version (not a openvino library?)"), std::string::npos) << a.reason;
}

TEST(DynamicBackends, TensorRtIsProbedButRefersToTheOnnxRuntimeProvider) {
  auto trt = backend_with("tensorrt", "HPOCR_TENSORRT_LIBRARY", HPOCR_FAKE_TENSORRT);
  Availability a = trt->probe(Device::parse("gpu:0"));
  EXPECT_TRUE(a.available) << a.reason;
  EXPECT_EQ(a.version, "10.3.0");
  EngineOptions gpu = cpu_options();
  gpu.device = Device::parse("gpu:0");
  EXPECT_TRUE(throws_error([&] { trt->load(placeholder_model("trt", {"inference.onnx"}), gpu); }, ErrorCode::BackendUnavailable,
                           "TensorRT has no C API that hpocr could bind at run time; use it through ONNX Runtime's TensorRT "
                           "execution provider"));
}

// ---- HPI: selection and fallback through the registry ----

/// A real ONNX model (y = 2x) in a fresh directory whose name contains `tag`.
ModelDir doubling_onnx_model(const std::string& tag) {
  ProgramBuilder b;
  b.input("x", {-1, 3, -1, -1}).var("y", {-1, 3, -1, -1}).output("y");
  b.op("scale", {{"X", {"x"}}}, {{"Out", {"y"}}}, {{"scale", 2.0}, {"bias", 0.0}, {"bias_after_scale", true}});
  fs::path dir = temp_dir(tag);
  write_text(dir / "inference.onnx", convert::convert_program(b.program(), {}));
  return open_model_dir(dir, "test");
}

TEST(DynamicBackends, HpiPicksOpenVinoAndFallsBackToOnnxRuntimeWithTheReason) {
  if (!onnxruntime_available()) GTEST_SKIP() << "ONNX Runtime is not installed";
  register_backend(backend_with("openvino", "HPOCR_OPENVINO_LIBRARY", HPOCR_FAKE_OPENVINO));
  LoadRequest request;
  request.device = Device::parse("cpu");
  request.enable_hpi = true;

  LoadedEngine good = load_engine(doubling_onnx_model("hpi_good"), request);
  EXPECT_EQ(good.selection["backend"], "openvino") << good.selection.dump();  // first in the prior knowledge on CPU

  LoadedEngine fallback = load_engine(doubling_onnx_model("hpi_bad"), request);
  EXPECT_EQ(fallback.selection["backend"], "onnxruntime") << fallback.selection.dump();
  bool recorded = false;
  for (const auto& f : fallback.selection["failed"])
    recorded |= f["backend"] == "openvino" && f["error"].get<std::string>().find("fake: cannot read") != std::string::npos;
  EXPECT_TRUE(recorded) << fallback.selection.dump();
  Tensor in = random_tensor({1, 3, 4, 4}, 5);  // the real ONNX Runtime runs the real model: the same doubling
  expect_doubled(in, fallback.engine->run(std::span<const Tensor>(&in, 1)).at(0));
}

TEST(DynamicBackends, HpiInfoShowsTheFoundLibraries) {
  setenv("HPOCR_OPENVINO_LIBRARY", HPOCR_FAKE_OPENVINO, 1);  // inherited by the CLI process
  setenv("HPOCR_PADDLE_INFERENCE_LIBRARY", HPOCR_FAKE_PADDLE, 1);
  CommandResult r = run_cli("hpi-info");
  EXPECT_EQ(r.exit_code, 0) << r.out;
  for (const char* line : {"openvino     available", "paddle       available"}) {
    auto at = r.out.find(line);
    ASSERT_NE(at, std::string::npos) << line << "\n" << r.out;
    EXPECT_NE(r.out.substr(at, r.out.find('\n', at) - at).find("fake-1.0"), std::string::npos) << r.out;
  }
}

}  // namespace
}  // namespace hpocr::test
