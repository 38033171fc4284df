#include "pipeline/int8_first_use.h"

#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <string>

#include "backend/backend.h"
#include "core/timer.h"
#include "format/model_dir.h"
#include "hpi/int8_cache.h"
#include "hpocr/device.h"
#include "hpocr/error.h"
#include "hpocr/logging.h"
#include "hpocr/quantize.h"
#include "models/loaded_model.h"
#include "quant/int8_build.h"
#include "hpocr/parameters.h"

namespace fs = std::filesystem;

namespace hpocr {
namespace {

int env_int(const char* name, int fallback, int lo, int hi) {
  const char* v = std::getenv(name);
  if (!v || !*v) return fallback;
  char* end = nullptr;
  const long n = std::strtol(v, &end, 10);
  if (*end || n < lo || n > hi) {
    log::warn("{}='{}' is not a number in [{}, {}]; using {}", name, v, lo, hi, fallback);
    return fallback;
  }
  return static_cast<int>(n);
}

}  // namespace

Int8FirstUseSizes Int8FirstUseSizes::from_environment() {
  Int8FirstUseSizes s;
  s.calibration_images = env_int("HPOCR_INT8_CALIB_IMAGES", s.calibration_images, 1, 1000);
  s.validation_images = env_int("HPOCR_INT8_VAL_IMAGES", s.validation_images, 1, 1000);
  s.guard_rounds = env_int("HPOCR_INT8_GUARD_ROUNDS", s.guard_rounds, 0, 10);
  s.document_pages = env_int("HPOCR_INT8_DOC_PAGES", s.document_pages, 0, 1000);
  return s;
}

int build_int8_on_first_use(const OcrOptions& o) {
  // Only CPU runs INT8 (hpi/engine_loader.cpp); a device that does not parse is reported by the model load.
  try {
    if (Device::parse(o.device).type != "cpu") return 0;
  } catch (const Error&) {
    return 0;
  }
  quant::BuildRequest req;
  std::string names;
  for (ModelRole role : kModelRoles) {
    if (!role_used(o, role) || !role_has_int8(role)) continue;
    const fs::path dir = model_dir(o, role);
    req.context_dirs[role] = dir;
    const HpiConfig cfg = load_request(o, role).hpi;  // the module's own hpi_config, else the pipeline's
    if (cfg.precision() != "int8") continue;
    if (!cfg.backend.empty() && cfg.backend != reference_backend().name()) continue;  // INT8 entries run there only
    try {
      const ModelDir m = open_model_dir(dir, role_label(role));
      if (m.format != ModelFormat::Onnx) {
        log::info("{}: no INT8 build on first use for a Paddle model (quantisation reads ONNX)", m.model_name);
        continue;
      }
      if (hpi::int8_status(m).present) continue;  // built before (passed or refused: HPI says which)
      req.model_dirs.push_back(m.dir);
      names += (names.empty() ? "" : ", ") + m.model_name;
    } catch (const Error&) {
      continue;  // the model load reports a bad directory with its own error
    }
  }
  if (req.model_dirs.empty()) return 0;

  // One build at a time in this process (two pipelines constructed together would build the same entries);
  // other processes may build the same entry concurrently: publishing it is atomic (publish_directory).
  static std::mutex mutex;
  std::lock_guard lock(mutex);
  std::vector<fs::path> still_missing;
  for (const auto& d : req.model_dirs)
    if (!hpi::int8_status(open_model_dir(d, "INT8 build")).present) still_missing.push_back(d);
  req.model_dirs = still_missing;
  if (req.model_dirs.empty()) return 0;

  const Int8FirstUseSizes sizes = Int8FirstUseSizes::from_environment();
  req.options.cpu_threads = o.cpu_threads;
  req.max_sensitivity_rounds = sizes.guard_rounds;
  req.progress = [](const std::string& line) { std::fprintf(stderr, "hpocr: INT8 build: %s\n", line.c_str()); };
  std::fprintf(stderr,
               "hpocr: precision int8: building the INT8 version of %s on first use (%d generated calibration images, "
               "guard on %d generated validation images and up to %d document pages); it is cached for the next runs\n",
               names.c_str(), sizes.calibration_images, sizes.validation_images, sizes.document_pages);
  Timer timer;
  try {
    req.calibration = quant::make_calibration_set(sizes.calibration_images, quant::kCalibrationSeed);
    req.validation = quant::make_calibration_set(sizes.validation_images, quant::kValidationSeed);
    const fs::path documents = quant::default_document_dir();
    quant::add_document_pages(req.calibration, documents, sizes.document_pages / 2, quant::PageSplit::Calibration);
    quant::add_document_pages(req.validation, documents, sizes.document_pages, quant::PageSplit::Validation);
    const nlohmann::json reports = quant::build_int8_models(req);
    for (const auto& r : reports)
      std::fprintf(stderr, "hpocr: INT8 build: %s %s\n", r.value("model_name", std::string()).c_str(),
                   r.value("passed", false) ? "passed the accuracy guard: INT8 is used" : "was refused by the accuracy guard: fp32 is used");
    std::fprintf(stderr, "hpocr: INT8 build done in %.1f s\n", timer.lap() / 1000);
    return static_cast<int>(reports.size());
  } catch (const std::exception& e) {
    log::warn("{} int8: building the INT8 version of {} failed, using fp32: {}", param_names::kPrecision, names, e.what());
    return 0;
  }
}

}  // namespace hpocr
