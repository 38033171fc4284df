#include "install_deps.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "backend/backend.h"
#include "hpocr/options.h"

namespace fs = std::filesystem;

namespace hpocr::cli {
namespace {

constexpr const char* kOrtPackage = "onnxruntime-node@1.30.0";
constexpr const char* kOrtLibInPackage = "package/bin/napi-v6/linux/x64/libonnxruntime.so.1";

std::string quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

bool sh(const std::string& cmd) { return std::system(cmd.c_str()) == 0; }

/// ONNX Runtime CPU from the npm registry (the package ships the Linux x64 library).
bool install_onnxruntime_cpu() {
  fs::path dest = hpocr_home() / "runtime" / "onnxruntime-1.30.0" / "lib";
  fs::path lib = dest / "libonnxruntime.so.1";
  if (fs::exists(lib)) {
    std::printf("onnxruntime: already installed (%s)\n", lib.c_str());
    return true;
  }
  if (!sh("command -v npm >/dev/null 2>&1")) {
    std::fprintf(stderr, "onnxruntime: npm is needed to fetch %s (apt-get install npm)\n", kOrtPackage);
    return false;
  }
  fs::create_directories(dest);
  fs::path tmp = fs::temp_directory_path() / ("hpocr-deps-" + std::to_string(getpid()));
  fs::create_directories(tmp);
  std::printf("onnxruntime: fetching %s from npm...\n", kOrtPackage);
  std::fflush(stdout);
  bool ok = sh("cd " + quote(tmp.string()) + " && npm pack --silent " + kOrtPackage + " >/dev/null") &&
            sh("tar xzf " + quote((tmp / "onnxruntime-node-1.30.0.tgz").string()) + " -C " + quote(dest.string()) +
               " --strip-components=5 " + kOrtLibInPackage);
  fs::remove_all(tmp);
  if (ok) {
    std::error_code ec;
    fs::create_directory_symlink("onnxruntime-1.30.0", hpocr_home() / "runtime" / "onnxruntime", ec);
  }
  std::printf(ok ? "onnxruntime: installed %s\n" : "onnxruntime: installation failed\n", lib.c_str());
  return ok;
}

}  // namespace

bool install_hpi_deps(const std::string& device) {
  bool ok = install_onnxruntime_cpu();
  std::printf("opencv: built in (OpenCV DNN from the system packages)\n");
  if (device == "cpu") {
    std::printf("openvino, paddle: not installed: no package registry reachable from here ships them; install them "
                "yourself and set HPOCR_OPENVINO_LIBRARY / HPOCR_PADDLE_INFERENCE_LIBRARY\n");
    return ok;
  }
  std::fprintf(stderr, "gpu: CUDA/TensorRT runtimes (ONNX Runtime CUDA provider, libnvinfer) are not available from the "
                       "package registries this installer can reach; install them with your CUDA toolkit and set "
                       "HPOCR_ORT_LIBRARY / HPOCR_TENSORRT_LIBRARY. `hpocr hpi-info --device gpu` shows what is found.\n");
  return false;
}

}  // namespace hpocr::cli
