#include "backend/onnxruntime/ort_library.h"

#include <dlfcn.h>

#include <cstdlib>
#include <filesystem>
#include <vector>

#include "backend/onnxruntime/ort_api.h"
#include "hpocr/options.h"

namespace hpocr::ort {
namespace {

Library load() {
  Library lib;
  std::vector<std::string> candidates;
  const char* env = std::getenv("HPOCR_ORT_LIBRARY");
  if (env && *env) {
    candidates.emplace_back(env);  // an explicit choice is not silently replaced by another library
  } else {
    auto bundled = hpocr_home() / "runtime" / "onnxruntime" / "lib" / "libonnxruntime.so.1";
    if (std::filesystem::exists(bundled)) candidates.push_back(bundled.string());
    candidates.emplace_back("libonnxruntime.so.1");
    candidates.emplace_back("libonnxruntime.so");
  }
  std::string errors;
  for (const auto& path : candidates) {
    lib.path = path;
    void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
      errors += std::string(errors.empty() ? "" : "; ") + dlerror();
      continue;
    }
    using GetApiBase = const OrtApiBase* (*)();
    auto get_base = reinterpret_cast<GetApiBase>(dlsym(handle, "OrtGetApiBase"));
    if (!get_base) {
      errors += "; " + path + " has no OrtGetApiBase (not an ONNX Runtime library)";
      continue;
    }
    const OrtApiBase* base = get_base();
    lib.version = base->GetVersionString();
    lib.api = base->GetApi(ORT_API_VERSION);
    if (!lib.api) {
      errors += "; " + path + " is ONNX Runtime " + lib.version + ", which lacks C API version " +
                std::to_string(ORT_API_VERSION) + " (ONNX Runtime >= 1.22 is needed)";
      continue;
    }
    Ort::InitApi(lib.api);
    lib.error.clear();
    return lib;  // the handle stays open for the life of the process
  }
  lib.error = "ONNX Runtime library not found (" + errors +
              "). Run scripts/setup.sh, or set HPOCR_ORT_LIBRARY to your libonnxruntime.so";
  return lib;
}

}  // namespace

const Library& library() {
  static const Library lib = load();
  return lib;
}

}  // namespace hpocr::ort
