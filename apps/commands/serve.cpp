// hpocr serve: the HTTP server (PaddleX serving compatible) and its web page.
#include <cstdio>

#include "cli.h"
#include "commands/command.h"
#include "hpocr/logging.h"
#include "serve/server.h"

namespace hpocr::cli {
namespace {

class ServeCommand : public Command {
 public:
  CLI::App* declare(CLI::App& app) override {
    auto* cmd = app.add_subcommand("serve", "HTTP server, PaddleX serving compatible: POST /ocr, GET /health, GET /metrics");
    cmd->add_option("--host", s_.host, "Address to listen on")->capture_default_str();
    cmd->add_option("--port", s_.port, "Port (0 = any free port, printed at start)")->capture_default_str();
    cmd->add_option("--workers", s_.workers, "OCR worker threads sharing the models")->capture_default_str();
    cmd->add_option("--max_queue", s_.max_queue, "Requests waiting for a worker; more get 503 at once")->capture_default_str();
    cmd->add_option("--request_timeout", s_.request_timeout_s, "Seconds per request (queue + OCR); then 504")->capture_default_str();
    cmd->add_option("--max_body_bytes", s_.max_body_bytes, "Larger request bodies get 413")->capture_default_str();
    cmd->add_option("--http_threads", s_.http_threads, "Connection threads, 0 = workers + max_queue + 4")->capture_default_str();
    add_bool(*cmd, "--visualize", s_.visualize, "Return ocrImage/inputImage unless the request sets visualize");
    cmd->add_flag_callback("--no_web_ui", [this] { s_.web_ui = false; }, "API only: no web page at GET / (it answers 404)");
    cmd->add_option("--config", a_.pipeline_config, "Same as --paddlex_config");
    a_.options.max_pdf_pages = 100;  // a server bounds the work one request can ask for
    a_.declare(*cmd);
    return cmd;
  }

  int run() override {
    a_.resolve();
    const PipelineArgs& a = a_;
    const serve::ServeOptions& s = s_;
    s.validate();
    serve::ShutdownSignals signals;  // before the pipeline: its backend threads must not take SIGTERM
    OcrPipeline pipeline(a.options);
    log::info("models:\n{}", pipeline.describe());
    serve::Server server(pipeline, s);
    int port = server.bind();
    std::printf("hpocr serve: listening on http://%s:%d (POST /ocr, GET /health, GET /metrics%s; %d workers, queue %d)\n",
                s.host.c_str(), port, s.web_ui ? ", web page at /" : "", s.workers, s.max_queue);
    std::fflush(stdout);
    int sig = signals.serve(server);
    std::printf("hpocr serve: stopped%s\n", sig ? " (all requests in progress were answered)" : "");
    return kOk;
  }

 private:
  PipelineArgs a_;
  serve::ServeOptions s_;
};

}  // namespace

std::unique_ptr<Command> make_serve_command() { return std::make_unique<ServeCommand>(); }

}  // namespace hpocr::cli
