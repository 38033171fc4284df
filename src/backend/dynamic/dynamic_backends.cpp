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

/// The libraries of PyPI wheels in $HPOCR_HOME/venv (`hpocr install_hpi_deps`, pip): "<package dir>/<file prefix>"
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

/// What a LibrarySpec::fallback found: an opened library, or why there is none.
struct Opened {
  void* handle = nullptr;
  std::string path;        ///< the library whose C API the engine binds
  std::string via;         ///< said after the version in `hpocr info`
  std::string failure;     ///< the whole reason, when its files are there but do not load
  std::string looked_for;  ///< what it looked for, when its files are not there
  std::string install;     ///< how to install them
};

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
  /// Tried when no variable names a library and no candidate loads: another way to the same C API.
  Opened (*fallback)() = nullptr;
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
      return opened(handle, path, "");
    }
    std::string list;
    for (const auto& t : tries) list += (list.empty() ? "" : ", ") + t;
    const bool by_env = std::getenv(spec_.env) && *std::getenv(spec_.env);
    std::string how = spec_.installed && !by_env ? "`hpocr install_hpi_deps cpu` installs it, or set " : "set ";
    if (spec_.fallback && !by_env) {
      Opened other = spec_.fallback();
      if (other.handle) return opened(other.handle, other.path, other.via);
      if (!other.failure.empty()) return {false, "", other.failure};
      list += ", " + other.looked_for;
      how = other.install + ", or set ";
    }
    return {false, "", std::string(spec_.name) + " not installed (looked for " + list + "; " + how + spec_.env + ")"};
  }

  /// The library's version, once it is open; `via` says how it was reached, when not directly.
  Availability opened(void* handle, const std::string& path, const std::string& via) const {
    void* sym = dlsym(handle, spec_.version_symbol);
    if (!sym) return {false, "", path + " lacks " + spec_.version_symbol + " (not a " + spec_.name + " library?)"};
    library_ = {spec_.name, path, spec_.version(sym), handle};  // the handle stays open: the engine needs it
    return {true, via.empty() ? library_.version : library_.version + " (" + via + ")", ""};
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

/// "libpython3.11.so.1.0" for a library under .../python3.11/site-packages (or dist-packages): a wheel's
/// compiled code needs the CPython its tag names (cp311), and the directory it is installed in names it too.
std::string libpython_for(const std::filesystem::path& library) {
  for (const auto& part : library) {
    const std::string name = part.string();
    if (name.size() > 8 && name.rfind("python3.", 0) == 0 &&
        std::all_of(name.begin() + 8, name.end(), [](char c) { return c >= '0' && c <= '9'; }))
      return "lib" + name + ".so.1.0";
  }
  return "";
}

/// hpocr's bridge library: $HPOCR_PADDLE_BRIDGE; else beside the code that is running (an installed package puts
/// it next to the Python module, site-packages/hpocr/, and the CLI reaches that from the environment's bin/);
/// else where this build made it.
std::string paddle_bridge_path() {
  namespace fs = std::filesystem;
  if (const char* env = std::getenv("HPOCR_PADDLE_BRIDGE"); env && *env) return env;
  constexpr const char* kFile = "libhpocr_paddle_bridge.so";
  Dl_info self{};
  std::error_code ec;
  const fs::path here = dladdr(reinterpret_cast<void*>(&paddle_bridge_path), &self) && self.dli_fname
                            ? fs::canonical(self.dli_fname, ec).parent_path()
                            : fs::path();
  if (!here.empty()) {
    if (fs::exists(here / kFile, ec)) return (here / kFile).string();
    for (const auto& lib : fs::directory_iterator(here.parent_path() / "lib", ec)) {  // <venv>/bin -> <venv>/lib/python3.N
      const fs::path beside_module = lib.path() / "site-packages" / "hpocr" / kFile;
      if (fs::exists(beside_module, ec)) return beside_module.string();
    }
  }
  return HPOCR_PADDLE_BRIDGE_PATH;
}

/// The paddle backend without Paddle's C library: the paddlepaddle wheel's libpaddle.so, which has the C++
/// inference API only, with hpocr's bridge (src/backend/paddle/bridge) implementing the C API over it.
/// libpaddle.so uses libpython's symbols without naming the library (a Python module expects to be loaded
/// into Python), so libpython is opened first, RTLD_GLOBAL; Python itself is never started. libpaddle.so is
/// opened RTLD_LOCAL, keeping its dependencies (OpenVINO 2025, oneDNN, protobuf) out of the global scope; the
/// bridge names it as a dependency (soname libpaddle.so), which the loader matches to the copy already open.
Opened open_paddle_wheel() {
  Opened out;
  auto absent = [&](std::string looked_for) { out.looked_for = std::move(looked_for); return out; };
  auto failed = [&](std::string why) { out.failure = std::move(why); return out; };
  out.install = "`" + (hpocr_home() / "venv" / "bin" / "pip").string() + " install paddlepaddle==3.3.1` installs it";
  std::string wheel;
  if (const char* env = std::getenv("HPOCR_PADDLE_WHEEL_LIBRARY"); env && *env) {
    std::error_code ec;
    if (!std::filesystem::exists(env, ec)) return absent(std::string(env) + " (HPOCR_PADDLE_WHEEL_LIBRARY)");
    wheel = std::filesystem::canonical(env, ec).string();  // as installed_libraries: for its $ORIGIN RUNPATH
  } else {
    const std::vector<std::string> found = installed_libraries("paddle/base/libpaddle.so");
    if (found.empty())
      return absent((hpocr_home() / "venv" / "lib" / "python3.*" / "site-packages" / "paddle" / "base" / "libpaddle.so").string());
    wheel = found.front();
  }
  const std::string python = libpython_for(wheel);
  if (python.empty())
    return failed("cannot tell which Python the paddlepaddle wheel " + wheel + " was built for (no python3.N directory in its path)");
  // Inside a Python process (hpocr's Python module) the interpreter's symbols are there already, perhaps
  // linked into the executable: a second libpython would only be dead weight.
  const bool in_python = dlsym(RTLD_DEFAULT, "PyByteArray_Type") != nullptr;
  if (!in_python && !dlopen(python.c_str(), RTLD_NOW | RTLD_GLOBAL)) {
    const std::string package = python.substr(3, python.find(".so") - 3);  // libpython3.11.so.1.0 -> python3.11
    return failed(python + " not found: the paddlepaddle wheel " + wheel + " needs it (apt-get install lib" + package + ")");
  }
  if (!dlopen(wheel.c_str(), RTLD_NOW | RTLD_LOCAL)) {
    const char* why = dlerror();
    return failed("the paddlepaddle wheel's " + wheel + " cannot be loaded: " + (why ? why : "unknown error"));
  }
  const std::string bridge = paddle_bridge_path();
  out.handle = dlopen(bridge.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!out.handle) {
    const char* why = dlerror();
    return failed("hpocr's Paddle bridge " + bridge + " cannot be loaded: " + (why ? why : "unknown error") +
                  " (it was written against paddlepaddle 3.3.1; HPOCR_PADDLE_BRIDGE names another build)");
  }
  out.path = bridge;
  out.via = "paddlepaddle wheel via hpocr's bridge";
  return out;
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
      {"cpu", "gpu"}, {ModelFormat::PaddleLegacy, ModelFormat::PaddlePir}, load_paddle_engine, nullptr, open_paddle_wheel}));
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
