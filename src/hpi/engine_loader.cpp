#include "hpi/engine_loader.h"

#include <algorithm>
#include <optional>
#include <thread>

#include "backend/backend_config.h"
#include "core/file_util.h"
#include "core/timer.h"
#include "hpi/conversion.h"
#include "hpi/int8_cache.h"
#include "hpi/selection.h"
#include "hpocr/error.h"
#include "hpocr/logging.h"
#include "hpocr/parameters.h"

namespace hpocr {
namespace {

/// <model_dir>/.cache/hpocr/<backend>-<key>: the key covers the model bytes, backend version, device and settings.
std::filesystem::path cache_entry(const ModelDir& model, const std::string& backend, const std::string& version,
                                  const Device& device, const nlohmann::json& config, int cpu_threads) {
  std::string key = file_fingerprint(model.model_file) + "|" + version + "|" + device.str() + "|" + config.dump() + "|" +
                    std::to_string(cpu_threads);
  key += "|" + cpu_isa();  // optimised graphs may hold kernels chosen for this CPU's instruction set
  return cache_root_for(model.dir) / (backend + "-" + hash_hex(key));
}

/// The INT8 model to run instead of the fp32 one, if any. An explicit backend_config.precision wins; with
/// auto_config HPI uses INT8 on CPU when the cache holds a version of the model that passed the guard and
/// measured faster than fp32 (hpi/int8_cache.h).
std::optional<ModelDir> int8_choice(const ModelDir& model, const LoadRequest& request, std::string& reason) {
  const std::string wanted = request.hpi.precision();
  const bool automatic = wanted.empty() && request.enable_hpi && request.hpi.auto_config;
  if (wanted != "int8" && !automatic) {
    reason = wanted.empty() ? "fp32 (automatic INT8 needs enable_hpi with auto_config)" : wanted + " requested";
    return std::nullopt;
  }
  if (request.device.type != "cpu") {
    reason = "fp32: INT8 is implemented for CPU only";
  } else {
    hpi::Int8Status st = hpi::int8_status(model);
    // backend_config.int8_guard: false runs an entry the guard refused (measurements, users who accept the loss).
    const bool forced = wanted == "int8" && !request.hpi.int8_guard() && st.present;
    if (forced && !st.usable) log::warn("{}: int8_guard is off: running the INT8 model although {}", model.model_name, st.reason);
    if (automatic && st.usable && !st.pays) {  // HPI's own choice wants INT8 to pay; an explicit int8 does not
      st.usable = false;
      st.reason = st.slower_reason;
    }
    if (st.usable || forced) try {
        ModelDir m = open_model_dir(st.dir, model.model_name);
        m.model_name = model.model_name;
        reason = "int8: " + st.reason;
        log::info("{}: {}", model.model_name, reason);
        return m;
      } catch (const Error& e) {
        st.reason = std::string("the INT8 entry is unreadable: ") + e.what();
      }
    reason = "fp32: " + st.reason;
  }
  if (wanted == "int8") log::warn("{}: precision int8 refused, using fp32: {}", model.model_name, reason.substr(6));
  else log::info("{}: {}", model.model_name, reason);
  return std::nullopt;
}

/// INT8 entries are quantised from an ONNX model directory for ONNX Runtime: they replace that model only.
bool runs_int8(const hpi::PlanStep& step) {
  return step.backend == reference_backend().name() && !step.convert && !step.use_paddle;
}

/// An INT8 model asked for (precision int8) moves the steps that can run it to the front. HPI's own INT8 choice
/// does not overrule the plan: when another backend comes first (measured faster in fp32), that one runs fp32.
void prefer_int8_steps(const std::string& model_name, hpi::Plan& plan, const LoadRequest& request, std::optional<ModelDir>& int8,
                       std::string& reason) {
  if (plan.steps.empty() || runs_int8(plan.steps.front())) return;
  if (request.hpi.precision() == "int8") {
    std::stable_partition(plan.steps.begin(), plan.steps.end(), runs_int8);
    return;
  }
  reason = "fp32: " + plan.steps.front().backend + " comes first for this model and runs it in fp32 (INT8 entries run on ONNX Runtime)";
  log::info("{}: {}", model_name, reason);
  int8.reset();
}

/// An integer entry of a schedule, within [lo, hi]; Error(ModelFormat) naming the entry otherwise.
std::optional<int> schedule_int(const nlohmann::json& schedule, const char* key, int lo, int hi) {
  if (!schedule.contains(key)) return std::nullopt;
  const auto& v = schedule[key];
  if (!v.is_number_integer() || v.get<int64_t>() < lo || v.get<int64_t>() > hi)
    throw Error(ErrorCode::ModelFormat, std::string("prior knowledge: schedule.") + key + " must be an integer in [" +
                                            std::to_string(lo) + ", " + std::to_string(hi) + "], not " + v.dump());
  return v.get<int>();
}

/// The step's schedule as the model class will run it. `parallel_runs: true` spends the thread budget on that
/// many single-threaded runs side by side (the engine gets one thread), unless backend_config sets
/// cpu_num_threads, which keeps one run with that many threads.
std::optional<RunSchedule> resolve_schedule(const hpi::PlanStep& step, EngineOptions& opts) {
  if (step.schedule.empty()) return std::nullopt;
  RunSchedule s;
  s.batch_size = schedule_int(step.schedule, "batch_size", 1, 1024);
  s.min_width = schedule_int(step.schedule, "min_width", 0, 1 << 16);
  if (step.schedule.contains("parallel_runs")) {
    const auto& runs = step.schedule["parallel_runs"];
    if (runs == true && !step.config.contains("cpu_num_threads")) {
      s.parallel_runs = opts.cpu_threads > 0 ? opts.cpu_threads : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
      opts.cpu_threads = 1;
    } else if (!runs.is_boolean()) {
      s.parallel_runs = schedule_int(step.schedule, "parallel_runs", 1, 256).value_or(1);
    }
  }
  return s;
}

}  // namespace

LoadRequest load_request(const OcrOptions& o, ModelRole role) {
  auto it = o.module_hpi_config.find(std::string(role_name(role)));
  LoadRequest r;
  r.device = Device::parse(o.device);
  r.cpu_threads = o.cpu_threads;
  r.enable_hpi = o.enable_hpi;
  r.hpi = it != o.module_hpi_config.end() ? it->second : o.hpi_config;
  r.expected_model_name = given_model_name(o, role);
  return r;
}

nlohmann::json RunSchedule::to_json() const {
  nlohmann::json j = {{"parallel_runs", parallel_runs}};
  if (batch_size) j["batch_size"] = *batch_size;
  if (min_width) j["min_width"] = *min_width;
  return j;
}

LoadedEngine load_engine(const ModelDir& model, const LoadRequest& request) {
  hpi::Plan plan = hpi::make_plan(model, request.device, request.hpi, request.enable_hpi,
                                  request.knowledge ? *request.knowledge : hpi::PriorKnowledge::builtin());
  log::info("{}: backend plan\n{}", model.model_name, plan.describe());
  nlohmann::json failed = nlohmann::json::array();
  for (const auto& r : plan.rejected) failed.push_back({{"backend", r.backend}, {"error", r.reason}});
  std::string precision_reason;
  std::optional<ModelDir> int8 = int8_choice(model, request, precision_reason);
  if (int8) prefer_int8_steps(model.model_name, plan, request, int8, precision_reason);
  std::string attempts;
  ErrorCode last = ErrorCode::BackendUnavailable;
  std::optional<ModelDir> converted;  // converted once, however many backends want ONNX
  std::optional<Error> conversion_error;
  for (const auto& step : plan.steps) {
    const Backend* backend = find_backend(step.backend);
    EngineOptions opts;
    opts.device = request.device;
    opts.cpu_threads = request.cpu_threads;
    opts.backend_config = step.config;
    opts.sample_input_shape = request.sample_input_shape;
    const std::optional<RunSchedule> schedule = resolve_schedule(step, opts);
    Timer timer;
    try {
      if (step.convert && !converted) {
        if (conversion_error) throw *conversion_error;
        try {
          converted = hpi::converted_to_onnx(model);
        } catch (const Error& e) {
          conversion_error = e;
          throw;
        }
      }
      ModelDir paddle_view;
      const ModelDir& target = step.convert ? *converted : step.use_paddle ? (paddle_view = model.as_paddle()) : model;
      const bool cached = config_flag(step.config, "cache_optimized_model", false);
      const std::string version = cached ? backend->probe(request.device).version : "";
      if (cached) opts.cache_dir = cache_entry(target, step.backend, version, request.device, step.config, opts.cpu_threads);
      std::unique_ptr<Engine> engine;
      std::string precision = "fp32";
      if (int8 && runs_int8(step)) try {
          EngineOptions int8_opts = opts;
          if (cached) int8_opts.cache_dir = cache_entry(*int8, step.backend, version, request.device, step.config, opts.cpu_threads);
          engine = backend->load(*int8, int8_opts);
          precision = "int8";
        } catch (const Error& e) {
          log::warn("{}: the INT8 model does not load, using fp32: {}", model.model_name, e.what());
          precision_reason = std::string("fp32: the INT8 model does not load: ") + e.what();
        }
      if (!engine) engine = backend->load(target, opts);
      LoadedEngine out{std::move(engine), nullptr, schedule};
      out.selection = {{"backend", step.backend}, {"reason", step.reason},     {"failed", failed},
                       {"load_ms", timer.lap()},  {param_names::kPrecision, precision}, {"precision_reason", precision_reason}};
      if (step.convert) out.selection["converted_model"] = target.model_file.string();
      if (schedule) out.selection["schedule"] = schedule->to_json();
      log::info("{}: running on {} ({}), loaded in {:.1f} ms {}", model.model_name, step.backend, step.reason,
                out.selection["load_ms"].get<double>(), out.engine->settings().dump());
      return out;
    } catch (const Error& e) {
      log::warn("{}: backend {} failed, trying the next one: {}", model.model_name, step.backend, e.what());
      failed.push_back({{"backend", step.backend}, {"error", e.what()}});
      attempts += "\n  " + step.backend + ": " + e.what();
      last = e.code();
    }
  }
  for (const auto& r : plan.rejected) attempts += "\n  " + r.backend + ": " + r.reason;
  throw Error(plan.steps.empty() ? ErrorCode::BackendUnavailable : last,
              "no backend could load " + model.model_name + " on " + request.device.str() + ":" + attempts);
}

}  // namespace hpocr
