#include "cli.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <set>

#include <CLI/CLI.hpp>
#include <opencv2/imgcodecs.hpp>

#include "backend/backend.h"
#include "core/logging.h"
#include "core/text_metrics.h"
#include "hpocr/error.h"
#include "hpocr/parameters.h"
#include "hpocr/pipeline.h"
#include "hpocr/version.h"
#include "io/result_io.h"
#include "io/sample_page.h"
#include "batch.h"
#include "bench/runner.h"
#include "convert/converter.h"
#include "hpi/int8_cache.h"
#include "hpi/selection.h"
#include "quant/calib_set.h"
#include "quant/int8_build.h"
#include "install_deps.h"
#include "pipeline/pipeline_config.h"
#include "progress.h"
#include "serve/server.h"

namespace fs = std::filesystem;

namespace hpocr::cli {

bool parse_bool(std::string_view text) {
  if (auto b = bool_from_text(text)) return *b;
  throw std::invalid_argument("'" + std::string(text) + "' is not a boolean (use True or False)");
}

namespace {

struct CommonArgs {
  OcrOptions options;       ///< the defaults until resolve() applies the config file and the parameters
  ParamValues params;       ///< table parameters given on the command line, applied over --paddlex_config
  std::string log_level = "warning";
  bool verbose = false;
  fs::path save_path;
  fs::path pipeline_config;

  /// The effective options: defaults, then --paddlex_config, then the parameters given (in table order, so
  /// --precision wins over --hpi_config); the log level too.
  void resolve() {
    if (!pipeline_config.empty()) apply_pipeline_config(pipeline_config, options);
    apply_params(options, params);
    log::set_level(verbose && log_level == "warning" ? "info" : log_level);
  }
};

void add_bool(CLI::App& app, const std::string& name, bool& target, const std::string& help) {
  app.add_option_function<std::string>(
         name,
         [&target, name](const std::string& v) {
           try {
             target = parse_bool(v);
           } catch (const std::invalid_argument& e) {
             throw CLI::ValidationError(name, e.what());
           }
         },
         help + " (True/False, default " + (target ? "True" : "False") + ")")
      ->type_name("BOOL");
}

/// One option per parameter of the table (docs/parameters.md), checked as it is parsed.
void add_pipeline_options(CLI::App& app, CommonArgs& a) {
  static const char* const kTypeNames[] = {"BOOL", "INT", "FLOAT", "TEXT", "DIR", "CONFIG"};
  app.add_option("--save_path", a.save_path, "Directory for <name>_res.json and <name>_ocr_res_img.png (default: not saved)");
  app.add_option("--paddlex_config", a.pipeline_config, "PaddleX-style pipeline YAML (e.g. OCR.yaml); other options override it");
  for (const ParamSpec& spec : parameters()) {
    if (spec.scope == ParamScope::Module) continue;
    const std::string flag = "--" + std::string(spec.name);
    std::string help(spec.help);
    if (spec.type == ParamType::Mapping) help += " as JSON/YAML or a file";
    auto* opt = app.add_option_function<std::string>(
        flag,
        [&a, &spec, flag](const std::string& text) {
          try {
            ParamValue v;
            if (spec.type == ParamType::Mapping) {
              OcrOptions parsed;
              parsed.hpi_config = parse_hpi_config(text);
              v = spec.get(parsed);
            } else {
              v = parse_param(spec, text);
            }
            check_param(spec, v);
            a.params.emplace_back(&spec, std::move(v));
          } catch (const Error& e) {
            throw CLI::ValidationError(flag, e.what());
          }
        },
        help);
    opt->type_name(kTypeNames[static_cast<int>(spec.type)]);
    if (std::string shown = param_text(spec, spec.get(a.options)); !shown.empty() && spec.type != ParamType::Mapping)
      opt->default_str(shown);
  }
  app.add_option("--log_level", a.log_level, "trace, debug, info, warning, error, off")->capture_default_str();
  app.add_flag("-v,--verbose", a.verbose, "Log model settings and per-stage timings (same as --log_level info)");
}

bool is_input_name(const fs::path& p) {
  static const char* exts[] = {".jpg", ".jpeg", ".png", ".bmp", ".tif", ".tiff", ".webp", ".pbm", ".pgm", ".ppm", ".pnm", ".pdf"};
  std::string e = p.extension().string();
  std::transform(e.begin(), e.end(), e.begin(), [](unsigned char c) { return std::tolower(c); });
  return std::find(std::begin(exts), std::end(exts), e) != std::end(exts);
}

/// A file given directly is always tried; a directory contributes its image and PDF files, sorted.
std::vector<fs::path> collect_inputs(const fs::path& input) {
  std::error_code ec;
  if (!fs::is_directory(input, ec)) return {input};
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(input, ec))
    if (is_input_name(e.path()) && !fs::is_directory(e.path(), ec)) files.push_back(e.path());
  if (ec) throw Error(ErrorCode::InvalidInput, input.string() + ": cannot list directory (" + ec.message() + ")");
  std::sort(files.begin(), files.end());
  if (files.empty()) throw Error(ErrorCode::InvalidInput, input.string() + ": no image or PDF files (jpg, png, bmp, tiff, webp, pnm, pdf) in directory");
  return files;
}

void print_result(const OcrResult& r) {
  std::string page = r.page_index ? " page " + std::to_string(*r.page_index + 1) : "";
  std::printf("%s%s  (%dx%d, %zu text lines, %.1f ms)\n", r.input_path.c_str(), page.c_str(), r.image.cols, r.image.rows,
              r.rec_texts.size(), r.timings.total);
  for (size_t i = 0; i < r.rec_texts.size(); ++i) std::printf("  %.3f  %s\n", r.rec_scores[i], r.rec_texts[i].c_str());
  std::fflush(stdout);
}

void save_outputs(const OcrResult& r, const fs::path& dir) {
  save_json(r, dir);
  save_visualization(r, dir, find_font());
}

/// With HPI, one line per model on stderr (as PaddleX logs its backend): the backend, precision, threads and
/// recognition schedule chosen, and why.
void print_hpi_choice(const OcrPipeline& pipeline) {
  if (!pipeline.options().enable_hpi) return;
  for (const auto& m : pipeline.model_settings()) {
    const auto& sel = m["selection"];
    const auto& be = m["backend"];
    std::string line = m["model_name"].get<std::string>() + ": " + sel.value("backend", std::string("?")) + ", " +
                       sel.value("precision", std::string("fp32"));
    if (be.contains("cpu_num_threads")) line += ", threads " + be["cpu_num_threads"].dump();
    if (sel.contains("schedule")) {
      const auto& s = sel["schedule"];
      line += ", batch " + s.value("batch_size", nlohmann::json(0)).dump() + " x " +
              s.value("parallel_runs", nlohmann::json(1)).dump() + " parallel, min width " + s.value("min_width", nlohmann::json(0)).dump();
    }
    if (be.value("engine_cache_hit", false)) line += ", cached engine";
    std::fprintf(stderr, "[hpi] %s (%s)\n", line.c_str(), sel.value("reason", std::string()).c_str());
  }
}

int cmd_ocr(const fs::path& input, const CommonArgs& a) {
  auto files = collect_inputs(input);
  OcrPipeline pipeline(a.options);
  log::info("models:\n{}", pipeline.describe());
  if (a.log_level != "off" && a.log_level != "error") print_hpi_choice(pipeline);
  Progress progress(files.size(), files.size() > 1 && isatty(STDERR_FILENO));
  size_t failed = 0;
  for (const auto& f : files) {
    progress.start(f.filename().string());
    try {
      pipeline.predict_document(f, [&](OcrResult&& r) {
        progress.clear();
        print_result(r);
        if (!a.save_path.empty()) save_outputs(r, a.save_path);
      });
    } catch (const Error& e) {
      if (e.code() != ErrorCode::InvalidInput) throw;
      progress.clear();
      std::fprintf(stderr, "error: %s\n", e.what());
      ++failed;
    }
    progress.done();
  }
  progress.finish();
  if (failed) std::fprintf(stderr, "%zu of %zu inputs failed\n", failed, files.size());
  return failed ? kInputFailed : kOk;
}

int cmd_demo(const CommonArgs& a) {
  fs::path font = find_font();
  if (font.empty()) throw Error(ErrorCode::Io, "no font found to render the demo page; install fonts-noto-cjk or set HPOCR_FONT");
  RenderedPage page = make_demo_page(TextRenderer(font));
  fs::path dir = a.save_path.empty() ? fs::path("output/demo") : a.save_path;
  fs::create_directories(dir);
  fs::path image = dir / "demo_page.png";
  cv::imwrite(image.string(), page.image);
  OcrPipeline pipeline(a.options);
  OcrResult r = pipeline.predict_file(image);
  print_result(r);
  save_outputs(r, dir);
  // The PP-OCRv4 Chinese recogniser often drops spaces between Latin words, so lines are also compared
  // with spaces removed and both counts are shown.
  size_t exact = 0, up_to_spaces = 0;
  for (size_t i = 0; i < page.lines.size() && i < r.rec_texts.size(); ++i) {
    exact += r.rec_texts[i] == page.lines[i];
    up_to_spaces += without_spaces(r.rec_texts[i]) == without_spaces(page.lines[i]);
  }
  std::printf("demo: %zu of %zu lines recognised (%zu exactly, %zu up to dropped spaces); results in %s\n", up_to_spaces,
              page.lines.size(), exact, up_to_spaces - exact, dir.c_str());
  return up_to_spaces == page.lines.size() && r.rec_texts.size() == page.lines.size() ? kOk : kInputFailed;
}

int cmd_info() {
  std::printf("hpocr %s\nHPOCR_HOME: %s\nbackends:\n", kVersion, hpocr_home().c_str());
  for (const auto& b : backends()) {
    Availability a = b->probe(Device{});
    std::printf("  %-12s %s\n", std::string(b->name()).c_str(),
                a.available ? ("available, version " + a.version).c_str() : ("unavailable: " + a.reason).c_str());
  }
  std::printf("default models:\n");
  for (const char* m : {"PP-OCRv4_mobile_det", "PP-OCRv4_mobile_rec", "ch_ppocr_mobile_v2.0_cls"}) {
    fs::path p = hpocr_home() / "models" / m;
    std::printf("  %-26s %s%s\n", m, p.c_str(), fs::exists(p / "inference.onnx") ? "" : "  (missing: run scripts/setup.sh)");
  }
  return kOk;
}

int cmd_hpi_info(const CommonArgs& a) {
  const OcrOptions& o = a.options;
  o.validate();
  Device device = Device::parse(o.device);
  std::printf("backends on %s:\n", device.str().c_str());
  for (const auto& b : backends()) {
    Availability av = b->probe(device);
    std::printf("  %-12s %s\n", std::string(b->name()).c_str(),
                av.available ? ("available, version " + av.version).c_str() : ("unavailable: " + av.reason).c_str());
  }
  for (ModelRole role : kModelRoles) {
    const std::string module(role_name(role));
    const fs::path dir = model_dir(o, role);
    auto it = o.module_hpi_config.find(module);
    const HpiConfig& config = it != o.module_hpi_config.end() ? it->second : o.hpi_config;
    try {
      ModelDir m = open_model_dir(dir, module);
      std::printf("%s: %s [%s], %s\n%s", module.c_str(), m.model_name.c_str(), to_string(m.format).c_str(), dir.c_str(),
                  hpi::make_plan(m, device, config, o.enable_hpi).describe().c_str());
      hpi::Int8Status int8 = hpi::int8_status(m);
      std::printf("  int8: %s\n", int8.reason.c_str());
    } catch (const Error& e) {
      std::printf("%s: %s\n", module.c_str(), e.what());
    }
  }
  if (!o.enable_hpi) std::printf("(enable_hpi is False: the plain default engine is used; pass --enable_hpi True to see the HPI plan)\n");
  return kOk;
}

struct BenchArgs {
  std::string configs = "hpi_off,hpi_on";
  int pages = 2, crops = 64, repeats = 3, warmup = 1;
  fs::path json, save_set;
};

int cmd_benchmark(const CommonArgs& a, const BenchArgs& b) {
  std::vector<bench::BenchConfig> configs;
  for (size_t start = 0; start <= b.configs.size();) {
    size_t end = b.configs.find(',', start);
    if (end == std::string::npos) end = b.configs.size();
    if (end > start) configs.push_back(bench::named_config(b.configs.substr(start, end - start), a.options));
    start = end + 1;
  }
  if (configs.empty()) throw Error(ErrorCode::InvalidArgument, "--configs lists no configuration");
  std::fprintf(stderr, "generating the benchmark set (%d pages, receipt, scene, %d line crops)...\n", b.pages, b.crops);
  auto set = bench::make_bench_set(b.pages, b.crops);
  if (!b.save_set.empty()) {
    fs::create_directories(b.save_set);
    // The drawn text beside the images, so other engines (bench/peer_tesseract.py) can be scored on the same set.
    nlohmann::ordered_json truth = nlohmann::ordered_json::array();
    for (const auto& img : set) {
      cv::imwrite((b.save_set / (img.name + ".png")).string(), img.image);
      truth.push_back({{"image", img.name + ".png"}, {"kind", img.kind}, {"lines", img.lines}});
    }
    std::ofstream(b.save_set / "ground_truth.json") << truth.dump(1) << "\n";
  }
  std::vector<nlohmann::ordered_json> reports;
  for (const auto& c : configs) {
    std::fprintf(stderr, "running %s (%d warm-up + %d measured passes)...\n", c.label.c_str(), b.warmup, b.repeats);
    reports.push_back(bench::run_config(c, set, {b.warmup, b.repeats}));
  }
  std::printf("%s", bench::format_table(reports).c_str());
  if (!b.json.empty()) {
    std::ofstream f(b.json);
    f << nlohmann::ordered_json(reports).dump(2) << "\n";
    if (!f) throw Error(ErrorCode::Io, "cannot write " + b.json.string());
  }
  return kOk;
}

struct ConvertArgs {
  fs::path model_dir, output;
  int opset = convert::kDefaultOpset;
};

int cmd_convert(const ConvertArgs& c) {
  const fs::path output = c.output.empty() ? c.model_dir / "inference.onnx" : c.output;
  convert::ConvertOptions options;
  options.opset = c.opset;
  const convert::ConvertReport r = convert::convert_model_dir(c.model_dir, output, options);
  std::string types;
  for (const auto& t : r.op_types) types += (types.empty() ? "" : ", ") + t;
  std::printf("%s: %zu Paddle ops (%zu types: %s) -> %zu ONNX nodes, opset %d, %.0f ms\nwrote %s\n", c.model_dir.string().c_str(),
              r.paddle_ops, r.op_types.size(), types.c_str(), r.onnx_nodes, c.opset, r.milliseconds, output.string().c_str());
  return kOk;
}

int cmd_serve(const CommonArgs& a, const serve::ServeOptions& s) {
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

struct QuantizeArgs {
  std::vector<fs::path> model_dirs;
  fs::path calib_dir, json, save_set;
  std::string method = "minmax", exclude;
  bool per_channel = true;
  std::string reduce_range = "auto";
  int calib_images = 16, val_images = 8, guard_rounds = 3;
};

std::set<std::string> split_names(const std::string& list) {
  std::set<std::string> out;
  for (size_t start = 0; start <= list.size();) {
    size_t end = list.find(',', start);
    if (end == std::string::npos) end = list.size();
    if (end > start) out.insert(list.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

int cmd_quantize(const CommonArgs& a, const QuantizeArgs& q) {
  quant::BuildRequest req;
  req.model_dirs = q.model_dirs;
  req.options.method = quant::parse_calib_method(q.method);
  req.options.per_channel = q.per_channel;
  req.options.exclude = split_names(q.exclude);
  req.options.cpu_threads = a.options.cpu_threads;
  req.max_sensitivity_rounds = q.guard_rounds;
  if (q.reduce_range != "auto") req.options.reduce_range = parse_bool(q.reduce_range);
  if (!q.calib_dir.empty()) {
    req.calibration = quant::load_image_dir(q.calib_dir, a.options.max_image_pixels);
  } else {
    std::fprintf(stderr, "generating %d calibration images...\n", q.calib_images);
    req.calibration = quant::make_calibration_set(q.calib_images, quant::kCalibrationSeed);
  }
  req.validation = quant::make_calibration_set(q.val_images, quant::kValidationSeed);
  if (!q.save_set.empty()) {
    for (const char* sub : {"calibration", "validation"}) fs::create_directories(q.save_set / sub);
    for (const auto& img : req.calibration) cv::imwrite((q.save_set / "calibration" / (img.name + ".png")).string(), img.image);
    for (const auto& img : req.validation) cv::imwrite((q.save_set / "validation" / (img.name + ".png")).string(), img.image);
  }
  std::fprintf(stderr, "calibrating on %zu images, guard on %zu validation images...\n", req.calibration.size(), req.validation.size());
  nlohmann::json reports = quant::build_int8_models(req);
  for (const auto& r : reports) {
    std::printf("%s: %s\n  %s\n  %zu layers quantised, %zu left in fp32 by the guard; integer kernels %s\n  entry: %s\n",
                r["model_name"].get<std::string>().c_str(),
                r["passed"].get<bool>() ? "INT8 passed the accuracy guard (HPI will use it on CPU)"
                                        : "INT8 REFUSED by the accuracy guard (fp32 stays in use)",
                r["guard"].value(r["passed"].get<bool>() ? "summary" : "reason", std::string()).c_str(),
                r["quantized_nodes"].get<size_t>(), r["excluded_layers"].size(), r["integer_kernels"].dump().c_str(),
                r["entry"].get<std::string>().c_str());
  }
  if (!q.json.empty()) {
    std::ofstream f(q.json);
    f << reports.dump(2) << "\n";
    if (!f) throw Error(ErrorCode::Io, "cannot write " + q.json.string());
  }
  return kOk;
}

}  // namespace

int run(int argc, char** argv) {
  CLI::App app{"hpocr: fast OCR (PP-OCR models) in C++"};
  app.set_version_flag("--version", std::string("hpocr ") + kVersion);
  app.require_subcommand(1);

  CommonArgs ocr_args, demo_args;
  fs::path input;
  auto* ocr = app.add_subcommand("ocr", "Recognise text in an image or every image of a directory");
  ocr->add_option("-i,--input", input, "Image or PDF file (one result per page), or a directory of them")->required();
  add_pipeline_options(*ocr, ocr_args);
  auto* demo = app.add_subcommand("demo", "Render a sample page with known text, OCR it and check the result");
  add_pipeline_options(*demo, demo_args);
  auto* info = app.add_subcommand("info", "Show backends, their availability and the default model directories");
  CommonArgs hpi_args;
  auto* hpi_info = app.add_subcommand("hpi-info", "Probe every backend and show the HPI plan for each model");
  add_pipeline_options(*hpi_info, hpi_args);
  CommonArgs bench_args;
  BenchArgs bench_opts;
  auto* benchmark = app.add_subcommand("benchmark", "Measure latency, throughput, load time and memory on a generated set");
  benchmark->add_option("--configs", bench_opts.configs, "Comma-separated: hpi_off, hpi_on, threads1, batch1, batch12, no_cls, fp32, int8, int8_unguarded")
      ->capture_default_str();
  benchmark->add_option("--pages", bench_opts.pages, "Document pages in the set")->check(CLI::Range(1, 100))->capture_default_str();
  benchmark->add_option("--crops", bench_opts.crops, "Single-line crops in the set")->check(CLI::Range(0, 10000))->capture_default_str();
  benchmark->add_option("--repeats", bench_opts.repeats, "Measured passes")->check(CLI::Range(1, 1000))->capture_default_str();
  benchmark->add_option("--warmup", bench_opts.warmup, "Warm-up passes")->check(CLI::Range(0, 100))->capture_default_str();
  benchmark->add_option("--json", bench_opts.json, "Also write the reports as JSON");
  benchmark->add_option("--save_set", bench_opts.save_set, "Write the generated images and their text (ground_truth.json) to this directory");
  add_pipeline_options(*benchmark, bench_args);
  ConvertArgs convert_args;
  auto* conv = app.add_subcommand("convert", "Convert a Paddle model directory (inference.json or inference.pdmodel) to ONNX");
  conv->add_option("--model_dir", convert_args.model_dir, "Paddle model directory (with inference.pdiparams)")->required();
  conv->add_option("--output", convert_args.output, "ONNX file to write (default: <model_dir>/inference.onnx)");
  conv->add_option("--opset", convert_args.opset, "ONNX opset")
      ->check(CLI::Range(convert::kMinOpset, convert::kMaxOpset))
      ->capture_default_str();
  CommonArgs serve_args;
  serve::ServeOptions serve_opts;
  auto* serve = app.add_subcommand("serve", "HTTP server, PaddleX serving compatible: POST /ocr, GET /health, GET /metrics");
  serve->add_option("--host", serve_opts.host, "Address to listen on")->capture_default_str();
  serve->add_option("--port", serve_opts.port, "Port (0 = any free port, printed at start)")->capture_default_str();
  serve->add_option("--workers", serve_opts.workers, "OCR worker threads sharing the models")->capture_default_str();
  serve->add_option("--max_queue", serve_opts.max_queue, "Requests waiting for a worker; more get 503 at once")->capture_default_str();
  serve->add_option("--request_timeout", serve_opts.request_timeout_s, "Seconds per request (queue + OCR); then 504")->capture_default_str();
  serve->add_option("--max_body_bytes", serve_opts.max_body_bytes, "Larger request bodies get 413")->capture_default_str();
  serve->add_option("--http_threads", serve_opts.http_threads, "Connection threads, 0 = workers + max_queue + 4")->capture_default_str();
  add_bool(*serve, "--visualize", serve_opts.visualize, "Return ocrImage/inputImage unless the request sets visualize");
  serve->add_flag_callback("--no_web_ui", [&serve_opts] { serve_opts.web_ui = false; }, "API only: no web page at GET / (it answers 404)");
  serve->add_option("--config", serve_args.pipeline_config, "Same as --paddlex_config");
  serve_args.options.max_pdf_pages = 100;  // a server bounds the work one request can ask for
  add_pipeline_options(*serve, serve_args);
  // Everything after `batch` goes to the Python entry point, --help included (see batch.h).
  auto* batch = app.add_subcommand("batch", "OCR of many images on a Dask cluster (local or remote); see hpocr batch --help");
  batch->prefix_command();
  batch->set_help_flag();
  CommonArgs quant_args;
  QuantizeArgs quant_opts;
  auto* quantize = app.add_subcommand("quantize", "Build INT8 versions of the models (calibration, QDQ, accuracy guard) in the engine cache");
  quantize->add_option("--model_dir", quant_opts.model_dirs, "Model directory to quantise (repeatable; default: the three default models)");
  quantize->add_option("--calib_dir", quant_opts.calib_dir, "Directory of calibration images (default: a generated set)");
  quantize->add_option("--method", quant_opts.method, "Activation range calibration")
      ->check(CLI::IsMember({"minmax", "percentile", "entropy"}))
      ->capture_default_str();
  add_bool(*quantize, "--per_channel", quant_opts.per_channel, "Per-channel weight scales (Conv axis 0, MatMul axis 1)");
  quantize->add_option("--exclude", quant_opts.exclude, "Comma-separated node names to keep in fp32");
  quantize->add_option("--reduce_range", quant_opts.reduce_range,
                       "7-bit weights: auto (on when the CPU lacks VNNI, where 8-bit weights can saturate), True or False")
      ->check(CLI::IsMember({"auto", "True", "False", "true", "false"}))
      ->capture_default_str();
  quantize->add_option("--calib_images", quant_opts.calib_images, "Generated calibration images (without --calib_dir)")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  quantize->add_option("--val_images", quant_opts.val_images, "Generated validation images for the guard")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  quantize->add_option("--guard_rounds", quant_opts.guard_rounds,
                       "Guard retries, each leaving more of the most sensitive layers in fp32 (1, 3, 6, ...)")
      ->check(CLI::Range(0, 10))
      ->capture_default_str();
  quantize->add_option("--json", quant_opts.json, "Also write the per-model reports as JSON");
  quantize->add_option("--save_set", quant_opts.save_set, "Write the calibration and validation images to this directory");
  quantize->add_option("--cpu_threads", quant_args.options.cpu_threads, "Inference threads, 0 = all cores")->capture_default_str();
  quantize->add_option("--log_level", quant_args.log_level, "trace, debug, info, warning, error, off")->capture_default_str();
  quantize->add_flag("-v,--verbose", quant_args.verbose, "Log calibration and guard progress");
  std::string deps_kind;
  auto* deps = app.add_subcommand("install_hpi_deps", "Install the runtime libraries HPI uses (cpu | gpu)");
  deps->add_option("device", deps_kind, "cpu or gpu")->required()->check(CLI::IsMember({"cpu", "gpu"}));

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? kOk : kUsage;
  }
  try {
    if (ocr->parsed()) {
      ocr_args.resolve();
      return cmd_ocr(input, ocr_args);
    }
    if (demo->parsed()) {
      demo_args.resolve();
      return cmd_demo(demo_args);
    }
    if (info->parsed()) return cmd_info();
    if (hpi_info->parsed()) {
      hpi_args.resolve();
      return cmd_hpi_info(hpi_args);
    }
    if (benchmark->parsed()) {
      bench_args.resolve();
      return cmd_benchmark(bench_args, bench_opts);
    }
    if (conv->parsed()) return cmd_convert(convert_args);
    if (serve->parsed()) {
      serve_args.resolve();
      return cmd_serve(serve_args, serve_opts);
    }
    if (batch->parsed()) return exec_batch(batch->remaining());
    if (quantize->parsed()) {
      quant_args.resolve();
      return cmd_quantize(quant_args, quant_opts);
    }
    if (deps->parsed()) return install_hpi_deps(deps_kind) ? kOk : kModelFailed;
  } catch (const Error& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    switch (e.code()) {
      case ErrorCode::InvalidArgument: return kUsage;
      case ErrorCode::InvalidInput: return kInputFailed;
      case ErrorCode::Io: return kOutputFailed;
      default: return kModelFailed;
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: unexpected failure: %s\n", e.what());
    return kModelFailed;
  }
  return kUsage;
}

}  // namespace hpocr::cli
