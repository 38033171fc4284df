#include "hpocr/text_renderer.h"

#include <cstdlib>

#include <opencv2/imgproc.hpp>

#include "hpocr/error.h"

namespace hpocr {

std::filesystem::path find_font() {
  if (const char* env = std::getenv("HPOCR_FONT"); env && *env) return env;
  for (const char* p : {"/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
                        "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
                        "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
                        "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"})
    if (std::filesystem::exists(p)) return p;
  return {};
}

TextRenderer::TextRenderer(const std::filesystem::path& font) : ft_(cv::freetype::createFreeType2()) {
  if (font.empty() || !std::filesystem::exists(font))
    throw Error(ErrorCode::Io, "font '" + font.string() + "' not found; install fonts-noto-cjk or set HPOCR_FONT");
  try {
    ft_->loadFontData(font.string(), 0);
  } catch (const cv::Exception& e) {
    throw Error(ErrorCode::Io, "cannot load font '" + font.string() + "': " + e.err);
  }
}

cv::Size TextRenderer::measure(std::string_view text, int height) const {
  int baseline = 0;
  cv::Size s = ft_->getTextSize(std::string(text), height, -1, &baseline);
  return {s.width, height};
}

void TextRenderer::draw(cv::Mat& image, std::string_view text, cv::Point top_left, int height, cv::Scalar color) const {
  // freetype's origin is the baseline; put the baseline ~80% down the line box.
  ft_->putText(image, std::string(text), top_left + cv::Point(0, height * 4 / 5), height, color, -1, cv::LINE_AA, true);
}

}  // namespace hpocr
