// The benchmark runner behind `hpocr benchmark`: per-stage latency, throughput, load times, peak RSS.
#pragma once
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "bench_set.h"
#include "hpocr/options.h"

namespace hpocr::bench {

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
/// forced) and int8_unguarded (INT8 models even where the guard refused them). Error(InvalidArgument) for others.
BenchConfig named_config(const std::string& name, const OcrOptions& base);

/// A readable table of reports, with ratios against the first one and whether texts are identical.
std::string format_table(const std::vector<nlohmann::ordered_json>& reports);

}  // namespace hpocr::bench
