// HPI with the real backends: engine cache reuse and invalidation, OpenCV DNN refusing PP-OCR graphs,
// hpi-info, and pipeline config files.
#include <fstream>
#include <future>
#include <set>

#include "backend/backend.h"
#include "hpi/engine_loader.h"
#include "hpocr/backends.h"
#include "hpocr/error.h"
#include "hpocr/model_catalog.h"
#include "pipeline_fixture.h"

namespace fs = std::filesystem;

namespace hpocr::test {
namespace {

class HpiEngines : public PipelineTest {
 protected:
  /// A private copy of the classifier model directory, so cache files land in a temp dir.
  fs::path cls_copy() {
    fs::path dir = temp_dir("cache");
    for (const char* f : {"inference.onnx", "inference.yml"})
      fs::copy_file(hpocr_home() / "models" / "ch_ppocr_mobile_v2.0_cls" / f, dir / f);
    return dir;
  }
  static std::vector<float> run_once(const Engine& engine) {
    Tensor input({1, 3, 48, 192}, DataType::Float32);
    auto v = input.values<float>();
    for (size_t i = 0; i < v.size(); ++i) v[i] = static_cast<float>(i % 97) / 97.f - 0.5f;
    auto out = engine.run(std::span<const Tensor>(&input, 1));
    auto o = out.at(0).values<float>();
    return {o.begin(), o.end()};
  }
};

TEST_F(HpiEngines, SecondLoadReusesTheCachedOptimisedGraphWithIdenticalOutputs) {
  fs::path dir = cls_copy();
  LoadRequest req;
  req.enable_hpi = true;
  req.hpi.backend = "onnxruntime";  // ONNX Runtime's optimised-graph cache (OpenVINO's: test_real_backends.cpp)
  ModelDir model = open_model_dir(dir, "cls");
  LoadedEngine cold = load_engine(model, req);
  ASSERT_EQ(cold.engine->settings()["backend"], "onnxruntime");
  EXPECT_EQ(cold.engine->settings()["engine_cache_hit"], false);
  fs::path entry = cold.engine->settings()["engine_cache"].get<std::string>();
  EXPECT_EQ(entry.parent_path(), dir / ".cache" / "hpocr");
  EXPECT_TRUE(fs::exists(entry / "model.optimized.onnx"));

  LoadedEngine warm = load_engine(model, req);
  EXPECT_EQ(warm.engine->settings()["engine_cache_hit"], true);
  auto a = run_once(*cold.engine), b = run_once(*warm.engine);
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) EXPECT_NEAR(a[i], b[i], 1e-5);

  // A different setting is a different entry; a corrupt entry is rebuilt.
  req.cpu_threads = 1;
  LoadedEngine other = load_engine(model, req);
  EXPECT_NE(other.engine->settings()["engine_cache"], cold.engine->settings()["engine_cache"]);
  std::ofstream(entry / "model.optimized.onnx", std::ios::trunc) << "garbage";
  req.cpu_threads = 0;
  LoadedEngine rebuilt = load_engine(model, req);
  EXPECT_EQ(rebuilt.engine->settings()["engine_cache_hit"], false);
  EXPECT_GT(fs::file_size(entry / "model.optimized.onnx"), 1000u);
}

TEST_F(HpiEngines, ChangedModelBytesInvalidateTheCache) {
  fs::path dir = cls_copy();
  LoadRequest req;
  req.enable_hpi = true;
  req.hpi.backend = "onnxruntime";
  std::string first = load_engine(open_model_dir(dir, "cls"), req).engine->settings()["engine_cache"];
  fs::copy_file(hpocr_home() / "models" / "PP-OCRv4_mobile_det" / "inference.onnx", dir / "inference.onnx",
                fs::copy_options::overwrite_existing);
  std::string second = load_engine(open_model_dir(dir, "cls"), req).engine->settings()["engine_cache"];
  EXPECT_NE(first, second);
}

TEST_F(HpiEngines, UnwritableModelDirectoryFallsBackToTheUserCache) {
  fs::path dir = cls_copy();
  std::ofstream(dir / ".cache") << "a file where the cache directory would go";  // unwritable even for root
  LoadRequest req;
  req.enable_hpi = true;
  req.hpi.backend = "onnxruntime";
  std::string entry = load_engine(open_model_dir(dir, "cls"), req).engine->settings()["engine_cache"];
  EXPECT_EQ(entry.rfind((hpocr_home() / "cache").string(), 0), 0u) << entry;
}

TEST_F(HpiEngines, OpenCvDnnReportsWhyItCannotRunThePpOcrGraphs) {
  const Backend* opencv = find_backend("opencv");
  ASSERT_NE(opencv, nullptr);
  EXPECT_TRUE(opencv->probe(Device{}).available);
  EngineOptions opts;
  opts.sample_input_shape = {1, 3, 48, 320};
  try {
    opencv->load(open_model_dir(hpocr_home() / "models" / "PP-OCRv4_mobile_rec", "rec"), opts);
    FAIL() << "OpenCV 4.6 was expected to refuse the dynamic-shape recogniser";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::UnsupportedOp);
    EXPECT_NE(std::string(e.what()).find("Shape"), std::string::npos) << e.what();
  }
}

TEST_F(HpiEngines, GpuIsProbedNotAssumed) {
  Device gpu = Device::parse("gpu:0");
  Availability a = find_backend("onnxruntime")->probe(gpu);
  if (a.available) GTEST_SKIP() << "this ONNX Runtime runs on a GPU here";
  EXPECT_NE(a.reason.find("CUDA"), std::string::npos) << a.reason;
  CommandResult r = run_cli("ocr -i x.png --device gpu");
  EXPECT_EQ(r.exit_code, 3) << r.out;
  EXPECT_NE(r.out.find("no backend could load " + default_model_name(ModelRole::TextDetection) + " on gpu:0"), std::string::npos)
      << r.out;
}

TEST_F(HpiEngines, ForcingAnUnusableBackendFailsWithEveryReason) {
  CommandResult r = run_cli("ocr -i x.png --enable_hpi True --hpi_config '{backend: opencv, auto_config: false}'");
  EXPECT_EQ(r.exit_code, 3) << r.out;
  EXPECT_NE(r.out.find("no backend could load"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("opencv: OpenCV DNN cannot import"), std::string::npos) << r.out;
  // Safe mode (auto_config true): the prior knowledge has no opencv entry for the recogniser.
  CommandResult safe = run_cli("hpi-info --enable_hpi True --hpi_config '{backend: opencv}'");
  EXPECT_NE(safe.out.find("opencv: ruled out by the prior knowledge for " + default_model_name(ModelRole::TextRecognition)),
            std::string::npos)
      << safe.out;
  EXPECT_EQ(run_cli("ocr -i x.png --hpi_config '{backend: warp_drive}'").exit_code, 2);
}

TEST_F(HpiEngines, HpiInfoShowsProbesAndPlans) {
  CommandResult r = run_cli("hpi-info --enable_hpi True");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  // The plan starts with the first backend of the prior knowledge that is installed here.
  const bool openvino = probe_backend("openvino", Device::parse("cpu")).available;
  for (const std::string& s : {std::string("onnxruntime  available"), std::string("opencv"),
                               std::string(openvino ? "openvino     available" : "openvino     unavailable"), std::string("tensorrt"),
                               "TextDetection: " + default_model_name(ModelRole::TextDetection),
                               "TextRecognition: " + default_model_name(ModelRole::TextRecognition), std::string("1. ")})
    EXPECT_NE(r.out.find(s), std::string::npos) << s << "\n" << r.out;
}

TEST_F(HpiEngines, PipelineConfigFileSetsDefaultsAndOptionsOverrideIt) {
  fs::path dir = temp_dir("plcfg");
  std::ofstream(dir / "OCR.yaml") << "pipeline_name: OCR\nuse_textline_orientation: False\n"
                                     "SubModules:\n  TextRecognition:\n    score_thresh: 1.0\n";
  fs::path img = write_image(render_lines({"INV-2026-7741"}, latin_font()).image, dir / "p.png");
  CommandResult filtered = run_cli("ocr -i " + img.string() + " --paddlex_config " + (dir / "OCR.yaml").string());
  EXPECT_EQ(filtered.exit_code, 0) << filtered.out;
  EXPECT_NE(filtered.out.find("0 text lines"), std::string::npos) << filtered.out;  // score_thresh 1.0 drops all
  CommandResult overridden = run_cli("ocr -i " + img.string() + " --paddlex_config " + (dir / "OCR.yaml").string() +
                                     " --text_rec_score_thresh 0.5");
  EXPECT_NE(overridden.out.find("INV-2026-7741"), std::string::npos) << overridden.out;
  std::ofstream(dir / "bad.yaml") << "SubModules:\n  TextDetection:\n    thresh: [1, 2]\n";
  CommandResult bad = run_cli("ocr -i " + img.string() + " --paddlex_config " + (dir / "bad.yaml").string());
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.out.find("SubModules.TextDetection.thresh"), std::string::npos) << bad.out;
}

}  // namespace
}  // namespace hpocr::test

namespace hpocr::test {
namespace {

TEST_F(HpiEngines, ConcurrentFirstStartsShareOneCacheEntry) {
  fs::path dir = cls_copy();
  LoadRequest req;
  req.enable_hpi = true;
  req.hpi.backend = "onnxruntime";
  ModelDir model = open_model_dir(dir, "cls");
  std::vector<std::future<std::string>> starts;
  for (int i = 0; i < 4; ++i)
    starts.push_back(std::async(std::launch::async, [&] { return load_engine(model, req).engine->settings()["engine_cache"].get<std::string>(); }));
  std::set<std::string> entries;
  for (auto& s : starts) entries.insert(s.get());
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_TRUE(fs::exists(fs::path(*entries.begin()) / "model.optimized.onnx"));
  size_t leftovers = 0;  // temporary build directories of the losers are removed
  for (const auto& e : fs::directory_iterator(dir / ".cache" / "hpocr")) leftovers += e.path().filename().string().rfind(".tmp-", 0) == 0;
  EXPECT_EQ(leftovers, 0u);
  EXPECT_EQ(load_engine(model, req).engine->settings()["engine_cache_hit"], true);
}

}  // namespace
}  // namespace hpocr::test
