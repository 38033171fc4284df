// The paddle backend on the real Paddle Inference: the paddlepaddle wheel in $HPOCR_HOME/venv, reached through
// hpocr's bridge (src/backend/paddle/bridge). The real models of ../shared/models/paddle run on it from two
// threads, against ONNX Runtime running hpocr's own conversion of the same model. Skipped when the wheel, the
// shared models or ONNX Runtime are absent. The wheel's absence or a broken part is one clear line.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "backend/backend.h"
#include "backend/dynamic/dynamic_backends.h"
#include "convert/converter.h"
#include "format/model_dir.h"
#include "format/paddle/program.h"
#include "support/convert_support.h"
#include "unit/unit_helpers.h"

namespace hpocr::test {
namespace {

// Under ASan, Paddle's own dlopen of its dependencies (libmklml_intel.so, by name, found through libpaddle's
// RUNPATH) fails: the interceptor hides the caller, so $ORIGIN does not apply. The uninstrumented wheel is not
// what the sanitizers are for; the loading and error paths still run there.
#ifdef HPOCR_SANITIZED
constexpr bool kSanitized = true;
#else
constexpr bool kSanitized = false;
#endif
constexpr const char* kSanitizedReason = "the paddlepaddle wheel cannot run its inference under ASan (its dlopen of libmklml_intel.so)";

namespace fs = std::filesystem;

fs::path shared_paddle_models() { return fs::path(HPOCR_SOURCE_DIR) / ".." / "shared" / "models" / "paddle"; }

/// A fresh paddle backend (probes are cached per instance) that finds its library by itself.
std::unique_ptr<Backend> default_paddle_backend() {
  unsetenv("HPOCR_PADDLE_INFERENCE_LIBRARY");
  unsetenv("HPOCR_PADDLE_WHEEL_LIBRARY");
  unsetenv("HPOCR_PADDLE_BRIDGE");
  for (auto& b : make_dynamic_backends())
    if (b->name() == "paddle") return std::move(b);
  return nullptr;
}

/// Points HPOCR_HOME at `home` for one scope.
class HomeOverride {
 public:
  explicit HomeOverride(const fs::path& home) {
    if (const char* old = std::getenv("HPOCR_HOME")) old_ = old;
    setenv("HPOCR_HOME", home.c_str(), 1);
  }
  ~HomeOverride() {
    if (old_) setenv("HPOCR_HOME", old_->c_str(), 1);
    else unsetenv("HPOCR_HOME");
  }

 private:
  std::optional<std::string> old_;
};

/// A private copy of a shared model, so nothing Paddle or hpocr writes lands in ../shared.
fs::path copy_model(const fs::path& dir) {
  const fs::path out = temp_dir("paddle-wheel") / dir.filename();
  fs::create_directories(out);
  for (const auto& e : fs::directory_iterator(dir))
    if (e.is_regular_file()) fs::copy_file(e.path(), out / e.path().filename());
  return out;
}

struct ModelCase {
  const char* dir;
  std::vector<int64_t> input_shape;
  double tolerance;  ///< max abs difference against ONNX Runtime (oneDNN and ORT sum in different orders)
};
void PrintTo(const ModelCase& c, std::ostream* os) { *os << c.dir; }

class PaddleWheel : public ::testing::TestWithParam<ModelCase> {
 protected:
  void SetUp() override {
    if (kSanitized) GTEST_SKIP() << kSanitizedReason;
    backend_ = default_paddle_backend();
    ASSERT_TRUE(backend_);
    const Availability a = backend_->probe(Device::parse("cpu"));
    if (!a.available) GTEST_SKIP() << "the real Paddle Inference is not available: " << a.reason;
    if (a.version.find("via hpocr's bridge") == std::string::npos)
      GTEST_SKIP() << "paddle comes from another library here (" << a.version << "), not the wheel";
    if (!fs::exists(shared_paddle_models())) GTEST_SKIP() << shared_paddle_models() << " is absent";
    if (!onnxruntime_available()) GTEST_SKIP() << "ONNX Runtime is not installed (it gives the reference outputs)";
  }

  std::unique_ptr<Backend> backend_;
};

TEST_P(PaddleWheel, RunsTheModelFromTwoThreadsAsOnnxRuntimeRunsItsConversion) {
  const ModelCase& c = GetParam();
  const fs::path dir = copy_model(shared_paddle_models() / c.dir);
  const ModelDir model = open_model_dir(dir, "test");
  EngineOptions options;
  options.device = Device::parse("cpu");
  options.cpu_threads = 1;
  options.sample_input_shape = c.input_shape;
  auto engine = backend_->load(model, options);
  const nlohmann::json settings = engine->settings();
  EXPECT_EQ(settings["version"], "3.3.1") << settings.dump();
  EXPECT_EQ(settings["enable_mkldnn"], true);
  EXPECT_EQ(settings["mkldnn_cache_capacity"], 10);
  // The signature comes from Paddle's own view of the program (PD_PredictorGetInputInfos in the bridge).
  ASSERT_EQ(engine->signature().inputs.size(), 1u);
  EXPECT_EQ(engine->signature().inputs[0].name, "x");
  EXPECT_EQ(engine->signature().inputs[0].shape.size(), c.input_shape.size());
  ASSERT_EQ(engine->signature().outputs.size(), 1u);

  const std::string onnx = convert::convert_program(paddle::read_paddle_model(dir), {});
  constexpr int kThreads = 2, kRuns = 3;
  std::vector<Tensor> inputs, expected;
  for (unsigned i = 0; i < kThreads * kRuns; ++i) {
    inputs.push_back(random_tensor(c.input_shape, 11 + i));
    expected.push_back(run_onnx(onnx, {inputs.back()}).at(0));
  }
  std::vector<double> diffs(inputs.size(), -1);
  std::vector<std::string> failures(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      try {
        for (int r = 0; r < kRuns; ++r) {
          const size_t i = static_cast<size_t>(t * kRuns + r);
          const auto out = engine->run(std::span<const Tensor>(&inputs[i], 1));
          diffs[i] = max_abs_diff(out.at(0), expected[i]);
        }
      } catch (const std::exception& e) {
        failures[static_cast<size_t>(t)] = e.what();
      }
    });
  for (auto& th : threads) th.join();
  for (const auto& f : failures) EXPECT_EQ(f, "");
  double worst = 0;
  for (double d : diffs) {
    EXPECT_GE(d, 0) << "a run did not finish";
    EXPECT_LE(d, c.tolerance) << "(infinite: the shapes differ)";
    worst = std::max(worst, d);
  }
  std::printf("  %s: paddle (wheel, oneDNN) vs onnxruntime (hpocr's conversion): max abs diff %.3g over %zu runs\n", c.dir,
              worst, diffs.size());
}

INSTANTIATE_TEST_SUITE_P(
    SharedModels, PaddleWheel,
    // Measured on an AVX-512 Xeon: 2e-7 (det), 3.5e-6, 7e-7, 1.4e-6; oneDNN picks other kernels elsewhere.
    ::testing::Values(ModelCase{"ch_PP-OCRv3_det_infer", {1, 3, 320, 480}, 1e-4},
                      ModelCase{"ch_ppocr_mobile_v2.0_cls_infer", {2, 3, 48, 192}, 1e-4},
                      ModelCase{"PP-LCNet_x0_25_textline_ori", {2, 3, 80, 160}, 1e-4},
                      ModelCase{"PP-LCNet_x0_25_textline_ori_legacy", {2, 3, 80, 160}, 1e-4}),
    [](const auto& info) {
      std::string name = info.param.dir;
      for (char& ch : name)
        if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
      return name;
    });

TEST(PaddleWheelErrors, PaddlesMessageReachesTheErrorOnOneLine) {
  if (kSanitized) GTEST_SKIP() << kSanitizedReason;
  auto backend = default_paddle_backend();
  const Availability a = backend->probe(Device::parse("cpu"));
  if (!a.available || a.version.find("via hpocr's bridge") == std::string::npos)
    GTEST_SKIP() << "the paddlepaddle wheel is not available: " << a.reason;
  if (!fs::exists(shared_paddle_models())) GTEST_SKIP() << shared_paddle_models() << " is absent";
  EngineOptions options;
  options.device = Device::parse("cpu");
  auto engine = backend->load(open_model_dir(copy_model(shared_paddle_models() / "PP-LCNet_x0_25_textline_ori_legacy"), "test"),
                              options);
  Tensor flat = random_tensor({1, 3, 80}, 1);  // a rank the convolutions refuse
  try {
    engine->run(std::span<const Tensor>(&flat, 1));
    FAIL() << "a rank-3 input ran";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::Inference);
    const std::string what = e.what();
    EXPECT_NE(what.find("Paddle Inference failed on input [1, 3, 80] float32: "), std::string::npos) << what;
    EXPECT_NE(what.find("4-D or 5-D Tensor"), std::string::npos) << what;
    EXPECT_EQ(what.find('\n'), std::string::npos) << what;
  }
}

// ---- Without the wheel, or with a broken part: one line that says what to do ----

TEST(PaddleWheelErrors, AnEmptyHomeSaysWhereItLookedAndHowToInstall) {
  const fs::path home = temp_dir("paddle-empty-home");
  HomeOverride h(home);
  const Availability a = default_paddle_backend()->probe(Device::parse("cpu"));
  EXPECT_FALSE(a.available);
  EXPECT_EQ(a.reason, "paddle not installed (looked for libpaddle_inference_c.so, " +
                          (home / "venv/lib/python3.*/site-packages/paddle/base/libpaddle.so").string() + "; `" +
                          (home / "venv/bin/pip").string() +
                          " install paddlepaddle==3.3.1` installs it, or set HPOCR_PADDLE_INFERENCE_LIBRARY)");
}

TEST(PaddleWheelErrors, AMissingLibpythonIsNamedWithItsPackage) {
  const fs::path home = temp_dir("paddle-no-python");
  const fs::path lib = home / "venv/lib/python3.99/site-packages/paddle/base/libpaddle.so";
  fs::create_directories(lib.parent_path());
  write_text(lib, "not loaded: libpython3.99 is missing first");
  HomeOverride h(home);
  const Availability a = default_paddle_backend()->probe(Device::parse("cpu"));
  EXPECT_FALSE(a.available);
  EXPECT_EQ(a.reason, "libpython3.99.so.1.0 not found: the paddlepaddle wheel " + fs::canonical(lib).string() +
                          " needs it (apt-get install libpython3.99)");
}

TEST(PaddleWheelErrors, ALibpaddleThatDoesNotLoadSaysWhy) {
  const fs::path home = temp_dir("paddle-bad-wheel");
  const fs::path lib = home / "venv/lib/python3.11/site-packages/paddle/base/libpaddle.so";
  fs::create_directories(lib.parent_path());
  write_text(lib, "not a shared library");
  HomeOverride h(home);
  const Availability a = default_paddle_backend()->probe(Device::parse("cpu"));
  EXPECT_FALSE(a.available);
  if (a.reason.rfind("libpython3.11.so.1.0 not found", 0) == 0) GTEST_SKIP() << "libpython3.11 is not installed: " << a.reason;
  const std::string start = "the paddlepaddle wheel's " + fs::canonical(lib).string() + " cannot be loaded: ";
  EXPECT_EQ(a.reason.rfind(start, 0), 0u) << a.reason;
  EXPECT_EQ(a.reason.find('\n'), std::string::npos) << a.reason;
}

TEST(PaddleWheelErrors, ABridgeThatDoesNotLoadSaysWhy) {
  const fs::path bogus = temp_dir("paddle-bridge") / "libhpocr_paddle_bridge.so";
  write_text(bogus, "not a shared library");
  auto backend = default_paddle_backend();  // clears HPOCR_PADDLE_BRIDGE, so set it after
  setenv("HPOCR_PADDLE_BRIDGE", bogus.c_str(), 1);
  const Availability a = backend->probe(Device::parse("cpu"));
  unsetenv("HPOCR_PADDLE_BRIDGE");
  if (a.available) GTEST_SKIP() << "paddle comes from another library here (" << a.version << ")";
  if (a.reason.find("not installed") != std::string::npos || a.reason.find("not found") != std::string::npos)
    GTEST_SKIP() << "the paddlepaddle wheel is not available: " << a.reason;
  EXPECT_EQ(a.reason.rfind("hpocr's Paddle bridge " + bogus.string() + " cannot be loaded: ", 0), 0u) << a.reason;
  EXPECT_NE(a.reason.find("written against paddlepaddle 3.3.1"), std::string::npos) << a.reason;
}

}  // namespace
}  // namespace hpocr::test
