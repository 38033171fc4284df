// The benchmark harness as a quick smoke run (correctness of its report, not speed).
#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

#include "hpocr/backends.h"
#include "pipeline_fixture.h"

namespace fs = std::filesystem;

namespace hpocr::test {
namespace {

TEST_F(PipelineTest, BenchmarkSmokeRunReportsEveryFigure) {
  auto dir = temp_dir("bench");
  CommandResult r = run_cli("benchmark --configs hpi_off,hpi_on --pages 1 --crops 4 --repeats 1 --warmup 0 --json " +
                            (dir / "b.json").string() + " --save_set " + (dir / "set").string());
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("ratios against hpi_off"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("models (backend, precision):"), std::string::npos) << r.out;
  std::ifstream f(dir / "b.json");
  auto reports = nlohmann::json::parse(f);
  ASSERT_EQ(reports.size(), 2u);
  for (const auto& rep : reports) {
    for (const char* key : {"load_cold_ms", "load_warm_ms", "pages", "page_stages_median_ms", "images_per_s",
                            "text_lines_per_s", "rec_crops_per_s", "peak_rss_mb", "char_accuracy_no_spaces"})
      EXPECT_TRUE(rep.contains(key)) << key;
    EXPECT_GT(rep["pages"]["median_ms"].get<double>(), 0);
    // What each model ran on, as HPI chose it (the ratios compare these).
    ASSERT_EQ(rep["models"].size(), 3u) << rep.dump(1);
    for (const auto& [model, how] : rep["models"].items()) {
      const std::string h = how.get<std::string>();
      const std::string backend = h.substr(0, h.find(' ')), precision = h.substr(h.find(' ') + 1);
      EXPECT_TRUE(probe_backend(backend, Device::parse("cpu")).available) << model << ": " << h;
      EXPECT_TRUE(precision == "fp32" || (precision == "int8" && backend == "onnxruntime")) << model << ": " << h;
    }
    EXPECT_GE(rep["char_accuracy_no_spaces"]["receipt"].get<double>(), 0.95);
    EXPECT_GE(rep["char_accuracy_no_spaces"]["page"].get<double>(), 0.9);
  }
  // HPI may feed the recogniser differently (one crop per run at its own width; docs/accuracy.md), which can
  // change a character here and there, but it must read as well as the plain engine.
  for (const char* kind : {"page", "receipt", "scene"})
    EXPECT_GE(reports[1]["char_accuracy_no_spaces"][kind].get<double>(), reports[0]["char_accuracy_no_spaces"][kind].get<double>() - 0.01)
        << kind;
  EXPECT_EQ(run_cli("benchmark --configs warp9").exit_code, 2);

  // The saved set: every image beside its drawn text (what bench/peer_tesseract.py scores other engines on).
  std::ifstream t(dir / "set" / "ground_truth.json");
  auto truth = nlohmann::json::parse(t);
  ASSERT_EQ(truth.size(), 1u + 2u + 4u);  // a page, the receipt and the scene, 4 crops
  for (const auto& item : truth) {
    EXPECT_TRUE(fs::is_regular_file(dir / "set" / item["image"].get<std::string>())) << item["image"];
    EXPECT_FALSE(item["lines"].empty()) << item["image"];
  }
  EXPECT_EQ(truth[0]["kind"], "page");
  EXPECT_GE(truth[0]["lines"].size(), 30u);
  EXPECT_EQ(truth.back()["kind"], "line");
}

TEST_F(PipelineTest, MeasuringPriorKnowledgeWritesAnOrderHpiThenUses) {
  auto dir = temp_dir("measure");
  const fs::path table = dir / "measured.yaml";
  CommandResult r = run_cli("benchmark --measure_prior_knowledge " + table.string() +
                            " --pages 1 --crops 0 --repeats 1 --warmup 0 --use_textline_orientation False"
                            " --ocr_version PP-OCRv4");  // the family installed in Paddle's format too: every backend runs it
  ASSERT_EQ(r.exit_code, 0) << r.out;
  YAML::Node doc = YAML::LoadFile(table.string());
  const std::string key = "cpu_" + cpu_class();
  ASSERT_TRUE(doc["machines"][key]) << r.out;
  std::vector<std::string> installed;
  for (const auto& b : probe_backends(Device::parse("cpu")))
    if (b.availability.available && b.name != "opencv") installed.push_back(b.name);  // OpenCV cannot run PP-OCR
  for (const char* model : {"PP-OCRv4_mobile_det", "PP-OCRv4_mobile_rec"}) {
    YAML::Node entry = doc["measured"][model][key];
    ASSERT_TRUE(entry && entry["order"].IsSequence()) << model << "\n" << r.out;
    EXPECT_EQ(entry["order"].size(), installed.size()) << model << "\n" << r.out;  // every backend that ran it
    double previous = 0;
    for (const auto& b : entry["order"]) {
      const double ms = entry["ms"][b.Scalar()].as<double>();
      if (!entry["texts_differ"]) {
        EXPECT_GE(ms, previous) << model << ": fastest first";
      }
      previous = ms;
    }
  }
  EXPECT_FALSE(doc["measured"]["ch_ppocr_mobile_v2.0_cls"]) << "the classifier was off";
  // HPI orders its plan by the file it is given.
  setenv("HPOCR_PRIOR_KNOWLEDGE_MEASURED", table.string().c_str(), 1);
  CommandResult info = run_cli("hpi-info --enable_hpi True --ocr_version PP-OCRv4");
  unsetenv("HPOCR_PRIOR_KNOWLEDGE_MEASURED");
  ASSERT_EQ(info.exit_code, 0) << info.out;
  EXPECT_NE(info.out.find("measured on " + key), std::string::npos) << info.out;
  const std::string first = doc["measured"]["PP-OCRv4_mobile_det"][key]["order"][0].Scalar();
  EXPECT_NE(info.out.find("1. " + first), std::string::npos) << info.out;
}

}  // namespace
}  // namespace hpocr::test
