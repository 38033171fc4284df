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
// The CPU backends from PyPI (hpocr's bridge binds the C++ API of this paddlepaddle release: docs/backends.md).
constexpr const char* kPypiBackends[] = {"openvino==2026.4.1", "paddlepaddle==3.3.1"};
constexpr const char* kVenvPython = "/usr/bin/python3";

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
  fs::path link = hpocr_home() / "runtime" / std::string(reference_backend_name());
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
  if (!have_npm(std::string(reference_backend_name()).c_str(), kOrtPackage)) return false;
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

/// Loads the backend as inference will and says what it found.
bool verify(const char* backend, const std::string& device) {
  Availability a = probe_backend(backend, Device::parse(device));
  if (!a.available) {
    std::fprintf(stderr, "%s (%s): installed but cannot run here: %s\n", backend, device.c_str(), a.reason.c_str());
    return false;
  }
  std::printf("%s (%s): verified, version %s\n", backend, device.c_str(), a.version.c_str());
  return true;
}

/// OpenVINO and Paddle (CPU) from PyPI, into the virtual environment $HPOCR_HOME/venv, made with Debian's
/// Python 3.11: the wheels are cp311 builds, and Paddle's library needs libpython3.11's symbols.
bool install_pypi_backends() {
  const fs::path venv = hpocr_home() / "venv";
  const std::string python = (venv / "bin" / "python").string();
  if (!fs::exists(python)) {
    std::printf("creating %s (%s)...\n", venv.c_str(), kVenvPython);
    std::fflush(stdout);
    if (!sh(std::string(kVenvPython) + " -m venv " + quote(venv.string()))) {
      std::fprintf(stderr, "openvino, paddle: cannot create the virtual environment %s (apt-get install python3-venv)\n", venv.c_str());
      return false;
    }
  }
  std::string wanted;
  for (const char* pin : kPypiBackends) wanted += std::string(" ") + pin;
  // pip leaves pinned versions that are already installed alone, without asking the index: a second run is quick.
  std::printf("openvino, paddle: pip install%s into %s...\n", wanted.c_str(), venv.c_str());
  std::fflush(stdout);
  if (!sh(quote(python) + " -m pip install --disable-pip-version-check -q" + wanted)) {
    std::fprintf(stderr, "openvino, paddle: pip could not install%s (offline, or PyPI refused them)\n", wanted.c_str());
    return false;
  }
  return true;
}

}  // namespace

bool install_hpi_deps(const std::string& device) {
  std::printf("opencv: built in (OpenCV DNN from the system packages)\n");
  const bool gpu = device == "gpu";
  bool ok = true;
  if (gpu) {
    std::printf("openvino: not used on GPU (hpocr runs OpenVINO on CPU only)\n");
    std::printf("paddle (gpu): not installed: the GPU build of paddlepaddle is not on PyPI; hpocr uses its CPU build "
                "(`hpocr install_hpi_deps cpu`) or a Paddle Inference you install (HPOCR_PADDLE_INFERENCE_LIBRARY)\n");
  } else {
    ok = install_pypi_backends() && verify("openvino", "cpu") && verify("paddle", "cpu");
  }
  if (!(gpu ? install_onnxruntime_gpu() : install_onnxruntime_cpu())) return false;
  select_runtime(gpu ? kGpuDir : kCpuDir);
  // Verify by loading, the way inference will (this process has not loaded ONNX Runtime yet).
  if (!verify(std::string(reference_backend_name()).c_str(), device)) {
    if (gpu) std::fprintf(stderr, "  (the GPU build needs the CUDA 13 and cuDNN libraries on the host; "
                                  "`hpocr install_hpi_deps cpu` switches back to the CPU runtime)\n");
    return false;
  }
  return ok;
}

}  // namespace hpocr::cli
