// End-to-end on the real backends HPI chooses from besides ONNX Runtime (OpenVINO, Paddle Inference), wherever
// they are installed (`hpocr install_hpi_deps cpu`; CI installs them): the same texts and boxes as ONNX Runtime
// on rendered pages of known text, each model's raw outputs within a stated tolerance, and OpenVINO's compiled
// model kept in the engine cache. Skipped with the reason where a backend is absent.
#include <cmath>

#include <opencv2/imgproc.hpp>

#include "hpi/engine_loader.h"
#include "hpocr/backends.h"
#include "hpocr/sample_page.h"
#include "pipeline_fixture.h"

namespace fs = std::filesystem;

namespace hpocr::test {
namespace {

const std::vector<std::string> kLines = {"Invoice No. 2026-0117", "Total amount: 1,234.56 EUR",
                                         "The quick brown fox jumps over the lazy dog", "Seat 23A Economy Class"};
const std::vector<std::string> kChinese = {"高性能文字识别", "联系电话 010-88886666"};

/// Largest difference allowed between a backend's raw model output and ONNX Runtime's, both in fp32 (probabilities
/// in [0, 1]; measured: about 1e-4 for OpenVINO and Paddle on rendered text).
constexpr float kOutputTolerance = 2e-3f;

class RealBackend : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (!default_models_present()) GTEST_SKIP() << "default models not installed: run scripts/setup.sh";
    Availability a = probe_backend(GetParam(), Device::parse("cpu"));
    if (!a.available) GTEST_SKIP() << GetParam() << " is not installed here (hpocr install_hpi_deps cpu): " << a.reason;
  }
  /// PP-OCRv4: the family whose models are installed in Paddle's format too, so every backend reads them.
  static OcrOptions paddle_family() {
    OcrOptions o;
    o.ocr_version = "PP-OCRv4";
    return o;
  }
  /// HPI with every model forced onto `backend`, in fp32: an INT8 entry that `hpocr quantize` left in the model
  /// cache would otherwise replace ONNX Runtime's reference model.
  static OcrOptions forced(const std::string& backend) {
    OcrOptions o = paddle_family();
    o.enable_hpi = true;
    o.hpi_config.backend = backend;
    o.hpi_config.set_precision("fp32");
    return o;
  }
  static const OcrPipeline& onnxruntime_pipeline() {
    static const OcrOptions o = forced("onnxruntime");
    static const OcrPipeline p{o};
    return p;
  }
};

void expect_same_reading(const OcrResult& got, const OcrResult& want, const std::vector<std::string>& truth) {
  EXPECT_EQ(got.rec_texts, want.rec_texts);
  EXPECT_EQ(got.rec_texts, truth);
  ASSERT_EQ(got.dt_polys.size(), want.dt_polys.size());
  for (size_t i = 0; i < got.dt_polys.size(); ++i)
    for (size_t k = 0; k < got.dt_polys[i].size(); ++k) {
      // The DB map differs in the last bits; a box corner may move by a pixel where the map crosses the threshold.
      EXPECT_NEAR(got.dt_polys[i][k].x, want.dt_polys[i][k].x, 1.0) << "box " << i;
      EXPECT_NEAR(got.dt_polys[i][k].y, want.dt_polys[i][k].y, 1.0) << "box " << i;
    }
}

TEST_P(RealBackend, ReadsRenderedPagesAsOnnxRuntimeDoes) {
  OcrPipeline pipeline(forced(GetParam()));
  for (const auto& m : pipeline.model_settings())
    EXPECT_EQ(m["selection"]["backend"], GetParam()) << m.dump();  // no silent fallback to another backend
  for (const auto* lines : {&kLines, &kChinese}) {
    RenderedPage page = render_lines(*lines, *lines == kChinese ? test_font() : latin_font());
    expect_same_reading(pipeline.predict(page.image), onnxruntime_pipeline().predict(page.image), *lines);
  }
}

/// Each default model's raw output on `backend` and on ONNX Runtime, for one input made from a rendered page.
TEST_P(RealBackend, ModelOutputsAgreeWithOnnxRuntime) {
  RenderedPage page = render_lines(kLines, latin_font());
  cv::Mat gray;
  cv::cvtColor(page.image, gray, cv::COLOR_BGR2GRAY);
  struct Case {
    ModelRole role;
    std::vector<int64_t> shape;
  };
  for (const Case& c : {Case{ModelRole::TextDetection, {1, 3, 320, 480}}, Case{ModelRole::TextRecognition, {1, 3, 48, 320}},
                        Case{ModelRole::TextLineOrientation, {1, 3, 48, 192}}}) {
    ModelDir model = open_model_dir(model_dir(paddle_family(), c.role), std::string(role_name(c.role)));
    Tensor input(c.shape, DataType::Float32);
    cv::Mat resized;
    cv::resize(gray, resized, cv::Size(static_cast<int>(c.shape[3]), static_cast<int>(c.shape[2])));
    auto v = input.values<float>();
    const size_t plane = static_cast<size_t>(c.shape[2] * c.shape[3]);
    for (size_t i = 0; i < v.size(); ++i) v[i] = resized.data[i % plane] / 127.5f - 1.f;
    LoadRequest req;
    req.enable_hpi = true;
    req.hpi.set_precision("fp32");  // the fp32 model on both sides, whatever INT8 entries the cache holds
    req.hpi.backend = GetParam();
    LoadedEngine engine = load_engine(model, req);
    req.hpi.backend = "onnxruntime";
    LoadedEngine reference = load_engine(model, req);
    Tensor got = engine.engine->run(std::span<const Tensor>(&input, 1)).at(0);
    Tensor want = reference.engine->run(std::span<const Tensor>(&input, 1)).at(0);
    ASSERT_EQ(got.shape(), want.shape()) << role_name(c.role);
    float worst = 0;
    auto g = got.values<float>(), w = want.values<float>();
    for (size_t i = 0; i < g.size(); ++i) worst = std::max(worst, std::abs(g[i] - w[i]));
    EXPECT_LE(worst, kOutputTolerance) << role_name(c.role) << " on " << GetParam();
  }
}

INSTANTIATE_TEST_SUITE_P(Cpu, RealBackend, ::testing::Values("openvino", "paddle"),
                         [](const auto& info) { return info.param; });

TEST(RealOpenVino, TheCompiledModelIsKeptInTheEngineCache) {
  if (!default_models_present()) GTEST_SKIP() << "default models not installed: run scripts/setup.sh";
  Availability a = probe_backend("openvino", Device::parse("cpu"));
  if (!a.available) GTEST_SKIP() << "openvino is not installed here: " << a.reason;
  fs::path dir = temp_dir("ov_cache");
  for (const char* f : {"inference.onnx", "inference.yml"})
    fs::copy_file(hpocr_home() / "models" / "ch_ppocr_mobile_v2.0_cls" / f, dir / f);
  LoadRequest req;
  req.enable_hpi = true;
  req.hpi.backend = "openvino";  // with auto_config: the prior knowledge's cache_optimized_model
  ModelDir model = open_model_dir(dir, "cls");
  LoadedEngine cold = load_engine(model, req);
  fs::path entry = cold.engine->settings().value("engine_cache", std::string());
  ASSERT_FALSE(entry.empty()) << cold.engine->settings().dump();
  EXPECT_EQ(entry.parent_path(), dir / ".cache" / "hpocr");
  size_t blobs = 0;
  for (const auto& f : fs::directory_iterator(entry)) blobs += f.is_regular_file() && fs::file_size(f.path()) > 0;
  EXPECT_GT(blobs, 0u) << "OpenVINO wrote nothing into " << entry;
  LoadedEngine warm = load_engine(model, req);  // same key: the same entry, read back
  EXPECT_EQ(warm.engine->settings()["engine_cache"], cold.engine->settings()["engine_cache"]);
}

}  // namespace
}  // namespace hpocr::test
