#include "hpocr/int8.h"

#include <filesystem>
#include <memory>
#include <random>
#include <string>

#include "hpocr/error.h"
#include "hpocr/text_renderer.h"

namespace fs = std::filesystem;

namespace hpocr::quant {
namespace {

const char* const kEnglish[] = {"invoice", "total", "delivery", "customer", "payment", "balance", "quarterly", "report",
                                "shipping", "address", "summary", "revenue", "account", "number", "service", "market"};
const char* const kEuropean[] = {"Straße", "Größe", "préféré", "garçon", "año", "Übersicht", "café", "déjà", "Zürich", "niño"};
const char* const kChinese[] = {"文字识别", "高性能", "发票", "金额", "合计", "客户", "地址", "日期", "数量", "单价", "报告", "季度",
                                "北京市", "有限公司", "银行", "电话"};

std::string random_line(std::mt19937& rng, bool latin_only) {
  const int words = std::uniform_int_distribution<>(2, 7)(rng);
  std::string line;
  for (int i = 0; i < words; ++i) {
    const int kind = std::uniform_int_distribution<>(0, 9)(rng);
    std::string w = kind < 4 ? kEnglish[rng() % std::size(kEnglish)]
                    : kind < 6 ? kEuropean[rng() % std::size(kEuropean)]
                    : kind < 8 || latin_only ? std::to_string(std::uniform_int_distribution<>(1, 99999)(rng))
                                             : kChinese[rng() % std::size(kChinese)];
    line += (line.empty() ? "" : " ") + w;
  }
  return line;
}

struct Font {
  std::unique_ptr<TextRenderer> renderer;
  bool latin_only;
};

std::vector<Font> fonts() {
  std::vector<Font> out;
  if (fs::path cjk = find_font(); !cjk.empty()) out.push_back({std::make_unique<TextRenderer>(cjk), false});
  for (const char* f : {"/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc", "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
                        "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf"})
    if (fs::exists(f)) out.push_back({std::make_unique<TextRenderer>(f), std::string(f).find("CJK") == std::string::npos});
  if (out.empty()) throw Error(ErrorCode::Io, "no font installed to render calibration images (install fonts-noto-cjk)");
  return out;
}

/// Dark ink on light paper or the reverse, in random hues.
std::pair<cv::Scalar, cv::Scalar> colours(std::mt19937& rng) {
  auto c = [&](int lo, int hi) { return std::uniform_int_distribution<>(lo, hi)(rng); };
  cv::Scalar paper(c(200, 255), c(200, 255), c(200, 255)), ink(c(0, 90), c(0, 90), c(0, 90));
  if (c(0, 5) == 0) std::swap(paper, ink);
  return {ink, paper};
}

}  // namespace

std::vector<LabelledImage> make_calibration_set(int count, uint32_t seed) {
  auto fs_list = fonts();
  std::mt19937 rng(seed);
  std::vector<LabelledImage> out;
  for (int i = 0; i < count; ++i) {
    const Font& font = fs_list[rng() % fs_list.size()];
    auto [ink, paper] = colours(rng);
    LabelledImage img;
    if (i % 4 != 3) {  // a page
      const int w = std::uniform_int_distribution<>(640, 960)(rng), h = std::uniform_int_distribution<>(640, 1100)(rng);
      img = {"calib_page" + std::to_string(i), cv::Mat(h, w, CV_8UC3, paper), {}, {}};
      int y = 30;
      while (true) {
        const int px = std::uniform_int_distribution<>(14, 40)(rng);
        if (y + 2 * px > h - 20) break;
        std::string line = random_line(rng, font.latin_only);
        while (font.renderer->measure(line, px).width > w - 60 && line.find(' ') != std::string::npos) line = line.substr(0, line.rfind(' '));
        if (font.renderer->measure(line, px).width > w - 60) break;
        font.renderer->draw(img.image, line, {30 + static_cast<int>(rng() % 20), y}, px, ink);
        img.lines.push_back(line);
        y += px * 2 + static_cast<int>(rng() % 12);
      }
    } else {  // a single text line
      const int px = std::uniform_int_distribution<>(20, 44)(rng);
      std::string line = random_line(rng, font.latin_only);
      cv::Size s = font.renderer->measure(line, px);
      img = {"calib_line" + std::to_string(i), cv::Mat(s.height + px, s.width + px, CV_8UC3, paper), {line}, {}};
      font.renderer->draw(img.image, line, {px / 2, px / 2}, px, ink);
    }
    out.push_back(std::move(img));
  }
  return out;
}

}  // namespace hpocr::quant
