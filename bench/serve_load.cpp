// Load generator for `hpocr serve`: N concurrent clients each POST the demo page (known text) M times and
// the tool prints requests/s, latency percentiles, status counts, wrong answers and the server's peak RSS
// (read from its /metrics). See docs/serving.md; bench/serve_load.sh runs the standard scenarios.
#include <httplib.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <map>
#include <mutex>
#include <thread>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>

#include "hpocr/base64.h"
#include "hpocr/sample_page.h"
#include "hpocr/text_metrics.h"

namespace {

using Clock = std::chrono::steady_clock;
using nlohmann::json;

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  size_t i = static_cast<size_t>(p / 100.0 * (v.size() - 1) + 0.5);
  return v[std::min(i, v.size() - 1)];
}

double metric(const std::string& text, const std::string& name) {
  auto p = text.find("\n" + name + " ");
  return p == std::string::npos ? -1 : std::stod(text.substr(p + name.size() + 2));
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Load test for hpocr serve: concurrent POST /ocr of a page with known text"};
  std::string host = "127.0.0.1";
  int port = 8080, clients = 4, requests = 8;
  bool visualize = false;
  app.add_option("--host", host)->capture_default_str();
  app.add_option("--port", port)->capture_default_str();
  app.add_option("--clients", clients, "Concurrent connections")->check(CLI::Range(1, 1000))->capture_default_str();
  app.add_option("--requests", requests, "Requests per client")->check(CLI::Range(1, 100000))->capture_default_str();
  app.add_flag("--visualize", visualize, "Ask for ocrImage/inputImage too");
  CLI11_PARSE(app, argc, argv);

  hpocr::RenderedPage page = hpocr::make_demo_page(hpocr::TextRenderer(hpocr::find_font()));
  std::vector<unsigned char> png;
  cv::imencode(".png", page.image, png);
  const std::string body = json{{"file", hpocr::base64_encode(png)}, {"fileType", 1}, {"visualize", visualize}}.dump();
  std::vector<std::string> expected;
  for (const auto& l : page.lines) expected.push_back(hpocr::without_spaces(l));

  std::mutex mutex;
  std::map<int, int> statuses;  // -1: no response
  std::vector<double> latencies_ok, latencies_busy;
  int wrong = 0;
  std::atomic<int> ready{0};
  std::vector<std::thread> threads;
  Clock::time_point start;
  for (int i = 0; i < clients; ++i)
    threads.emplace_back([&] {
      httplib::Client c(host, port);
      c.set_read_timeout(600);
      c.set_write_timeout(60);
      if (++ready == clients) start = Clock::now();
      while (ready < clients) std::this_thread::yield();
      for (int k = 0; k < requests; ++k) {
        auto t0 = Clock::now();
        auto res = c.Post("/ocr", body, "application/json");
        double ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
        int status = res ? res->status : -1;
        bool bad = false;
        if (status == 200) {
          auto j = json::parse(res->body, nullptr, false);
          std::vector<std::string> texts;
          if (j.is_object())
            for (const auto& t : j["result"]["ocrResults"][0]["prunedResult"]["rec_texts"]) texts.push_back(hpocr::without_spaces(t.get<std::string>()));
          bad = texts != expected;
        }
        std::lock_guard lock(mutex);
        ++statuses[status];
        if (status == 200) latencies_ok.push_back(ms);
        if (status == 503) latencies_busy.push_back(ms);
        wrong += bad;
      }
    });
  for (auto& t : threads) t.join();
  double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  int total = clients * requests;

  std::printf("serve load: %d clients x %d requests of a %dx%d page (%zu lines), visualize %s\n", clients, requests, page.image.cols,
              page.image.rows, page.lines.size(), visualize ? "on" : "off");
  std::printf("  statuses:");
  for (const auto& [s, n] : statuses) std::printf(" %s x %d", s < 0 ? "no-response" : std::to_string(s).c_str(), n);
  std::printf("\n  wrong texts in 200 answers: %d\n", wrong);
  std::printf("  throughput: %.2f requests/s answered (%.2f/s with 200) over %.1f s\n", total / seconds, latencies_ok.size() / seconds,
              seconds);
  std::printf("  latency of 200 answers: p50 %.0f ms, p90 %.0f ms, p99 %.0f ms, max %.0f ms\n", percentile(latencies_ok, 50),
              percentile(latencies_ok, 90), percentile(latencies_ok, 99), percentile(latencies_ok, 100));
  if (!latencies_busy.empty())
    std::printf("  latency of 503 answers: p50 %.0f ms, p99 %.0f ms\n", percentile(latencies_busy, 50), percentile(latencies_busy, 99));
  httplib::Client c(host, port);
  if (auto m = c.Get("/metrics"))
    std::printf("  server RSS: %.0f MiB now, %.0f MiB peak\n", metric(m->body, "process_resident_memory_bytes") / (1 << 20),
                metric(m->body, "hpocr_process_resident_memory_peak_bytes") / (1 << 20));
  return statuses.count(-1) || wrong ? 1 : 0;
}
