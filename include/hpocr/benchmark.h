// `hpocr benchmark`: the deterministic benchmark set (generated, never downloaded, identical on every run and
// machine with the same fonts) and the runner that measures per-stage latency, throughput, load times and peak
// RSS per configuration (docs/performance.md).
#pragma once
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <opencv2/core.hpp>

#include "hpocr/options.h"

namespace hpocr::bench {

struct BenchImage {
  std::string name;
  std::string kind;                 ///< "page", "receipt", "scene", "line"
  cv::Mat image;                    ///< 8-bit BGR
  std::vector<std::string> lines;   ///< the text drawn, top to bottom
};

/// `pages` document pages (1600x2000, 30-60 lines), one receipt, one scene and `crops` single-line crops.
std::vector<BenchImage> make_bench_set(int pages = 2, int crops = 64);

struct BenchConfig {
  std::string label;
  OcrOptions options;
};

struct RunSettings {
  int warmup = 1;
  int repeats = 3;
};

/// Runs one configuration over the set and returns its report (see docs/performance.md for the fields).
nlohmann::ordered_json run_config(const BenchConfig& config, const std::vector<BenchImage>& set, const RunSettings& run);

/// Named configurations: hpi_off, hpi_on, threads1, batch1, batch12, no_cls, fp32, int8 (HPI with the precision
/// forced), int8_unguarded (INT8 models even where the guard refused them) and a backend's name (every model
/// forced onto it). Error(InvalidArgument) for others.
BenchConfig named_config(const std::string& name, const OcrOptions& base);

/// `base` with HPI on and every model, or only the model of `role`, forced onto `backend` (its prior-knowledge
/// configuration where auto_config is on).
OcrOptions with_backend(OcrOptions base, const std::string& backend, std::optional<ModelRole> role = std::nullopt);

/// Runs each model of the pipeline on every installed backend (the others as HPI picks them) and writes the
/// backends' measured order for this CPU class into `file` (other classes' entries are kept). Returns a summary.
std::string measure_prior_knowledge(const OcrOptions& base, const std::vector<BenchImage>& set, const RunSettings& run,
                                    const std::filesystem::path& file);

/// The report of the round with the median page time, with every round's page median under "round_page_ms".
nlohmann::ordered_json median_round(std::vector<nlohmann::ordered_json> rounds);

/// A readable table of reports, with ratios against the first one and whether texts are identical.
std::string format_table(const std::vector<nlohmann::ordered_json>& reports);

}  // namespace hpocr::bench
