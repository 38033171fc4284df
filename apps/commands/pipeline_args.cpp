#include <cstdio>

#include "cli.h"
#include "commands/command.h"
#include "hpocr/error.h"
#include "hpocr/logging.h"
#include "hpocr/pipeline_config.h"
#include "hpocr/result_io.h"
#include "hpocr/text_renderer.h"

namespace fs = std::filesystem;

namespace hpocr::cli {

void PipelineArgs::declare(CLI::App& app) {
  app.add_option("--save_path", save_path, "Directory for <name>_res.json and <name>_ocr_res_img.png (default: not saved)");
  app.add_option("--paddlex_config", pipeline_config, "PaddleX-style pipeline YAML (e.g. OCR.yaml); other options override it");
  for (const ParamSpec& spec : parameters())
    if (spec.scope != ParamScope::Module) declare_parameter(app, spec);
  app.add_option("--log_level", log_level, "trace, debug, info, warning, error, off")->capture_default_str();
  app.add_flag("-v,--verbose", verbose, "Log model settings and per-stage timings (same as --log_level info)");
}

void PipelineArgs::declare_parameter(CLI::App& app, const ParamSpec& spec) {
  static const char* const kTypeNames[] = {"BOOL", "INT", "FLOAT", "TEXT", "DIR", "CONFIG"};
  PipelineArgs& a = *this;
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
  if (std::string shown = default_text(spec, a.options); !shown.empty() && spec.type != ParamType::Mapping)
    opt->default_str(shown);
}

void PipelineArgs::resolve() {
  if (!pipeline_config.empty()) apply_pipeline_config(pipeline_config, options);
  apply_params(options, params);
  log::set_level(verbose && log_level == "warning" ? "info" : log_level);
}

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

}  // namespace hpocr::cli
