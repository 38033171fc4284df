#include "hpocr/benchmark.h"

#include <sys/resource.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <map>
#include <optional>

#include "backend/backend.h"
#include "core/file_util.h"
#include "core/timer.h"
#include "hpi/engine_loader.h"
#include "hpi/int8_cache.h"
#include "hpocr/error.h"
#include "hpocr/pipeline.h"
#include "hpocr/text_metrics.h"
#include "models/text_recognizer.h"
#include "hpocr/parameters.h"

namespace fs = std::filesystem;

namespace hpocr::bench {
namespace {

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[static_cast<size_t>(p * (v.size() - 1) + 0.5)];
}

double peak_rss_mb() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss / 1024.0;
}

nlohmann::ordered_json stats(const std::vector<double>& v) {
  return {{"median_ms", percentile(v, 0.5)}, {"p90_ms", percentile(v, 0.9)}};
}

/// Private copies of the configuration's model directories (model files and inference.yml, no cache), so that
/// the first load is a cold one without touching the caches other processes may be using.
OcrOptions with_fresh_model_copies(OcrOptions o, const fs::path& root) {
  // Every source first: once one model is given by directory, ocr_version and lang no longer choose the others.
  std::map<ModelRole, fs::path> sources;
  for (ModelRole role : kModelRoles)
    if (role_used(o, role)) sources[role] = model_dir(o, role);
  for (const auto& [role, source] : sources) {
    fs::path copy = root / std::string(role_name(role));
    fs::create_directories(copy);
    for (const auto& entry : fs::directory_iterator(source))
      if (entry.is_regular_file()) fs::copy_file(entry.path(), copy / entry.path().filename(), fs::copy_options::overwrite_existing);
    // The INT8 version (hpocr quantize) travels with the copy: its key hashes the model's bytes, not its path.
    const std::string name(role_name(role));
    ModelDir original = open_model_dir(source, name), copied = open_model_dir(copy, name);
    fs::path int8 = hpi::int8_entry_dir(original);
    if (fs::exists(int8 / "inference.onnx")) {
      fs::path target = hpi::int8_entry_dir(copied);
      fs::create_directories(target);
      for (const auto& entry : fs::directory_iterator(int8))
        if (entry.is_regular_file()) fs::copy_file(entry.path(), target / entry.path().filename(), fs::copy_options::overwrite_existing);
    }
    given_model_dir(o, role) = copy;
  }
  o.ocr_version.clear();  // resolved into the copies above
  o.lang.clear();
  return o;
}

constexpr int kStages = 10;
/// Page stages in the order Measurements::add records them; the last sums the pre- and post-processing ones.
constexpr const char* kStageNames[kStages] = {"doc_ori", "det_pre", "det_infer", "det_post", "crop",
                                              "cls",     "rec_pre", "rec_infer", "rec_post", "pre_post"};

/// What the measured repeats of a configuration observed: timings per image kind, throughput and the text read.
struct Measurements {
  std::vector<double> page_total, page_stage[kStages], other_total;
  size_t lines = 0, images = 0;
  double busy_ms = 0;
  std::string texts;
  std::map<std::string, std::pair<size_t, size_t>> errors_by_kind;  // kind -> (errors, characters), spaces ignored

  /// Records one measured result; `score` (the first measured repeat) also scores its text against the truth.
  void add(const BenchImage& img, const OcrResult& res, bool score) {
    const auto& t = res.timings;
    busy_ms += t.total;
    ++images;
    lines += res.rec_texts.size();
    if (score) {
      std::string got, want;
      for (const auto& s : res.rec_texts) got += s + "\n";
      for (const auto& s : img.lines) want += s + "\n";
      texts += got;
      auto& [errors, chars] = errors_by_kind[img.kind];
      errors += edit_distance(without_spaces(got), without_spaces(want));
      chars += char_count(without_spaces(want));
    }
    if (img.kind != "page") {
      other_total.push_back(t.total);
      return;
    }
    page_total.push_back(t.total);
    double v[] = {t.doc_ori, t.det_pre, t.det_infer, t.det_post, t.crop, t.cls, t.rec_pre, t.rec_infer, t.rec_post,
                  t.det_pre + t.det_post + t.crop + t.rec_pre + t.rec_post};
    for (int k = 0; k < kStages; ++k) page_stage[k].push_back(v[k]);
  }

  /// Adds accuracy, page and other-image statistics and throughput to `report`, in the report's field order.
  void write(nlohmann::ordered_json& report) const {
    nlohmann::ordered_json accuracy;
    for (const auto& [kind, ec] : errors_by_kind) accuracy[kind] = 1.0 - static_cast<double>(ec.first) / std::max<size_t>(ec.second, 1);
    report["char_accuracy_no_spaces"] = accuracy;
    report["pages"] = stats(page_total);
    nlohmann::ordered_json stages;
    for (int k = 0; k < kStages; ++k) stages[kStageNames[k]] = percentile(page_stage[k], 0.5);
    report["page_stages_median_ms"] = stages;
    report["pre_post_share"] = percentile(page_total, 0.5) > 0 ? percentile(page_stage[kStages - 1], 0.5) / percentile(page_total, 0.5) : 0;
    report["other_images"] = stats(other_total);
    report["images_per_s"] = busy_ms > 0 ? 1000.0 * images / busy_ms : 0;
    report["text_lines_per_s"] = busy_ms > 0 ? 1000.0 * lines / busy_ms : 0;
  }
};

/// Runs the pipeline over every non-line image, warm-up repeats first, and measures the other repeats.
Measurements measure_pipeline(OcrPipeline& pipeline, const std::vector<BenchImage>& set, const RunSettings& run) {
  Measurements m;
  for (int r = 0; r < run.warmup + run.repeats; ++r) {
    const bool measured = r >= run.warmup;
    for (const auto& img : set) {
      if (img.kind == "line") continue;
      OcrResult res = pipeline.predict(img.image, img.name);
      if (measured) m.add(img, res, r == run.warmup);
    }
  }
  return m;
}

/// Recognition throughput (crops per second, median repeat) on the set's single-line crops through the
/// recogniser alone; none when the set has no line crops.
std::optional<double> rec_crops_per_s(const OcrOptions& options, const std::vector<BenchImage>& set, int repeats) {
  std::vector<cv::Mat> crops;
  for (const auto& img : set)
    if (img.kind == "line") crops.push_back(img.image);
  if (crops.empty()) return std::nullopt;
  TextRecognizer rec(model_dir(options, ModelRole::TextRecognition), load_request(options, ModelRole::TextRecognition));
  rec.recognize(crops, options.text_recognition_batch_size);  // warm-up
  std::vector<double> per_run;
  Timer timer;
  for (int r = 0; r < repeats; ++r) {
    timer.lap();
    rec.recognize(crops, options.text_recognition_batch_size);
    per_run.push_back(timer.lap());
  }
  return 1000.0 * crops.size() / percentile(per_run, 0.5);
}

}  // namespace

OcrOptions with_backend(OcrOptions o, const std::string& backend, std::optional<ModelRole> role) {
  o.enable_hpi = true;
  for (ModelRole r : kModelRoles) {
    if (role && r != *role) continue;
    const std::string module(role_name(r));
    HpiConfig config = o.module_hpi_config.count(module) ? o.module_hpi_config.at(module) : o.hpi_config;
    config.backend = backend;
    o.module_hpi_config[module] = config;
  }
  return o;
}

BenchConfig named_config(const std::string& name, const OcrOptions& base) {
  BenchConfig c{name, base};
  if (find_backend(name)) c.options = with_backend(base, name);  // a backend name (looked up, not probed): every model on it
  else if (name == "hpi_off") c.options.enable_hpi = false;
  else if (name == "hpi_on") c.options.enable_hpi = true;
  else if (name == "threads1") c.options.enable_hpi = true, c.options.cpu_threads = 1;
  else if (name == "batch1") c.options.enable_hpi = true, c.options.text_recognition_batch_size = 1;
  else if (name == "batch12") c.options.enable_hpi = true, c.options.text_recognition_batch_size = 12;
  else if (name == "no_cls") c.options.enable_hpi = true, c.options.use_textline_orientation = false;
  else if (name == "fp32" || name == "int8" || name == "int8_unguarded") {
    // HPI with the precision forced (int8: the INT8 models where the guard passed, fast or not; int8_unguarded:
    // every INT8 model present, guard or not, to measure their speed). hpi_on is INT8 as HPI picks it.
    c.options.enable_hpi = true;
    auto set = [&](HpiConfig& config) {
      config.set_precision(name == "fp32" ? "fp32" : "int8");
      if (name == "int8_unguarded") config.backend_config["int8_guard"] = false;
    };
    set(c.options.hpi_config);
    for (auto& [module, config] : c.options.module_hpi_config) set(config);
  }
  else
    throw Error(ErrorCode::InvalidArgument,
                "benchmark configuration '" + name + "' is unknown (hpi_off, hpi_on, threads1, batch1, batch12, no_cls, fp32, int8, int8_unguarded, "
                "or a backend name: onnxruntime, openvino, paddle, opencv)");
  return c;
}

nlohmann::ordered_json run_config(const BenchConfig& config, const std::vector<BenchImage>& set, const RunSettings& run) {
  nlohmann::ordered_json report;
  report["label"] = config.label;
  report[param_names::kEnableHpi] = config.options.enable_hpi;

  TempDirectory models("hpocr-bench");
  const OcrOptions options = with_fresh_model_copies(config.options, models.path());
  Timer timer;
  auto cold = std::make_unique<OcrPipeline>(options);
  report["load_cold_ms"] = timer.lap();
  cold.reset();
  timer.lap();
  OcrPipeline pipeline(options);
  report["load_warm_ms"] = timer.lap();
  // What each model runs on (HPI's choice: backend and precision), so that a ratio says what it compares.
  for (const auto& m : pipeline.model_settings())
    report["models"][m["model_name"].get<std::string>()] =
        m["selection"].value("backend", std::string("?")) + " " + m["selection"].value(param_names::kPrecision, std::string("fp32"));

  const Measurements measured = measure_pipeline(pipeline, set, run);
  measured.write(report);
  if (const auto crops_per_s = rec_crops_per_s(options, set, run.repeats)) report["rec_crops_per_s"] = *crops_per_s;
  report["peak_rss_mb"] = peak_rss_mb();
  report["texts_hash"] = std::to_string(std::hash<std::string>{}(measured.texts));
  report["text_lines"] = measured.lines / std::max(run.repeats, 1);
  return report;
}

nlohmann::ordered_json median_round(std::vector<nlohmann::ordered_json> rounds) {
  if (rounds.empty()) throw Error(ErrorCode::InvalidArgument, "median_round: no rounds");
  auto page_ms = [](const nlohmann::ordered_json& r) { return r["pages"]["median_ms"].get<double>(); };
  std::vector<double> all;
  for (const auto& r : rounds) all.push_back(page_ms(r));
  std::sort(rounds.begin(), rounds.end(), [&](const auto& a, const auto& b) { return page_ms(a) < page_ms(b); });
  nlohmann::ordered_json out = rounds[(rounds.size() - 1) / 2];
  if (rounds.size() > 1) out["round_page_ms"] = all;
  return out;
}

std::string format_table(const std::vector<nlohmann::ordered_json>& reports) {
  std::string out;
  char line[512];
  std::snprintf(line, sizeof line, "%-10s %10s %9s %9s %9s %9s %9s %9s %8s %9s %8s %9s %8s\n", "config", "page p50", "page p90",
                "det inf", "rec inf", "pre+post", "img/s", "lines/s", "crops/s", "load cold", "warm", "peak RSS", "acc pg");
  out += line;
  for (const auto& r : reports) {
    std::snprintf(line, sizeof line, "%-10s %8.1fms %7.1fms %7.1fms %7.1fms %8.1f%% %9.2f %9.1f %8.1f %7.0fms %6.0fms %7.0fMB %7.2f%%\n",
                  r["label"].get<std::string>().c_str(), r["pages"]["median_ms"].get<double>(), r["pages"]["p90_ms"].get<double>(),
                  r["page_stages_median_ms"]["det_infer"].get<double>(), r["page_stages_median_ms"]["rec_infer"].get<double>(),
                  100 * r["pre_post_share"].get<double>(), r["images_per_s"].get<double>(), r["text_lines_per_s"].get<double>(),
                  r.value("rec_crops_per_s", 0.0), r["load_cold_ms"].get<double>(), r["load_warm_ms"].get<double>(),
                  r["peak_rss_mb"].get<double>(), 100 * r["char_accuracy_no_spaces"].value("page", 0.0));
    out += line;
  }
  out += "\nmodels (backend, precision):\n";
  for (const auto& r : reports) {
    std::string models;
    const nlohmann::ordered_json listed = r.value("models", nlohmann::ordered_json::object());
    for (const auto& [name, how] : listed.items())
      models += (models.empty() ? "" : ", ") + name + " " + how.get<std::string>();
    std::snprintf(line, sizeof line, "  %-10s ", r["label"].get<std::string>().c_str());
    out += line + models + "\n";
  }
  if (reports.size() > 1) {
    const auto& base = reports.front();
    out += "\nratios against " + base["label"].get<std::string>() + " (higher = faster):\n";
    for (size_t i = 1; i < reports.size(); ++i) {
      const auto& r = reports[i];
      std::snprintf(line, sizeof line, "  %-10s pages %.2fx, crops %.2fx, warm/cold load %.0f%%, texts %s\n",
                    r["label"].get<std::string>().c_str(),
                    base["pages"]["median_ms"].get<double>() / r["pages"]["median_ms"].get<double>(),
                    r.value("rec_crops_per_s", 0.0) / std::max(base.value("rec_crops_per_s", 1.0), 1e-9),
                    100 * r["load_warm_ms"].get<double>() / r["load_cold_ms"].get<double>(),
                    r["texts_hash"] == base["texts_hash"] ? "identical" : "DIFFERENT");
      out += line;
    }
  }
  return out;
}

}  // namespace hpocr::bench
