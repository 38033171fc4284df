// Text images with known content: the demo page and the test/benchmark inputs.
#pragma once
#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "hpocr/text_renderer.h"

namespace hpocr {

struct RenderedPage {
  cv::Mat image;                    ///< 8-bit BGR
  std::vector<std::string> lines;   ///< the text of each line, top to bottom
  std::vector<cv::Rect> line_rects; ///< where each line was drawn
};

struct PageStyle {
  int font_px = 32;
  int margin = 40;
  double line_spacing = 2.0;        ///< line pitch as a multiple of font_px
  cv::Scalar ink{20, 20, 20};
  cv::Scalar paper{255, 255, 255};
};

/// Renders one line per entry, left-aligned, top to bottom.
RenderedPage render_lines(const std::vector<std::string>& lines, const TextRenderer& font, const PageStyle& style = {});

/// The demo page: English, digits and Chinese lines.
RenderedPage make_demo_page(const TextRenderer& font);

}  // namespace hpocr
