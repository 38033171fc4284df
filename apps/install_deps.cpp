#include "install_deps.h"

#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "hpocr/backends.h"
#include "hpocr/options.h"
#include "hpocr/temp_directory.h"

namespace fs = std::filesystem;

namespace hpocr::cli {
namespace {

constexpr const char* kOrtPackage = "onnxruntime-node@1.30.0";
constexpr const char* kOrtLibInPackage = "package/bin/napi-v6/linux/x64/libonnxruntime.so.1";
constexpr const char* kCpuDir = "onnxruntime-1.30.0";
// GPU: the Linux x64 ONNX Runtime of com.github.asus4.onnxruntime plus its CUDA/TensorRT provider libraries.
constexpr const char* kGpuBasePackage = "com.github.asus4.onnxruntime@0.4.9";
constexpr const char* kGpuProviderPackage = "com.github.asus4.onnxruntime.linux-x64-gpu@0.4.9";
constexpr const char* kGpuDir = "onnxruntime-gpu-0.4.9";

std::string quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

bool sh(const std::string& cmd) { return std::system(cmd.c_str()) == 0; }

/// Whether npm is there to fetch `spec`; says what to install when it is not.
bool have_npm(const char* what, const char* spec) {
  if (sh("command -v npm >/dev/null 2>&1")) return true;
  std::fprintf(stderr, "%s: npm is needed to fetch %s (apt-get install npm)\n", what, spec);
  return false;
}

/// `npm pack spec` into `tmp`; the tarball's path, or empty on failure.
fs::path npm_pack(const std::string& spec, const fs::path& tmp) {
  std::printf("fetching %s from npm...\n", spec.c_str());
  std::fflush(stdout);
  if (!sh("cd " + quote(tmp.string()) + " && npm pack --silent " + spec + " >/dev/null")) return {};
  for (const auto& e : fs::directory_iterator(tmp))
    if (e.path().extension() == ".tgz" && e.path().filename().string().find(spec.substr(0, spec.find('@', 1))) == 0) return e.path();
  return {};
}

/// Points $HPOCR_HOME/runtime/onnxruntime at one installed runtime: one device type at a time.
void select_runtime(const char* dir) {
  fs::path link = hpocr_home() / "runtime" / "onnxruntime";
  std::error_code ec;
  fs::remove(link, ec);
  fs::create_directory_symlink(dir, link, ec);
}

/// ONNX Runtime CPU from the npm registry (the package ships the Linux x64 library).
bool install_onnxruntime_cpu() {
  fs::path dest = hpocr_home() / "runtime" / kCpuDir / "lib";
  fs::path lib = dest / "libonnxruntime.so.1";
  if (fs::exists(lib)) {
    std::printf("onnxruntime: already installed (%s)\n", lib.c_str());
    return true;
  }
  if (!have_npm("onnxruntime", kOrtPackage)) return false;
  fs::create_directories(dest);
  TempDirectory tmp("hpocr-deps");
  fs::path tgz = npm_pack(kOrtPackage, tmp.path());
  bool ok = !tgz.empty() && sh("tar xzf " + quote(tgz.string()) + " -C " + quote(dest.string()) + " --strip-components=5 " +
                               kOrtLibInPackage);
  std::printf(ok ? "onnxruntime: installed %s\n" : "onnxruntime: installation failed\n", lib.c_str());
  return ok;
}

/// ONNX Runtime with the CUDA and TensorRT providers; needs the CUDA libraries on the host to run.
bool install_onnxruntime_gpu() {
  fs::path dest = hpocr_home() / "runtime" / kGpuDir / "lib";
  if (fs::exists(dest / "libonnxruntime_providers_cuda.so") && fs::exists(dest / "libonnxruntime.so.1")) {
    std::printf("onnxruntime (gpu): already installed (%s)\n", dest.c_str());
    return true;
  }
  if (!have_npm("onnxruntime (gpu)", kGpuProviderPackage)) return false;
  fs::create_directories(dest);
  TempDirectory tmp("hpocr-deps");
  fs::path base = npm_pack(kGpuBasePackage, tmp.path()), providers = npm_pack(kGpuProviderPackage, tmp.path());
  const std::string into = " -C " + quote(dest.string()) + " --strip-components=4 --wildcards ";
  bool ok = !base.empty() && !providers.empty() &&
            sh("tar xzf " + quote(base.string()) + into + "'package/Plugins/Linux/x64/*.so'") &&
            sh("tar xzf " + quote(providers.string()) + into + "'package/Plugins/Linux/x64/*.so'");
  std::error_code ec;
  if (ok) fs::create_symlink("libonnxruntime.so", dest / "libonnxruntime.so.1", ec);
  if (!ok || ec) {
    std::fprintf(stderr, "onnxruntime (gpu): installation failed (offline, or the npm registry refused the packages)\n");
    fs::remove_all(dest.parent_path(), ec);
    return false;
  }
  std::printf("onnxruntime (gpu): installed %s\n", dest.c_str());
  return true;
}

}  // namespace

bool install_hpi_deps(const std::string& device) {
  std::printf("opencv: built in (OpenCV DNN from the system packages)\n");
  std::printf("openvino, paddle: not installed: no package registry reachable from here ships them; install them "
              "yourself and set HPOCR_OPENVINO_LIBRARY / HPOCR_PADDLE_INFERENCE_LIBRARY\n");
  const bool gpu = device == "gpu";
  if (!(gpu ? install_onnxruntime_gpu() : install_onnxruntime_cpu())) return false;
  select_runtime(gpu ? kGpuDir : kCpuDir);
  // Verify by loading, the way inference will (this process has not loaded ONNX Runtime yet).
  Device d = Device::parse(device);
  Availability a = probe_backend("onnxruntime", d);
  if (!a.available) {
    std::fprintf(stderr, "onnxruntime (%s): installed but cannot run here: %s\n", device.c_str(), a.reason.c_str());
    if (gpu) std::fprintf(stderr, "  (the GPU build needs the CUDA 13 and cuDNN libraries on the host; "
                                  "`hpocr install_hpi_deps cpu` switches back to the CPU runtime)\n");
    return false;
  }
  std::printf("onnxruntime (%s): verified, version %s; selected as the active runtime\n", device.c_str(), a.version.c_str());
  return true;
}

}  // namespace hpocr::cli
