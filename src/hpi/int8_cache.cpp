#include "hpi/int8_cache.h"

#include <fstream>

#include <spdlog/fmt/fmt.h>

#include "backend/backend.h"
#include "core/file_util.h"
#include "hpocr/device.h"

namespace fs = std::filesystem;

namespace hpocr::hpi {

// Bumped when the entry layout or the quantisation scheme changes, so old entries are not reused.
constexpr const char* kInt8Format = "qdq-v3";  // v3: lookup tables (ai.hpocr.LookupTable) between integer kernels

fs::path int8_entry_dir(const ModelDir& model) {
  const std::string version = reference_backend().probe(Device{}).version;
  const std::string key = file_fingerprint(model.model_file) + "|" + version + "|" + cpu_isa() + "|" + kInt8Format;
  return cache_root_for(model.dir) / ("int8-" + hash_hex(key));
}

Int8Status int8_status(const ModelDir& model) {
  Int8Status s;
  try {
    s.dir = int8_entry_dir(model);
  } catch (const std::exception& e) {
    s.reason = std::string("cannot look up the INT8 cache entry: ") + e.what();
    return s;
  }
  std::error_code ec;
  if (!fs::exists(s.dir / "inference.onnx", ec)) {
    s.reason = "no INT8 version of this model in the cache (" + s.dir.string() + "); run `hpocr quantize` to build one";
    return s;
  }
  s.present = true;
  std::ifstream in(s.dir / "guard.json");
  double speedup = 0;
  try {
    s.guard = nlohmann::json::parse(in);
    if (!s.guard.value("passed", false)) {
      s.reason = "the INT8 version failed the accuracy guard (" + s.guard.value("reason", std::string("no reason recorded")) + ")";
      return s;
    }
    s.reason = "INT8 version passed the accuracy guard (" + s.guard.value("summary", std::string()) + ")";
    // Entries written before speed was measured carry no "speed": they are taken as paying, as they were.
    speedup = s.guard.contains("speed") ? s.guard.at("speed").at("speedup").get<double>() : kMinAutomaticInt8Speedup;
  } catch (const std::exception&) {  // not JSON, or fields of the wrong type: int8_status never throws
    s.reason = "the INT8 entry " + s.dir.string() + " has no readable guard.json; run `hpocr quantize` again";
    return s;
  }
  s.usable = true;
  s.pays = speedup >= kMinAutomaticInt8Speedup;
  if (!s.pays)
    s.slower_reason = fmt::format("the INT8 version ran {:.2f}x as fast as fp32 when it was built (HPI picks it from {:.2f}x)", speedup,
                                  kMinAutomaticInt8Speedup);
  return s;
}

}  // namespace hpocr::hpi
