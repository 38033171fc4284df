// hpocr ocr (images, PDFs, directories) and hpocr demo (a rendered page with known text).
#include <unistd.h>

#include <algorithm>
#include <cstdio>

#include <opencv2/imgcodecs.hpp>

#include "cli.h"
#include "commands/command.h"
#include "hpocr/error.h"
#include "hpocr/logging.h"
#include "hpocr/sample_page.h"
#include "hpocr/text_metrics.h"
#include "hpocr/text_renderer.h"
#include "progress.h"
#include "hpocr/parameters.h"

namespace fs = std::filesystem;

namespace hpocr::cli {
namespace {

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

/// With HPI, one line per model on stderr (as PaddleX logs its backend): the backend, precision, threads and
/// recognition schedule chosen, and why.
void print_hpi_choice(const OcrPipeline& pipeline) {
  if (!pipeline.options().enable_hpi) return;
  for (const auto& m : pipeline.model_settings()) {
    const auto& sel = m["selection"];
    const auto& be = m["backend"];
    std::string line = m["model_name"].get<std::string>() + ": " + sel.value("backend", std::string("?")) + ", " +
                       sel.value(param_names::kPrecision, std::string("fp32"));
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

class OcrCommand : public Command {
 public:
  CLI::App* declare(CLI::App& app) override {
    auto* cmd = app.add_subcommand("ocr", "Recognise text in an image or every image of a directory");
    cmd->add_option("-i,--input", input_, "Image or PDF file (one result per page), or a directory of them")->required();
    a_.declare(*cmd);
    return cmd;
  }

  int run() override {
    a_.resolve();
    const PipelineArgs& a = a_;
    const fs::path& input = input_;
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

 private:
  PipelineArgs a_;
  fs::path input_;
};

class DemoCommand : public Command {
 public:
  CLI::App* declare(CLI::App& app) override {
    auto* cmd = app.add_subcommand("demo", "Render a sample page with known text, OCR it and check the result");
    a_.declare(*cmd);
    return cmd;
  }

  int run() override {
    a_.resolve();
    const PipelineArgs& a = a_;
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

 private:
  PipelineArgs a_;
};

}  // namespace

std::unique_ptr<Command> make_ocr_command() { return std::make_unique<OcrCommand>(); }
std::unique_ptr<Command> make_demo_command() { return std::make_unique<DemoCommand>(); }

}  // namespace hpocr::cli
