// UTF-8 text drawing with a TrueType/OpenType font (OpenCV freetype), for visualisations and sample pages.
#pragma once
#include <filesystem>
#include <string_view>

#include <opencv2/core.hpp>
#include <opencv2/freetype.hpp>

namespace hpocr {

/// A font file covering Latin and CJK: $HPOCR_FONT, else the first installed of Noto Sans CJK, WenQuanYi,
/// DejaVu Sans (Latin only). Empty path when none is installed.
std::filesystem::path find_font();

class TextRenderer {
 public:
  /// Loads the font; Error(Io) when it cannot be read.
  explicit TextRenderer(const std::filesystem::path& font);
  /// Width and height of `text` drawn with glyph height `height` px.
  cv::Size measure(std::string_view text, int height) const;
  /// Draws `text` with its top-left at `top_left`.
  void draw(cv::Mat& image, std::string_view text, cv::Point top_left, int height, cv::Scalar color) const;

 private:
  cv::Ptr<cv::freetype::FreeType2> ft_;
};

}  // namespace hpocr
