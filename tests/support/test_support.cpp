#include "support/test_support.h"

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <atomic>
#include <cstdio>
#include <memory>

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

fs::path temp_dir(const std::string& tag) {
  static std::atomic<int> counter{0};
  fs::path dir = fs::temp_directory_path() / ("hpocr-test-" + std::to_string(getpid()) + "-" + tag + "-" + std::to_string(counter++));
  fs::remove_all(dir);
  fs::create_directories(dir);
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

namespace {
std::vector<char32_t> code_points(const std::string& s) {
  std::vector<char32_t> out;
  for (size_t i = 0; i < s.size();) {
    unsigned char c = s[i];
    int len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : 4;
    char32_t cp = len == 1 ? c : c & (0x7F >> len);
    for (int k = 1; k < len && i + k < s.size(); ++k) cp = (cp << 6) | (s[i + k] & 0x3F);
    out.push_back(cp);
    i += len;
  }
  return out;
}
}  // namespace

size_t edit_distance(const std::string& a, const std::string& b) {
  auto x = code_points(a), y = code_points(b);
  std::vector<size_t> prev(y.size() + 1), cur(y.size() + 1);
  for (size_t j = 0; j <= y.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= x.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= y.size(); ++j)
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (x[i - 1] != y[j - 1])});
    std::swap(prev, cur);
  }
  return prev[y.size()];
}

std::string without_spaces(const std::string& s) {
  std::string out;
  for (char c : s)
    if (c != ' ') out += c;
  return out;
}

size_t char_count(const std::string& s) { return code_points(s).size(); }

}  // namespace hpocr::test
