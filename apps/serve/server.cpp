#include "serve/server.h"

#include <httplib.h>
#include <sys/socket.h>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <future>
#include <mutex>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "hpocr/error.h"
#include "hpocr/logging.h"
#include "hpocr/text_renderer.h"
#include "hpocr/version.h"
#include "serve/metrics.h"
#include "serve/request.h"
#include "serve/web_assets.h"

namespace hpocr::serve {
namespace {

using Clock = std::chrono::steady_clock;

/// Set on responses whose handler already counted them in the metrics.
constexpr const char* kCountedHeader = "X-Hpocr-Counted";

struct Reply {
  int status = 500;
  std::string body;
};

/// One POST /ocr waiting for or running on a worker. The HTTP thread waits on `reply` until its deadline;
/// after that it marks the job abandoned so that a worker that has not started it skips it.
struct Job {
  OcrRequest request;
  std::string log_id;
  std::promise<Reply> reply;
  std::atomic<bool> abandoned{false};
  Clock::time_point started, finished;  ///< on the worker; read after `reply` is ready (Server-Timing)
};

double ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

int status_for(ErrorCode code) {
  switch (code) {
    case ErrorCode::InvalidInput: return 400;      // data that passed the header checks but does not decode
    case ErrorCode::InvalidArgument: return 422;
    default: return 500;
  }
}

const char* reason(int status) {
  switch (status) {
    case 400: return "malformed HTTP request";
    case 404: return "no such endpoint";
    case 405: return "method not allowed";
    case 413: return "request body too large";
    case 414: return "request URI too long";
    case 416: return "range not satisfiable";
    default: return status >= 500 ? "internal server error" : "request refused";
  }
}

}  // namespace

void ServeOptions::validate() const {
  auto bad = [](const std::string& name, const std::string& value, const char* expected) {
    throw Error(ErrorCode::InvalidArgument, fmt::format("{} = {} is invalid: expected {}", name, value, expected));
  };
  if (host.empty()) bad("host", "''", "an address to listen on, e.g. 127.0.0.1 or 0.0.0.0");
  if (port < 0 || port > 65535) bad("port", std::to_string(port), "0..65535 (0 = any free port)");
  if (workers < 1 || workers > 256) bad("workers", std::to_string(workers), "1..256");
  // Each queued request holds a connection thread while it waits, so the queue is bounded like the threads.
  if (max_queue < 0 || max_queue > 1000) bad("max_queue", std::to_string(max_queue), "0..1000");
  if (!(request_timeout_s > 0 && request_timeout_s <= 86400)) bad("request_timeout", fmt::format("{}", request_timeout_s), "seconds in (0, 86400]");
  if (max_body_bytes < 1024) bad("max_body_bytes", std::to_string(max_body_bytes), "at least 1024");
  if (http_threads < 0 || http_threads > 4096) bad("http_threads", std::to_string(http_threads), "0 (auto) .. 4096");
}

struct Server::Impl {
  const OcrPipeline& pipeline;
  ServeOptions options;
  RequestPolicy policy;
  std::filesystem::path font = find_font();
  nlohmann::ordered_json models;
  Metrics metrics;
  httplib::Server http;

  std::mutex mutex;
  std::condition_variable work_ready;
  std::deque<std::shared_ptr<Job>> queue;
  bool workers_stopping = false;
  std::vector<std::thread> workers;
  std::atomic<int64_t> in_progress{0}, http_in_flight{0};

  std::mutex stop_mutex;
  std::condition_variable stop_cv;
  bool stop_requested = false;

  Impl(const OcrPipeline& p, ServeOptions o) : pipeline(p), options(std::move(o)) {
    options.validate();
    policy.defaults = pipeline.options();
    policy.classifier_loaded = pipeline.options().use_textline_orientation;
    policy.visualize_default = options.visualize;
    for (const auto& m : pipeline.model_settings())
      models.push_back({{"model_name", m["model_name"]}, {"model_dir", m["model_dir"]}, {"backend", m["backend"]}});
    setup_http();
  }

  void setup_http() {
    size_t threads = options.http_threads ? options.http_threads : options.workers + options.max_queue + 4;
    // The connection threads only parse, wait and write: enough of them that a full queue still leaves
    // threads free to answer 503 at once instead of leaving connections unaccepted.
    http.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
    http.set_payload_max_length(options.max_body_bytes);
    // httplib's default sets SO_REUSEPORT, which would let a second server bind the same port and silently
    // share its traffic; SO_REUSEADDR alone still allows a quick restart.
    http.set_socket_options([](socket_t sock) {
      int yes = 1;
      setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    });
    http.set_keep_alive_timeout(2);  // bounds how long an idle keep-alive connection delays shutdown
    // The body is read here rather than by httplib, which would parse a body sent without a JSON content type
    // (curl's default is application/x-www-form-urlencoded) as a form and refuse it above 8 KiB.
    http.Post("/ocr", [this](const httplib::Request& req, httplib::Response& res, const httplib::ContentReader& read) {
      const auto start = Clock::now();
      if (req.is_multipart_form_data()) {
        reply_error(res, 415, "multipart/form-data is not accepted: send a JSON body with the file as base64 "
                              "(Content-Type: application/json)");
        return;
      }
      std::string body;
      if (!read([&body](const char* data, size_t n) { body.append(data, n); return true; })) {
        if (res.status == 413) reply_error(res, 413, fmt::format("request body too large: the limit is {} bytes (--max_body_bytes)", options.max_body_bytes));
        else reply_error(res, 400, "the request body could not be read (connection closed or malformed chunked encoding)");
        return;
      }
      handle_ocr(std::move(body), res, start);
    });
    if (options.web_ui) setup_web_ui();
    http.Get("/health", [this](const httplib::Request&, httplib::Response& res) {
      handle_health(res);
      counted(res, "/health");
    });
    http.Get("/metrics", [this](const httplib::Request&, httplib::Response& res) {
      std::unique_lock lock(mutex);
      Gauges g{static_cast<int64_t>(queue.size()), options.max_queue, in_progress.load(), http_in_flight.load(), options.workers};
      lock.unlock();
      res.status = 200;
      res.set_content(metrics.render(g), "text/plain; version=0.0.4; charset=utf-8");
      counted(res, "/metrics");
    });
    // httplib's own refusals (413 over --max_body_bytes, 404, malformed HTTP) get the same JSON shape.
    http.set_error_handler(httplib::Server::HandlerWithResponse([this](const httplib::Request& req, httplib::Response& res) {
      if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
      std::string msg = reason(res.status);
      if (res.status == 413) msg += fmt::format(": the limit is {} bytes (--max_body_bytes)", options.max_body_bytes);
      if (res.status == 404)
        msg += ": " + req.method + " " + req.path +
               (options.web_ui ? " (use POST /ocr, GET /health, GET /metrics or the web page at GET /)"
                               : " (use POST /ocr, GET /health or GET /metrics)");
      res.set_content(error_body(new_log_id(), res.status, msg), "application/json");
      counted(res, req.path);  // before it is written, like the handlers' own answers
      return httplib::Server::HandlerResponse::Handled;
    }));
    http.set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr ep) {
      std::string msg = "internal server error";
      try {
        std::rethrow_exception(ep);
      } catch (const std::exception& e) {
        msg += std::string(": ") + e.what();
      } catch (...) {
      }
      res.status = 500;
      res.set_content(error_body(new_log_id(), 500, msg), "application/json");
    });
    // The handlers and the error handler count their responses before they are written, so that a client
    // that has its answer finds it in the next scrape; what httplib answers without them (malformed HTTP) is
    // counted once written.
    http.set_logger([this](const httplib::Request& req, const httplib::Response& res) {
      if (!res.has_header(kCountedHeader)) metrics.count_response(req.path, res.status);
    });
  }

  /// The page and its script and style sheet (web/, compiled in). Its own files only: the policy forbids
  /// anything from elsewhere, inline scripts and framing; images may be blob:/data: URLs made by the page.
  void setup_web_ui() {
    for (const WebAsset& asset : web_assets()) {
      http.Get(std::string(asset.path), [this, &asset](const httplib::Request&, httplib::Response& res) {
        res.status = 200;
        res.set_content(asset.body.data(), asset.body.size(), std::string(asset.content_type));
        res.set_header("Cache-Control", "no-cache");
        res.set_header("X-Content-Type-Options", "nosniff");
        res.set_header("Content-Security-Policy",
                       "default-src 'self'; img-src 'self' blob: data:; object-src 'none'; base-uri 'none'; "
                       "form-action 'none'; frame-ancestors 'none'");
        counted(res, asset.path);
      });
    }
  }

  void handle_health(httplib::Response& res) {
    nlohmann::ordered_json j{{"logId", new_log_id()},
                             {"errorCode", 0},
                             {"errorMsg", "Healthy"},
                             {"result",
                              {{"status", "ok"},
                               {"version", kVersion},
                               {"workers", options.workers},
                               {"maxQueue", options.max_queue},
                               {"models", models}}}};
    res.status = 200;
    res.set_content(j.dump(), "application/json");
  }

  /// Marks the response as counted by its handler and counts it.
  void counted(httplib::Response& res, std::string_view path) {
    res.set_header(kCountedHeader, "1");
    metrics.count_response(path, res.status);
  }

  void reply_error(httplib::Response& res, int status, const std::string& message) {
    res.status = status;
    res.set_content(error_body(new_log_id(), status, message), "application/json");
    counted(res, "/ocr");
  }

  void handle_ocr(std::string&& text, httplib::Response& res, Clock::time_point start) {
    struct InFlight {
      std::atomic<int64_t>& n;
      explicit InFlight(std::atomic<int64_t>& count) : n(count) { ++n; }
      ~InFlight() { --n; }
    } in_flight(http_in_flight);
    const std::string log_id = new_log_id();
    Reply reply;
    std::string timing;
    try {
      auto job = std::make_shared<Job>();
      job->request = parse_ocr_request(text, policy);
      std::string().swap(text);  // only the decoded image is kept while the request waits
      job->log_id = log_id;
      auto future = job->reply.get_future();
      {
        std::lock_guard lock(mutex);
        if (queue.size() >= static_cast<size_t>(options.max_queue) &&
            !(options.max_queue == 0 && in_progress.load() < options.workers && queue.empty()))
          throw HttpError(503, fmt::format("server busy: {} requests are waiting (--max_queue {}); retry later", queue.size(),
                                           options.max_queue));
        queue.push_back(job);
      }
      work_ready.notify_one();
      auto deadline = start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(options.request_timeout_s));
      if (future.wait_until(deadline) != std::future_status::ready) {
        job->abandoned = true;
        throw HttpError(504, fmt::format("request timed out after {} s (queue wait + OCR; --request_timeout)", options.request_timeout_s));
      }
      reply = future.get();
      timing = fmt::format("queue;dur={:.1f}, ocr;dur={:.1f}, ", ms(job->started - start), ms(job->finished - job->started));
    } catch (const HttpError& e) {
      reply = {e.status(), error_body(log_id, e.status(), e.what())};
    } catch (const std::exception& e) {
      reply = {500, error_body(log_id, 500, std::string("internal server error: ") + e.what())};
    }
    const Clock::duration total = Clock::now() - start;
    metrics.observe_ocr_latency(std::chrono::duration<double>(total).count());
    // Where the time went, for the web page and other clients (W3C Server-Timing, milliseconds).
    res.set_header("Server-Timing", timing + fmt::format("total;dur={:.1f}", ms(total)));
    res.status = reply.status;
    res.set_content(std::move(reply.body), "application/json");
    counted(res, "/ocr");
  }

  void worker_loop() {
    for (;;) {
      std::shared_ptr<Job> job;
      {
        std::unique_lock lock(mutex);
        work_ready.wait(lock, [&] { return workers_stopping || !queue.empty(); });
        if (queue.empty()) return;
        job = std::move(queue.front());
        queue.pop_front();
        if (job->abandoned) continue;  // its client already got 504
        ++in_progress;
      }
      Reply reply;
      job->started = Clock::now();
      try {
        std::vector<OcrResult> pages;
        pipeline.predict_document_bytes(job->request.file, "file", [&](OcrResult&& r) { pages.push_back(std::move(r)); },
                                        job->request.params);
        reply = {200, success_body(job->log_id, pages, job->request.pdf_pages > 0, job->request.visualize, font)};
      } catch (const Error& e) {
        int status = status_for(e.code());
        if (status >= 500) log::warn("request {}: {}", job->log_id, e.what());
        reply = {status, error_body(job->log_id, status, e.what())};
      } catch (const std::exception& e) {
        log::warn("request {}: unexpected failure: {}", job->log_id, e.what());
        reply = {500, error_body(job->log_id, 500, std::string("internal server error: ") + e.what())};
      }
      --in_progress;
      job->finished = Clock::now();
      job->reply.set_value(std::move(reply));
    }
  }
};

Server::Server(const OcrPipeline& pipeline, ServeOptions options) : impl_(std::make_unique<Impl>(pipeline, std::move(options))) {}

Server::~Server() {
  stop();
  std::lock_guard lock(impl_->mutex);
  impl_->workers_stopping = true;
  impl_->work_ready.notify_all();
}

int Server::bind() {
  const auto& o = impl_->options;
  int port = o.port == 0 ? impl_->http.bind_to_any_port(o.host) : (impl_->http.bind_to_port(o.host, o.port) ? o.port : -1);
  if (port <= 0)
    throw Error(ErrorCode::InvalidArgument, fmt::format("cannot listen on {}:{} (address in use or not an address of this "
                                                        "machine): choose another --host/--port", o.host, o.port));
  return port;
}

void Server::run() {
  Impl& s = *impl_;
  for (int i = 0; i < s.options.workers; ++i) s.workers.emplace_back([&s] { s.worker_loop(); });
  std::thread listener([&s] { s.http.listen_after_bind(); });
  {
    std::unique_lock lock(s.stop_mutex);
    s.stop_cv.wait(lock, [&] { return s.stop_requested; });
  }
  // httplib's stop() is lost when it comes before the accept loop started: give the loop up to 2 s to start
  // (it does not when listening failed, and then there is nothing to stop).
  for (int i = 0; i < 400 && !s.http.is_running(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  s.http.stop();
  listener.join();  // returns once the connection threads answered every request already received
  {
    std::lock_guard lock(s.mutex);
    s.workers_stopping = true;
  }
  s.work_ready.notify_all();
  for (auto& t : s.workers) t.join();
  s.workers.clear();
}

ShutdownSignals::ShutdownSignals() {
  sigemptyset(&signals_);
  sigaddset(&signals_, SIGINT);
  sigaddset(&signals_, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals_, &previous_);
  std::signal(SIGPIPE, SIG_IGN);  // a client that hangs up mid-response must cost a failed write, not the process
}

ShutdownSignals::~ShutdownSignals() {
  // Signals that arrived during the shutdown are consumed: unblocking them would kill the process now.
  const timespec now{0, 0};
  while (sigtimedwait(&signals_, nullptr, &now) > 0) {
  }
  pthread_sigmask(SIG_SETMASK, &previous_, nullptr);
}

int ShutdownSignals::serve(Server& server) {
  std::atomic<bool> done{false};
  std::atomic<int> received{0};
  std::thread waiter([&] {
    const timespec poll{0, 100'000'000};  // wake up now and then to notice that run() ended without a signal
    while (!done) {
      int sig = sigtimedwait(&signals_, nullptr, &poll);
      if (sig > 0) {
        received = sig;
        log::get().warn("{}: finishing the requests in progress, then exiting", sig == SIGINT ? "SIGINT" : "SIGTERM");
        server.stop();
        return;
      }
    }
  });
  struct Join {  // also when run() throws: a joinable thread must not be destroyed
    std::atomic<bool>& done;
    std::thread& thread;
    ~Join() {
      done = true;
      thread.join();
    }
  } join{done, waiter};
  server.run();
  return received;
}

void Server::stop() {
  {
    std::lock_guard lock(impl_->stop_mutex);
    impl_->stop_requested = true;
  }
  impl_->stop_cv.notify_all();
}

}  // namespace hpocr::serve
