#include "backend/dynamic/dynamic_backends.h"

#include <dlfcn.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <mutex>

#include "backend/dynamic/dynamic_library.h"
#include "backend/openvino/ov_engine.h"
#include "backend/paddle/pd_engine.h"
#include "hpocr/error.h"
#include "hpocr/options.h"

namespace hpocr {
namespace {

/// The libraries `hpocr install_hpi_deps` put into $HPOCR_HOME/venv (PyPI wheels): "<package dir>/<file prefix>"
/// under each site-packages, newest name first. Canonical paths: the wheels' libraries find their siblings
/// through RPATH $ORIGIN, which a symbolic link elsewhere would break.
std::vector<std::string> installed_libraries(const std::string& relative) {
  namespace fs = std::filesystem;
  const fs::path rel(relative);
  std::vector<std::string> found;
  std::error_code ec;
  for (const auto& lib : fs::directory_iterator(hpocr_home() / "venv" / "lib", ec)) {
    const fs::path dir = lib.path() / "site-packages" / rel.parent_path();
    for (const auto& f : fs::directory_iterator(dir, ec))
      if (f.path().filename().string().rfind(rel.filename().string(), 0) == 0) found.push_back(fs::canonical(f.path(), ec).string());
  }
  std::sort(found.rbegin(), found.rend());
  return found;
}

struct LibrarySpec {
  const char* name;
  const char* env;                       ///< variable naming the library file
  const char* installed;                 ///< "<package dir>/<file prefix>" in the site-packages of $HPOCR_HOME/venv
  std::vector<const char*> candidates;   ///< sonames tried on the default search path
  const char* version_symbol;
  std::string (*version)(void* symbol);  ///< calls the symbol and formats its answer
  std::vector<std::string> devices;      ///< device types it runs on
  std::vector<ModelFormat> formats;
  /// Builds an engine with the opened library; null when this build has no engine for it.
  std::unique_ptr<Engine> (*make_engine)(const DynamicLibrary&, const ModelDir&, const EngineOptions&);
  const char* no_engine;  ///< why there is no engine (when make_engine is null)
};

class DynamicLibraryBackend final : public Backend {
 public:
  explicit DynamicLibraryBackend(LibrarySpec spec) : spec_(std::move(spec)) {}

  std::string_view name() const override { return spec_.name; }

  Availability probe(const Device& device) const override {
    std::call_once(once_, [&] { found_ = locate(); });
    if (!found_.available) return found_;
    if (std::find(spec_.devices.begin(), spec_.devices.end(), device.type) == spec_.devices.end())
      return {false, found_.version, std::string(spec_.name) + " is not used on " + device.type};
    return found_;
  }

  bool accepts(ModelFormat format) const override {
    return std::find(spec_.formats.begin(), spec_.formats.end(), format) != spec_.formats.end();
  }

  std::unique_ptr<Engine> load(const ModelDir& model, const EngineOptions& options) const override {
    Availability a = probe(options.device);
    if (!a.available) throw Error(ErrorCode::BackendUnavailable, std::string(spec_.name) + ": " + a.reason);
    if (!accepts(model.format))
      throw Error(ErrorCode::ModelFormat, std::string(spec_.name) + " cannot load a " + to_string(model.format) + " model");
    if (!spec_.make_engine)
      throw Error(ErrorCode::BackendUnavailable, std::string(spec_.name) + " " + a.version + " was found, but " + spec_.no_engine +
                                                     "; cannot run " + model.model_name);
    return spec_.make_engine(library_, model, options);
  }

 private:
  Availability locate() const {
    std::vector<std::string> tries;
    if (const char* env = std::getenv(spec_.env); env && *env) {
      tries.emplace_back(env);  // an explicit choice is not silently replaced by another library
    } else {
      if (spec_.installed) tries = installed_libraries(spec_.installed);
      tries.insert(tries.end(), spec_.candidates.begin(), spec_.candidates.end());
    }
    for (const auto& path : tries) {
      void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
      if (!handle) {
        // A file that is there but does not load (a dependency missing, wrong architecture) is not "not installed".
        const char* why = dlerror();
        std::error_code ec;
        if (path.find('/') != std::string::npos && std::filesystem::exists(path, ec))
          return {false, "", std::string(spec_.name) + " library " + path + " cannot be loaded: " + (why ? why : "unknown error")};
        continue;
      }
      void* sym = dlsym(handle, spec_.version_symbol);
      if (!sym) return {false, "", path + " lacks " + spec_.version_symbol + " (not a " + spec_.name + " library?)"};
      library_ = {spec_.name, path, spec_.version(sym), handle};  // the handle stays open: the engine needs it
      return {true, library_.version, ""};
    }
    std::string list;
    for (const auto& t : tries) list += (list.empty() ? "" : ", ") + t;
    const bool by_env = std::getenv(spec_.env) && *std::getenv(spec_.env);
    const std::string how = spec_.installed && !by_env ? "`hpocr install_hpi_deps cpu` installs it, or set " : "set ";
    return {false, "", std::string(spec_.name) + " not installed (looked for " + list + "; " + how + spec_.env + ")"};
  }

  LibrarySpec spec_;
  mutable std::once_flag once_;
  mutable Availability found_;
  mutable DynamicLibrary library_;  ///< set by the first probe when the library is found
};

std::string paddle_version(void* sym) {
  // const char* PD_GetVersion(): "version: 3.0.0\ncommit: ...\nbranch: ..." from paddle_infer::GetVersion()
  const char* v = reinterpret_cast<const char* (*)()>(sym)();
  if (!v || !*v) return "unknown";
  std::string s(v);
  s = s.substr(0, s.find('\n'));
  if (s.rfind("version: ", 0) == 0) s.erase(0, 9);
  return s;
}

std::string openvino_version(void* sym) {
  // ov_status_e ov_get_openvino_version(ov_version_t*) with ov_version_t = {const char* buildNumber; const char* description;}
  struct OvVersion { const char* build_number; const char* description; } v{nullptr, nullptr};
  auto fn = reinterpret_cast<int (*)(OvVersion*)>(sym);
  return fn(&v) == 0 && v.build_number ? v.build_number : "unknown";
}

std::string tensorrt_version(void* sym) {
  int v = reinterpret_cast<int32_t (*)()>(sym)();  // e.g. 100300 for 10.3.0
  return std::to_string(v / 10000) + "." + std::to_string(v / 100 % 100) + "." + std::to_string(v % 100);
}

}  // namespace

std::vector<std::unique_ptr<Backend>> make_dynamic_backends() {
  std::vector<std::unique_ptr<Backend>> out;
  out.push_back(std::make_unique<DynamicLibraryBackend>(LibrarySpec{
      "openvino", "HPOCR_OPENVINO_LIBRARY", "openvino/libs/libopenvino_c.so", {"libopenvino_c.so"}, "ov_get_openvino_version", openvino_version, {"cpu"},
      // OpenVINO's Paddle frontend reads legacy programs (.pdmodel), not PIR inference.json.
      {ModelFormat::Onnx, ModelFormat::PaddleLegacy}, load_openvino_engine, nullptr}));
  out.push_back(std::make_unique<DynamicLibraryBackend>(LibrarySpec{
      "paddle", "HPOCR_PADDLE_INFERENCE_LIBRARY", nullptr, {"libpaddle_inference_c.so"}, "PD_GetVersion", paddle_version,
      {"cpu", "gpu"}, {ModelFormat::PaddleLegacy, ModelFormat::PaddlePir}, load_paddle_engine, nullptr}));
  out.push_back(std::make_unique<DynamicLibraryBackend>(LibrarySpec{
      "tensorrt", "HPOCR_TENSORRT_LIBRARY", nullptr, {"libnvinfer.so.10", "libnvinfer.so.8", "libnvinfer.so"}, "getInferLibVersion",
      tensorrt_version, {"gpu"}, {ModelFormat::Onnx}, nullptr,
      // TensorRT's builder and runtime are C++ classes only (no C API to bind at run time): hpocr reaches
      // TensorRT through ONNX Runtime's TensorRT execution provider instead.
      "TensorRT has no C API that hpocr could bind at run time; use it through ONNX Runtime's TensorRT "
      "execution provider (HPI backend onnxruntime with backend_config {use_tensorrt_ep: true}, on a GPU build of "
      "ONNX Runtime)"}));
  return out;
}

}  // namespace hpocr
