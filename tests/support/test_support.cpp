#include "support/test_support.h"

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <vector>

#include <opencv2/imgcodecs.hpp>

#include "hpocr/options.h"

namespace fs = std::filesystem;

namespace hpocr::test {

bool default_models_present() {
  for (const char* m : {"PP-OCRv4_mobile_det", "PP-OCRv4_mobile_rec", "ch_ppocr_mobile_v2.0_cls"})
    if (!fs::exists(hpocr_home() / "models" / m / "inference.onnx")) return false;
  return true;
}

const TextRenderer& test_font() {
  static const TextRenderer font(find_font());
  return font;
}

const TextRenderer& latin_font() {
  static const fs::path dejavu = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
  static const TextRenderer font(fs::exists(dejavu) ? dejavu : find_font());
  return font;
}

namespace {

/// The directories temp_dir made, removed when the test process ends (ctest runs each test in a process of
/// its own), unless HPOCR_KEEP_TEST_DIRS is set for a look after a failure.
class TempDirs {
 public:
  ~TempDirs() {
    if (std::getenv("HPOCR_KEEP_TEST_DIRS")) return;
    std::error_code ec;
    for (const auto& d : dirs_) fs::remove_all(d, ec);
  }
  void add(const fs::path& dir) {
    std::lock_guard lock(mutex_);
    dirs_.push_back(dir);
  }

 private:
  std::mutex mutex_;
  std::vector<fs::path> dirs_;
};

}  // namespace

fs::path temp_dir(const std::string& tag) {
  static std::atomic<int> counter{0};
  static TempDirs made;
  fs::path dir = fs::temp_directory_path() / ("hpocr-test-" + std::to_string(getpid()) + "-" + tag + "-" + std::to_string(counter++));
  fs::remove_all(dir);
  fs::create_directories(dir);
  made.add(dir);
  return dir;
}

fs::path write_image(const cv::Mat& image, const fs::path& path) {
  if (!cv::imwrite(path.string(), image)) throw std::runtime_error("cannot write " + path.string());
  return path;
}

CommandResult run_cli(const std::string& args) {
  CommandResult r;
  std::string cmd = std::string(HPOCR_CLI_PATH) + " " + args + " 2>&1";
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(cmd.c_str(), "r"), pclose);
  if (!pipe) return r;
  std::array<char, 4096> buf;
  while (size_t n = fread(buf.data(), 1, buf.size(), pipe.get())) r.out.append(buf.data(), n);
  int status = pclose(pipe.release());
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return r;
}

}  // namespace hpocr::test
