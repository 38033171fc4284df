#include "quant/int8_build.h"

#include <algorithm>
#include <cmath>
#include <fstream>

#include <opencv2/imgproc.hpp>

#include "backend/backend.h"
#include "core/file_util.h"
#include "core/timer.h"
#include "hpi/int8_cache.h"
#include "hpocr/device.h"
#include "hpocr/error.h"
#include "hpocr/image_decode.h"
#include "hpocr/logging.h"
#include "hpocr/model_catalog.h"
#include "hpocr/text_metrics.h"
#include "models/geometry.h"
#include "models/text_detector.h"
#include "models/text_recognizer.h"
#include "models/textline_classifier.h"
#include "quant/guard.h"
#include "quant/onnx_graph.h"
#include "quant/quantizer.h"

namespace fs = std::filesystem;

namespace hpocr::quant {
namespace {

constexpr size_t kMaxInputsPerModel = 48;  // calibration tensors kept per model (recognition batches add up fast)
constexpr size_t kSpeedSamples = 8;        // inputs timed per pass when comparing fp32 and INT8 speed

using RoleDirs = std::map<ModelRole, fs::path>;

RoleDirs default_dirs() {
  RoleDirs dirs;
  for (ModelRole role : kModelRoles)
    if (role_has_int8(role)) dirs[role] = model_dir(OcrOptions{}, role);
  return dirs;
}

/// fp32 on the plain engine: the guard's reference, and the candidate run with the INT8 directory given
/// explicitly (precision fp32 keeps HPI from substituting anything).
LoadRequest fp32_request(int threads) {
  LoadRequest r;
  r.cpu_threads = threads;
  r.hpi.set_precision("fp32");
  return r;
}

/// Runs the fp32 models over the images as the pipeline does and records each model's pre-processed inputs.
/// Detection runs with the long side limited to 960 px so that the exposed activations of a page fit in memory.
std::map<ModelRole, std::vector<Tensor>> collect_inputs(const RoleDirs& dirs, const std::vector<LabelledImage>& images, int threads) {
  std::map<ModelRole, std::vector<Tensor>> inputs;
  auto request = [&](ModelRole role) {
    LoadRequest r = fp32_request(threads);
    r.input_observer = [&inputs, role](const Tensor& t) {
      if (inputs[role].size() < kMaxInputsPerModel) inputs[role].push_back(t);  // shares the buffer, no copy
    };
    return r;
  };
  TextDetector det(dirs.at(ModelRole::TextDetection), request(ModelRole::TextDetection));
  TextlineClassifier cls(dirs.at(ModelRole::TextLineOrientation), request(ModelRole::TextLineOrientation));
  TextRecognizer rec(dirs.at(ModelRole::TextRecognition), request(ModelRole::TextRecognition));
  TextDetParams params;
  params.limit_type = LimitType::Max;
  params.limit_side_len = 960;
  for (const auto& img : images) {
    auto boxes = det.detect(img.image, params);
    std::vector<Quad> quads;
    for (const auto& b : boxes) quads.push_back(b.quad);
    // The crops the pipeline's recogniser sees (with its margins), so that calibration sees its inputs.
    const auto margins = recognition_margins(quads, recognition_margin(img.image.size(), det_input_size(img.image.size(), params)));
    std::vector<cv::Mat> crops;
    for (size_t i : reading_order(quads)) crops.push_back(crop_text_region(img.image, quads[i], margins[i]).image);
    if (crops.empty()) continue;
    auto orient = cls.classify(crops, 6);
    for (size_t i = 0; i < crops.size(); ++i)
      if (orient[i].class_id == 1) cv::rotate(crops[i], crops[i], cv::ROTATE_180);
    rec.recognize(crops, 6);
  }
  return inputs;
}

/// The pipeline options that run the models in `dirs` in fp32 (an INT8 candidate is a model directory of its own).
OcrOptions pipeline_options(const RoleDirs& dirs, int threads) {
  OcrOptions o;
  o.text_detection_model_dir = dirs.at(ModelRole::TextDetection);
  o.textline_orientation_model_dir = dirs.at(ModelRole::TextLineOrientation);
  o.text_recognition_model_dir = dirs.at(ModelRole::TextRecognition);
  o.cpu_threads = threads;
  o.hpi_config.set_precision("fp32");
  return o;
}

/// Seconds per pass over `samples` for the fp32 model and its INT8 version, run alternately on ONNX Runtime as
/// HPI configures it (all graph optimisations, `threads` threads), best of three passes each so that a busy
/// machine costs both sides alike. HPI picks INT8 by itself only where it pays: on a small model the
/// quantise/dequantise steps can cost more than the integer kernels save (the orientation classifier).
nlohmann::json measure_speed(const ModelDir& fp32, const fs::path& int8_dir, const std::vector<Tensor>& samples, int threads) {
  const Backend* ort = &reference_backend();
  EngineOptions opts;
  opts.cpu_threads = threads;
  opts.backend_config = {{"graph_optimization_level", "all"}};
  const auto engine32 = ort->load(fp32, opts), engine8 = ort->load(open_model_dir(int8_dir, fp32.model_name), opts);
  const std::vector<Tensor> few(samples.begin(), samples.begin() + std::min<size_t>(samples.size(), kSpeedSamples));
  auto pass = [&](const Engine& e) {
    Timer t;
    for (const auto& s : few) e.run(std::span<const Tensor>(&s, 1));
    return t.lap() / 1000;
  };
  pass(*engine32), pass(*engine8);  // warm-up: first runs allocate and pick kernels
  double best32 = 1e300, best8 = 1e300;
  for (int round = 0; round < 3; ++round) best32 = std::min(best32, pass(*engine32)), best8 = std::min(best8, pass(*engine8));
  return {{"inputs", few.size()}, {"fp32_s", best32}, {"int8_s", best8}, {"speedup", best32 / std::max(best8, 1e-9)}};
}

void copy_files(const fs::path& from, const fs::path& to) {
  for (const auto& e : fs::directory_iterator(from)) {
    const std::string ext = e.path().extension().string();
    if (!e.is_regular_file() || ext == ".onnx" || ext == ".pdmodel" || ext == ".pdiparams") continue;
    fs::copy_file(e.path(), to / e.path().filename(), fs::copy_options::overwrite_existing);
  }
}

void write_json(const fs::path& file, const nlohmann::json& j) {
  std::ofstream f(file);
  f << j.dump(2) << "\n";
  if (!f) throw Error(ErrorCode::Io, "cannot write " + file.string());
}

/// What every model's quantisation shares: the request, the model directories and the fp32 pipeline's results.
struct BuildContext {
  const BuildRequest& req;
  const PipelineRunner& run_pipeline;
  const RoleDirs& dirs;
  const std::vector<OcrResult>& reference;  ///< the fp32 pipeline on the validation images
  int threads;
};

/// Passes a progress line to the caller when it asked for them.
void report_progress(const BuildRequest& req, const std::string& line) {
  if (req.progress) req.progress(line);
}

/// Where a model's quantisation ended: the guard's verdict, the layers it left in fp32 and what ORT runs.
struct QuantOutcome {
  GuardVerdict verdict;
  std::vector<std::string> guard_excluded, quantized;
  std::map<std::string, int> kernels;
};

/// Points `dirs` at the request's models (context models first, then those to quantise) and returns the roles
/// to quantise: the given models' roles, or every role with an INT8 version when none is given.
std::vector<ModelRole> apply_model_dirs(const BuildRequest& req, RoleDirs& dirs) {
  for (const auto& [role, dir] : req.context_dirs) {
    dirs[role] = dir;
  }
  std::vector<ModelRole> targets;
  for (const auto& d : req.model_dirs) {
    const ModelRole role = model_role(d);
    dirs[role] = d;
    if (std::find(targets.begin(), targets.end(), role) != targets.end())
      throw Error(ErrorCode::InvalidArgument, "two --model_dir options name a " + std::string(role_label(role)) + " model; quantise them one at a time");
    targets.push_back(role);
  }
  if (targets.empty())
    std::copy_if(std::begin(kModelRoles), std::end(kModelRoles), std::back_inserter(targets), role_has_int8);
  return targets;
}

/// The integer kernels ONNX Runtime's optimised graph of `model_file` runs (none: the model would run in fp32).
std::map<std::string, int> optimized_integer_kernels(const fs::path& model_file, int threads) {
  TempDirectory scratch("hpocr-int8-check");
  write_optimized_graph(model_file, scratch.path() / "optimized.onnx", threads);
  return integer_kernels(load_onnx(scratch.path() / "optimized.onnx"));
}

/// After guard round `round`, leaves the most sensitive layers in fp32: 1, 3, 6, ... of them (grows with each
/// round). The sensitivity ranking is measured on the first round that needs it.
void exclude_sensitive_layers(const BuildContext& ctx, const Calibration& calib, const std::vector<Tensor>& samples, int round,
                              std::vector<std::pair<std::string, double>>& sensitivity, QuantOptions& options,
                              std::vector<std::string>& guard_excluded) {
  if (sensitivity.empty()) {
    std::vector<Tensor> few(samples.begin(), samples.begin() + std::min<size_t>(samples.size(), 4));
    sensitivity = layer_sensitivity(calib, ctx.req.options, few);
  }
  const size_t want = std::min(sensitivity.size(), static_cast<size_t>((round + 1) * (round + 2) / 2));
  while (guard_excluded.size() < want) {
    guard_excluded.push_back(sensitivity[guard_excluded.size()].first);
    options.exclude.insert(guard_excluded.back());
  }
}

/// Quantises the model into `staging`/inference.onnx and runs the accuracy guard, leaving more sensitive layers
/// in fp32 each round until it passes or the rounds run out; appends each round to `rounds`.
QuantOutcome quantize_with_guard(const BuildContext& ctx, ModelRole role, const std::string& model_name, const Calibration& calib,
                                 const std::vector<Tensor>& samples, const fs::path& staging, nlohmann::json& rounds) {
  const BuildRequest& req = ctx.req;
  QuantOptions options = req.options;
  std::vector<std::pair<std::string, double>> sensitivity;
  QuantOutcome now;
  // A refused model is still published (HPI reports why; int8_guard: false runs it): keep the round that
  // came closest to the limits, since leaving more layers in fp32 does not always help.
  struct Best {
    double violation = 1e300;
    std::string model;
    QuantOutcome outcome;
  } best;
  for (int round = 0;; ++round) {
    onnx::ModelProto q = quantize(calib, options, &now.quantized);
    save_onnx(q, staging / "inference.onnx");
    // A QDQ model that ORT runs in fp32 is a defect: the optimised graph must hold integer kernels.
    now.kernels = optimized_integer_kernels(staging / "inference.onnx", ctx.threads);
    if (now.kernels.empty()) {
      now.verdict = {};
      now.verdict.reason = "ONNX Runtime runs no integer kernels for the quantised model (it would run in fp32)";
      rounds.push_back({{"excluded", now.guard_excluded.size()}, {"passed", false}, {"reason", now.verdict.reason}});
      break;
    }
    RoleDirs candidate = ctx.dirs;
    candidate[role] = staging;
    now.verdict = judge(req.validation, ctx.reference, ctx.run_pipeline(pipeline_options(candidate, ctx.threads), req.validation), req.guard);
    const GuardVerdict& verdict = now.verdict;
    log::info("{}: guard round {} ({} layers left in fp32): {}", model_name, round, now.guard_excluded.size(), verdict.reason);
    report_progress(req, model_name + ": guard round " + std::to_string(round) + " on " + std::to_string(req.validation.size()) +
                             " images (" + std::to_string(now.guard_excluded.size()) + " layers in fp32): " +
                             (verdict.passed ? "passed, " : "failed, ") + verdict.reason);
    rounds.push_back({{"excluded", now.guard_excluded.size()}, {"passed", verdict.passed}, {"result", verdict.to_json()}});
    if (const double v = guard_violation(verdict, req.guard); v < best.violation) best = {v, q.SerializeAsString(), now};
    if (verdict.passed || round >= req.max_sensitivity_rounds) break;
    exclude_sensitive_layers(ctx, calib, samples, round, sensitivity, options, now.guard_excluded);
  }
  if (!best.model.empty() && !now.verdict.passed) {
    std::ofstream f(staging / "inference.onnx", std::ios::binary | std::ios::trunc);
    f << best.model;
    if (!f) throw Error(ErrorCode::Io, "cannot write " + (staging / "inference.onnx").string());
    now = best.outcome;
  }
  return now;
}

/// guard.json: the verdict, the measured INT8 speed-up (when ORT runs integer kernels), every round, the
/// thresholds and, for a refused model, why.
nlohmann::json guard_json(const BuildContext& ctx, const ModelDir& source, const fs::path& staging, const std::vector<Tensor>& samples,
                          const QuantOutcome& outcome, const nlohmann::json& rounds) {
  const BuildRequest& req = ctx.req;
  nlohmann::json guard = outcome.verdict.to_json();
  if (!outcome.kernels.empty()) {
    guard["speed"] = measure_speed(source, staging, samples, ctx.threads);
    report_progress(req, fmt::format("{}: INT8 runs {:.2f}x as fast as fp32 on {} calibration inputs", source.model_name,
                                     guard["speed"]["speedup"].get<double>(), guard["speed"]["inputs"].get<size_t>()));
  }
  guard["rounds"] = rounds;
  guard["excluded_layers"] = outcome.guard_excluded;
  guard["thresholds"] = {{"max_cer_increase_points", 100 * req.guard.max_cer_increase},
                         {"max_det_hmean_drop_points", 100 * req.guard.max_hmean_drop},
                         {"min_box_agreement", req.guard.min_box_agreement},
                         {"min_iou", req.guard.min_iou}};
  guard["validation_images"] = req.validation.size();
  if (!outcome.verdict.passed) guard["reason"] = outcome.verdict.reason + "; INT8 is refused for this model, fp32 is used";
  return guard;
}

/// quant.json: how the model was quantised (source, method, options, layers left in fp32, kernels, calibration).
nlohmann::json quant_json(const BuildRequest& req, const ModelDir& source, const std::vector<Tensor>& samples, const QuantOutcome& outcome) {
  return {{"source_model", source.model_file.string()},
          {"source_fingerprint", file_fingerprint(source.model_file)},
          {"format", "QDQ, opset 13, uint8 asymmetric activations, int8 symmetric weights"},
          {"method", to_string(req.options.method)},
          {"per_channel", req.options.per_channel},
          {"reduce_range", req.options.reduce_range},
          {"cpu_isa", cpu_isa()},
          {"user_excluded", std::vector<std::string>(req.options.exclude.begin(), req.options.exclude.end())},
          {"guard_excluded", outcome.guard_excluded},
          {"quantized_nodes", outcome.quantized.size()},
          {"integer_kernels", outcome.kernels},
          {"calibration_images", req.calibration.size()},
          {"calibration_inputs", samples.size()}};
}

/// Replaces the model's INT8 cache entry with the staging directory (the model files and its reports) and
/// returns the entry's path.
fs::path publish_entry(const ModelDir& source, const fs::path& staging) {
  const fs::path entry = hpi::int8_entry_dir(source);
  std::error_code ec;
  fs::remove_all(entry, ec);  // a new quantisation replaces the previous one
  if (!publish_directory(entry, [&](const fs::path& tmp) { copy_files(staging, tmp), fs::copy_file(staging / "inference.onnx", tmp / "inference.onnx"); }))
    throw Error(ErrorCode::Io, "cannot write the INT8 cache entry " + entry.string());
  return entry;
}

/// Calibrates, quantises, guards and publishes the model of `role` on its calibration `samples`; its report.
nlohmann::json quantize_model(const BuildContext& ctx, ModelRole role, const std::vector<Tensor>& samples) {
  const ModelDir source = open_model_dir(ctx.dirs.at(role), role_label(role));
  nlohmann::json report = {{"model_name", source.model_name}, {"role", role_name(role)}, {"model_dir", source.dir.string()}};
  if (samples.empty())
    throw Error(ErrorCode::InvalidInput, source.model_name + ": the calibration images gave it no input (no text was detected in any)");
  report_progress(ctx.req, source.model_name + ": activation ranges on " + std::to_string(samples.size()) + " inputs");
  Calibration calib = calibrate(source.model_file, samples, ctx.req.options);
  TempDirectory staging("hpocr-int8");
  copy_files(source.dir, staging.path());

  nlohmann::json rounds = nlohmann::json::array();
  const QuantOutcome outcome = quantize_with_guard(ctx, role, source.model_name, calib, samples, staging.path(), rounds);
  const nlohmann::json guard = guard_json(ctx, source, staging.path(), samples, outcome, rounds);
  const nlohmann::json quant = quant_json(ctx.req, source, samples, outcome);
  write_json(staging.path() / "guard.json", guard);
  write_json(staging.path() / "quant.json", quant);
  report["entry"] = publish_entry(source, staging.path()).string();
  report["passed"] = outcome.verdict.passed;
  report["guard"] = outcome.verdict.to_json();
  if (guard.contains("speed")) report["speed"] = guard["speed"];
  const hpi::Int8Status published = hpi::int8_status(source);  // HPI's own reading of the entry just written
  report["hpi_uses_it"] = published.usable && published.pays;
  report["excluded_layers"] = outcome.guard_excluded;
  report["quantized_nodes"] = outcome.quantized.size();
  report["integer_kernels"] = outcome.kernels;
  return report;
}

}  // namespace

std::vector<LabelledImage> load_image_dir(const fs::path& dir, int64_t max_image_pixels) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) throw Error(ErrorCode::InvalidInput, "--calib_dir " + dir.string() + " is not a directory");
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(dir, ec))
    if (e.is_regular_file()) files.push_back(e.path());
  std::sort(files.begin(), files.end());
  if (files.empty()) throw Error(ErrorCode::InvalidInput, "--calib_dir " + dir.string() + " is empty: put calibration images in it");
  std::vector<LabelledImage> out;
  std::string skipped;
  for (const auto& f : files) {
    try {
      auto bytes = read_file(f);
      out.push_back({f.filename().string(), decode_image(bytes, max_image_pixels, f.string()), {}, {}});
    } catch (const Error& e) {
      log::warn("calibration: skipping {}", e.what());
      if (skipped.size() < 400) skipped += "\n  " + std::string(e.what());
    }
  }
  if (out.empty())
    throw Error(ErrorCode::InvalidInput, "--calib_dir " + dir.string() + " holds no decodable image (" + std::to_string(files.size()) +
                                             " files):" + skipped);
  return out;
}

ModelRole model_role(const fs::path& dir) {
  ModelDir m = open_model_dir(dir, "quantisation");
  const YAML::Node name = yaml_at(m.config, {"PostProcess", "name"});
  const std::string post = name && name.IsScalar() ? name.as<std::string>() : "";
  if (post == "DBPostProcess") return ModelRole::TextDetection;
  if (post == "ClsPostProcess") return ModelRole::TextLineOrientation;
  // PaddleX's classifiers (PP-LCNet textline orientation) write `PostProcess: {Topk: ...}`: their name says the role.
  if (const CatalogModel* known = find_catalog_model(m.model_name); known && role_has_int8(known->role)) return known->role;
  if (post == "CTCLabelDecode") return ModelRole::TextRecognition;
  throw Error(ErrorCode::ModelFormat, dir.string() + ": cannot tell which PP-OCR model this is (inference.yml PostProcess.name is '" +
                                          post + "'; expected DBPostProcess, ClsPostProcess or CTCLabelDecode)");
}

nlohmann::json build_int8_models(const BuildRequest& req, const PipelineRunner& run_pipeline) {
  if (req.calibration.empty()) throw Error(ErrorCode::InvalidInput, "no calibration images");
  if (req.validation.empty()) throw Error(ErrorCode::InvalidInput, "no validation images for the accuracy guard");
  RoleDirs dirs = default_dirs();
  const std::vector<ModelRole> targets = apply_model_dirs(req, dirs);
  const int threads = req.options.cpu_threads;

  Timer timer;
  log::info("calibration: running the fp32 models on {} images", req.calibration.size());
  report_progress(req, "calibration: running the fp32 models on " + std::to_string(req.calibration.size()) + " images");
  auto inputs = collect_inputs(dirs, req.calibration, threads);
  log::info("validation: running the fp32 pipeline on {} images", req.validation.size());
  const auto reference = run_pipeline(pipeline_options(dirs, threads), req.validation);

  const BuildContext ctx{req, run_pipeline, dirs, reference, threads};
  nlohmann::json reports = nlohmann::json::array();
  for (const ModelRole role : targets) reports.push_back(quantize_model(ctx, role, inputs[role]));
  log::info("quantisation done in {:.1f} s", timer.lap() / 1000);
  return reports;
}

}  // namespace hpocr::quant
