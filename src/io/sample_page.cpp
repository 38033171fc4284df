#include "hpocr/sample_page.h"

#include <algorithm>

namespace hpocr {

RenderedPage render_lines(const std::vector<std::string>& lines, const TextRenderer& font, const PageStyle& style) {
  const int pitch = static_cast<int>(style.font_px * style.line_spacing);
  int width = 0;
  for (const auto& l : lines) width = std::max(width, font.measure(l, style.font_px).width);
  RenderedPage page;
  page.image = cv::Mat(2 * style.margin + pitch * static_cast<int>(lines.size()), width + 2 * style.margin, CV_8UC3, style.paper);
  for (size_t i = 0; i < lines.size(); ++i) {
    cv::Point at(style.margin, style.margin + pitch * static_cast<int>(i) + (pitch - style.font_px) / 2);
    font.draw(page.image, lines[i], at, style.font_px, style.ink);
    page.lines.push_back(lines[i]);
    page.line_rects.emplace_back(at, font.measure(lines[i], style.font_px));
  }
  return page;
}

RenderedPage make_demo_page(const TextRenderer& font) {
  return render_lines({"hpocr: fast OCR in C++", "Invoice No. 2026-0117", "Total amount: 1,234.56 EUR",
                       "The quick brown fox jumps over the lazy dog", "高性能文字识别", "联系电话 010-88886666"},
                      font);
}

}  // namespace hpocr
