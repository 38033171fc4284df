#include "serve/metrics.h"

#include <fstream>

#include <fmt/format.h>

namespace hpocr::serve {

void Metrics::count_response(std::string_view path, int status) {
  // Known endpoints only: labelling arbitrary request paths would let clients grow the series without bound.
  std::string label = path == "/ocr" || path == "/health" || path == "/metrics" || path == "/" ? std::string(path) : "other";
  std::lock_guard lock(mutex_);
  ++responses_[{label, status}];
}

void Metrics::observe_ocr_latency(double seconds) {
  std::lock_guard lock(mutex_);
  size_t i = 0;
  while (i < kBuckets.size() && seconds > kBuckets[i]) ++i;
  ++bucket_counts_[i];
  latency_sum_ += seconds;
  ++latency_count_;
}

std::string Metrics::render(const Gauges& g) const {
  std::string out;
  auto add = [&out](std::string_view name, std::string_view type, std::string_view help) {
    out += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, help, name, type);
  };
  std::lock_guard lock(mutex_);
  add("hpocr_http_requests_total", "counter", "HTTP requests answered, by endpoint and status code.");
  std::map<std::string, uint64_t> errors;
  for (const auto& [key, n] : responses_) {
    out += fmt::format("hpocr_http_requests_total{{path=\"{}\",code=\"{}\"}} {}\n", key.first, key.second, n);
    if (key.second >= 400) errors[key.first] += n;
  }
  add("hpocr_http_request_errors_total", "counter", "HTTP requests answered with a 4xx or 5xx status, by endpoint.");
  for (const auto& [path, n] : errors) out += fmt::format("hpocr_http_request_errors_total{{path=\"{}\"}} {}\n", path, n);
  add("hpocr_ocr_request_duration_seconds", "histogram", "POST /ocr latency from the received body to the response.");
  uint64_t cumulative = 0;
  for (size_t i = 0; i < kBuckets.size(); ++i) {
    cumulative += bucket_counts_[i];
    out += fmt::format("hpocr_ocr_request_duration_seconds_bucket{{le=\"{}\"}} {}\n", kBuckets[i], cumulative);
  }
  cumulative += bucket_counts_.back();
  out += fmt::format("hpocr_ocr_request_duration_seconds_bucket{{le=\"+Inf\"}} {}\n", cumulative);
  out += fmt::format("hpocr_ocr_request_duration_seconds_sum {}\n", latency_sum_);
  out += fmt::format("hpocr_ocr_request_duration_seconds_count {}\n", latency_count_);
  auto gauge = [&](std::string_view name, std::string_view help, int64_t value) {
    add(name, "gauge", help);
    out += fmt::format("{} {}\n", name, value);
  };
  gauge("hpocr_queue_depth", "OCR jobs waiting for a worker.", g.queue_depth);
  gauge("hpocr_queue_capacity", "Jobs the queue holds before requests get 503.", g.queue_capacity);
  gauge("hpocr_ocr_in_progress", "OCR jobs a worker is running.", g.ocr_in_progress);
  gauge("hpocr_http_requests_in_flight", "HTTP requests being handled.", g.http_in_flight);
  gauge("hpocr_workers", "Pipeline worker threads.", g.workers);
  auto [rss, peak] = process_memory();
  gauge("process_resident_memory_bytes", "Resident memory size in bytes.", rss);
  gauge("hpocr_process_resident_memory_peak_bytes", "Peak resident memory size in bytes (VmHWM).", peak);
  return out;
}

std::pair<int64_t, int64_t> process_memory() {
  std::ifstream f("/proc/self/status");
  std::string key;
  int64_t rss = 0, peak = 0;
  while (f >> key) {
    if (key == "VmRSS:") f >> rss;
    else if (key == "VmHWM:") f >> peak;
    f.ignore(1 << 12, '\n');
  }
  return {rss * 1024, peak * 1024};
}

}  // namespace hpocr::serve
