// Server metrics in the Prometheus text exposition format (version 0.0.4), written by hand: Debian 12 has
// no prometheus-cpp. Counters and the histogram are updated from many threads.
#pragma once
#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

namespace hpocr::serve {

/// Point-in-time values the server reads when /metrics is scraped.
struct Gauges {
  int64_t queue_depth = 0;       ///< OCR jobs waiting for a worker
  int64_t queue_capacity = 0;    ///< --max_queue
  int64_t ocr_in_progress = 0;   ///< jobs a worker is running
  int64_t http_in_flight = 0;    ///< HTTP requests being handled (including waiting ones)
  int64_t workers = 0;
};

class Metrics {
 public:
  /// Upper bounds (seconds) of the latency histogram buckets; +Inf is implied.
  static constexpr std::array<double, 13> kBuckets{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60};

  /// Counts one answered request by endpoint ("/ocr", "/health", "/metrics", "/" (the web page), else "other") and status code.
  void count_response(std::string_view path, int status);
  /// Adds one POST /ocr latency (receipt of the body to the response) to the histogram.
  void observe_ocr_latency(double seconds);
  /// The exposition text: hpocr_http_requests_total{path,code}, hpocr_http_request_errors_total{path},
  /// hpocr_ocr_request_duration_seconds (histogram), the gauges, and the process's resident memory.
  std::string render(const Gauges& gauges) const;

 private:
  mutable std::mutex mutex_;
  std::map<std::pair<std::string, int>, uint64_t> responses_;
  std::array<uint64_t, kBuckets.size() + 1> bucket_counts_{};  // the last one is +Inf
  double latency_sum_ = 0;
  uint64_t latency_count_ = 0;
};

/// Resident set size and its peak (VmRSS, VmHWM from /proc/self/status), in bytes; 0 when unknown.
std::pair<int64_t, int64_t> process_memory();

}  // namespace hpocr::serve
