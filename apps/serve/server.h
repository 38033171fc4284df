// `hpocr serve`: an HTTP server (cpp-httplib) in front of one shared OcrPipeline, PaddleX basic-serving
// compatible (POST /ocr), with GET /health, GET /metrics and a web page at GET /. See docs/serving.md.
#pragma once
#include <csignal>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "hpocr/pipeline.h"

namespace hpocr::serve {

struct ServeOptions {
  std::string host = "127.0.0.1";
  int port = 8080;                        ///< 0: any free port (see Server::bind)
  int workers = 1;                        ///< OCR worker threads sharing the pipeline
  int max_queue = 8;                      ///< jobs waiting for a worker (0..1000); beyond it requests get 503 at once
  double request_timeout_s = 60;          ///< queue wait + OCR; beyond it the request gets 504
  std::size_t max_body_bytes = 32u << 20; ///< larger bodies get 413 without being buffered
  bool visualize = true;                  ///< default of the request's `visualize` (PaddleX returns images)
  int http_threads = 0;                   ///< connection threads; 0 = workers + max_queue + 4
  bool web_ui = true;                     ///< serve the web page (GET /, web/); false: API only, GET / is 404

  /// Throws Error(InvalidArgument) naming the first bad value.
  void validate() const;
};

/// The server. Construct, bind(), then run() (blocks) until stop() is called from another thread or a
/// signal handler thread; run() returns after in-flight requests were answered.
class Server {
 public:
  /// `pipeline` must outlive the server; its predict() is called from several workers at once.
  Server(const OcrPipeline& pipeline, ServeOptions options);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  /// Binds the listening socket; returns the port. Error(Io) when the address cannot be bound.
  int bind();
  /// Serves until stop(): then stops accepting, answers the requests already received, joins the workers.
  void run();
  /// Asks run() to finish; safe from any thread, idempotent.
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// SIGINT/SIGTERM turned into a graceful stop: constructing it blocks both signals in the calling thread and
/// in every thread started afterwards (so construct it before loading the pipeline, whose backends start
/// threads); serve() then receives them in one thread of its own. SIGPIPE is ignored from then on (clients
/// that disconnect early). The destructor restores the signal mask.
class ShutdownSignals {
 public:
  ShutdownSignals();
  ~ShutdownSignals();
  ShutdownSignals(const ShutdownSignals&) = delete;
  ShutdownSignals& operator=(const ShutdownSignals&) = delete;
  /// Runs `server` until SIGINT or SIGTERM (or Server::stop()); returns the signal received, or 0.
  int serve(Server& server);

 private:
  sigset_t signals_{}, previous_{};
};

}  // namespace hpocr::serve
