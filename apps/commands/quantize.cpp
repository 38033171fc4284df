// hpocr quantize: INT8 versions of the models (calibration, QDQ, accuracy guard) in the engine cache.
#include <cstdio>
#include <fstream>
#include <set>

#include <opencv2/imgcodecs.hpp>
#include <spdlog/fmt/fmt.h>

#include "cli.h"
#include "commands/command.h"
#include "hpocr/error.h"
#include "hpocr/quantize.h"
#include "hpocr/parameters.h"

namespace fs = std::filesystem;

namespace hpocr::cli {
namespace {

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

/// The images as PNG, with a labels.json in bench/accuracy.py's format ({"images": [{file, lines: [{text, poly}]}]},
/// poly only where the labels have boxes), so that the set can be scored as it is.
void save_set(const std::vector<quant::LabelledImage>& set, const fs::path& dir) {
  fs::create_directories(dir);
  nlohmann::json images = nlohmann::json::array();
  for (const auto& img : set) {
    const std::string file = img.name + ".png";
    if (!cv::imwrite((dir / file).string(), img.image)) throw Error(ErrorCode::Io, "cannot write " + (dir / file).string());
    nlohmann::json lines = nlohmann::json::array();
    for (size_t i = 0; i < img.lines.size(); ++i) {
      nlohmann::json line{{"text", img.lines[i]}};
      if (i < img.boxes.size())
        for (const auto& p : img.boxes[i]) line["poly"].push_back({p.x, p.y});
      lines.push_back(std::move(line));
    }
    images.push_back({{"file", file}, {"width", img.image.cols}, {"height", img.image.rows}, {"lines", std::move(lines)}});
  }
  std::ofstream f(dir / "labels.json");
  f << nlohmann::json{{"generator", "hpocr quantize --save_set"}, {"images", std::move(images)}}.dump(1) << "\n";
  if (!f) throw Error(ErrorCode::Io, "cannot write " + (dir / "labels.json").string());
}

class QuantizeCommand : public Command {
 public:
  CLI::App* declare(CLI::App& app) override {
    auto* cmd = app.add_subcommand("quantize", "Build INT8 versions of the models (calibration, QDQ, accuracy guard) in the engine cache");
    cmd->add_option("--model_dir", q_.model_dirs, "Model directory to quantise (repeatable; default: the three default models)");
    cmd->add_option("--calib_dir", q_.calib_dir, "Directory of calibration images (default: a generated set)");
    cmd->add_option("--method", q_.method, "Activation range calibration")
        ->check(CLI::IsMember({"minmax", "percentile", "entropy"}))
        ->capture_default_str();
    add_bool(*cmd, "--per_channel", q_.per_channel, "Per-channel weight scales (Conv axis 0, MatMul axis 1)");
    cmd->add_option("--exclude", q_.exclude, "Comma-separated node names to keep in fp32");
    cmd->add_option("--reduce_range", q_.reduce_range,
                         "7-bit weights: auto (on when the CPU lacks VNNI, where 8-bit weights can saturate), True or False")
        ->check(CLI::IsMember({"auto", "True", "False", "true", "false"}))
        ->capture_default_str();
    cmd->add_option("--calib_images", q_.calib_images, "Generated calibration images (without --calib_dir)")
        ->check(CLI::Range(1, 1000))
        ->capture_default_str();
    cmd->add_option("--val_images", q_.val_images, "Generated validation images for the guard")
        ->check(CLI::Range(1, 1000))
        ->capture_default_str();
    cmd->add_option("--doc_pages", q_.doc_pages,
                    "Real document pages added to the guard's validation set (half as many to calibration; 0: none)")
        ->check(CLI::Range(0, 1000))
        ->capture_default_str();
    cmd->add_option("--doc_dir", q_.doc_dir, "Typeset PDFs the document pages come from (scripts/fetch_documents.sh)")
        ->capture_default_str();
    cmd->add_option("--guard_rounds", q_.guard_rounds,
                         "Guard retries, each leaving more of the most sensitive layers in fp32 (1, 3, 6, ...)")
        ->check(CLI::Range(0, 10))
        ->capture_default_str();
    cmd->add_option("--json", q_.json, "Also write the per-model reports as JSON");
    cmd->add_option("--save_set", q_.save_set, "Write the calibration and validation images to this directory");
    a_.declare_parameter(*cmd, *find_parameter(param_names::kCpuThreads));
    cmd->add_option("--log_level", a_.log_level, "trace, debug, info, warning, error, off")->capture_default_str();
    cmd->add_flag("-v,--verbose", a_.verbose, "Log calibration and guard progress");
    return cmd;
  }

  int run() override {
    a_.resolve();
    const PipelineArgs& a = a_;
    const QuantizeArgs& q = q_;
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
    if (q.calib_dir.empty()) quant::add_document_pages(req.calibration, q.doc_dir, q.doc_pages / 2, quant::PageSplit::Calibration);
    const size_t pages = quant::add_document_pages(req.validation, q.doc_dir, q.doc_pages, quant::PageSplit::Validation);
    if (!q.save_set.empty()) {
      save_set(req.calibration, q.save_set / "calibration");
      save_set(req.validation, q.save_set / "validation");
    }
    std::fprintf(stderr, "calibrating on %zu images, guard on %zu validation images (%zu of them document pages)...\n",
                 req.calibration.size(), req.validation.size(), pages);
    nlohmann::json reports = quant::build_int8_models(req);
    for (const auto& r : reports) {
      const double speedup = r.contains("speed") ? r["speed"].value("speedup", 0.0) : 0.0;
      const std::string verdict =
          !r["passed"].get<bool>() ? "INT8 REFUSED by the accuracy guard (fp32 stays in use)"
          : r.value("hpi_uses_it", false)
              ? fmt::format("INT8 passed the accuracy guard and ran {:.2f}x as fast as fp32 (HPI will use it on CPU)", speedup)
              : fmt::format("INT8 passed the accuracy guard but ran {:.2f}x as fast as fp32 (HPI keeps fp32; --{} int8 uses it)", speedup, param_names::kPrecision);
      std::printf("%s: %s\n  %s\n  %zu layers quantised, %zu left in fp32 by the guard; integer kernels %s\n  entry: %s\n",
                  r["model_name"].get<std::string>().c_str(), verdict.c_str(),
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

 private:
  struct QuantizeArgs {
    std::vector<fs::path> model_dirs;
    fs::path calib_dir, json, save_set;
    std::string method = "minmax", exclude;
    bool per_channel = true;
    std::string reduce_range = "auto";
    int calib_images = 16, val_images = 24, guard_rounds = 3;  // 8 let one spurious box decide the detector (docs/int8.md)
    int doc_pages = 12;
    fs::path doc_dir = quant::default_document_dir();
  };
  PipelineArgs a_;  ///< only the threads parameter, --log_level and -v are declared
  QuantizeArgs q_;
};

}  // namespace

std::unique_ptr<Command> make_quantize_command() { return std::make_unique<QuantizeCommand>(); }

}  // namespace hpocr::cli
