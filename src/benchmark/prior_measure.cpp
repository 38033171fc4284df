// `hpocr benchmark --measure_prior_knowledge FILE`: each model of the pipeline on each installed backend, the
// others as HPI picks them, over the benchmark set; the backends ordered by that model's stage time, written as
// the measured prior knowledge for this CPU class (src/hpi/prior_knowledge_measured.yaml).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <thread>

#include <yaml-cpp/yaml.h>

#include "hpocr/backends.h"
#include "hpocr/benchmark.h"
#include "hpocr/error.h"
#include "hpocr/logging.h"
#include "hpocr/models.h"

namespace fs = std::filesystem;

namespace hpocr::bench {
namespace {

struct Measured {
  std::string backend;
  double ms = 0;
  std::string texts_hash;
};

/// The stage of the page timings that is this model's inference.
const char* stage_of(ModelRole role) {
  switch (role) {
    case ModelRole::DocOrientationClassify: return "doc_ori";
    case ModelRole::TextDetection: return "det_infer";
    case ModelRole::TextLineOrientation: return "cls";
    case ModelRole::TextRecognition: return "rec_infer";
  }
  return "";
}

std::string cpu_model_name() {
  std::ifstream in("/proc/cpuinfo");
  for (std::string line; std::getline(in, line);)
    if (line.rfind("model name", 0) == 0 && line.find(':') != std::string::npos) return line.substr(line.find(':') + 2);
  return "unknown CPU";
}

std::string today() {
  std::time_t t = std::time(nullptr);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", std::gmtime(&t));
  return buf;
}

/// One model on every installed backend: the runs that kept it on that backend, fastest first.
std::vector<Measured> measure_model(const OcrOptions& base, ModelRole role, const std::string& model,
                                    const std::vector<std::string>& backends, const std::vector<BenchImage>& set,
                                    const RunSettings& run) {
  std::vector<Measured> out;
  for (const auto& b : backends) {
    std::fprintf(stderr, "  %s on %s...\n", model.c_str(), b.c_str());
    try {
      nlohmann::ordered_json r = run_config({b, with_backend(base, b, role)}, set, run);
      const std::string ran = r["models"].value(model, std::string());
      if (ran.rfind(b + " ", 0) != 0) {  // the pipeline keeps no other model under this name; a guard all the same
        std::fprintf(stderr, "    ran on %s instead, left out\n", ran.c_str());
        continue;
      }
      out.push_back({b, r["page_stages_median_ms"][stage_of(role)].get<double>(), r["texts_hash"].get<std::string>()});
      std::fprintf(stderr, "    %.1f ms per page\n", out.back().ms);
    } catch (const Error& e) {
      std::fprintf(stderr, "    cannot run: %s\n", e.what());
    }
  }
  std::stable_sort(out.begin(), out.end(), [](const Measured& a, const Measured& b) { return a.ms < b.ms; });
  return out;
}

/// The entry for one model: backends that read the set as the fastest one did first, by time; the others after.
YAML::Node entry_for(std::vector<Measured> results) {
  YAML::Node entry;
  const std::string reference = results.front().texts_hash;
  std::stable_partition(results.begin(), results.end(), [&](const Measured& m) { return m.texts_hash == reference; });
  for (const auto& m : results) {
    entry["order"].push_back(m.backend);
    char ms[32];
    std::snprintf(ms, sizeof ms, "%.1f", m.ms);
    entry["ms"][m.backend] = ms;
    if (m.texts_hash != reference) entry["texts_differ"].push_back(m.backend);
  }
  entry["order"].SetStyle(YAML::EmitterStyle::Flow);
  entry["ms"].SetStyle(YAML::EmitterStyle::Flow);
  return entry;
}

}  // namespace

std::string measure_prior_knowledge(const OcrOptions& base, const std::vector<BenchImage>& set, const RunSettings& run,
                                    const fs::path& file) {
  std::vector<std::string> backends;
  for (const auto& b : probe_backends(Device::parse("cpu")))
    if (b.availability.available) backends.push_back(b.name);
  YAML::Node doc;
  if (fs::exists(file)) try {
      doc = YAML::LoadFile(file.string());
    } catch (const YAML::Exception& e) {
      throw Error(ErrorCode::InvalidArgument, file.string() + " is not a measured prior-knowledge table: " + e.what());
    }
  if (!doc.IsMap()) doc = YAML::Node(YAML::NodeType::Map);
  const std::string key = "cpu_" + cpu_class();
  const unsigned threads = base.cpu_threads > 0 ? base.cpu_threads : std::max(1u, std::thread::hardware_concurrency());
  std::string summary;
  for (ModelRole role : kModelRoles) {
    if (!role_used(base, role)) continue;
    const std::string model = read_model_name(model_dir(base, role), role_label(role));
    std::vector<Measured> results = measure_model(base, role, model, backends, set, run);
    if (results.empty()) {
      summary += model + ": no backend ran it\n";
      continue;
    }
    YAML::Node entry = entry_for(results);
    doc["measured"][model][key] = entry;
    summary += model + " (" + key + "):";
    for (const auto& b : entry["order"]) summary += " " + b.Scalar() + " " + entry["ms"][b.Scalar()].Scalar() + " ms";
    summary += "\n";
  }
  doc["machines"][key] = cpu_model_name() + ", " + std::to_string(threads) + " threads, " + today();
  for (const char* section : {"measured", "machines"}) doc[section].SetStyle(YAML::EmitterStyle::Block);
  for (auto model : doc["measured"]) model.second.SetStyle(YAML::EmitterStyle::Block);
  YAML::Emitter emit;
  emit << doc;
  std::ofstream f(file);
  f << "# Measured backend order per model and CPU class: written by\n"
       "#   hpocr benchmark --measure_prior_knowledge " << file.filename().string() << "\n"
       "# (do not edit by hand; re-run it on a machine of the class to refresh that class's entries).\n"
       "# ms: the model's inference time per benchmark page, the other models as HPI picks them.\n"
    << emit.c_str() << "\n";
  if (!f) throw Error(ErrorCode::Io, "cannot write " + file.string());
  return summary;
}

}  // namespace hpocr::bench
