// A minimal PDF writer for tests: each image becomes one page showing it, sized so that rendering at
// kPdfRenderDpi gives back the image's own pixel size (as a scanned document would arrive).
#pragma once
#include <string>
#include <vector>

#include <opencv2/core.hpp>

namespace hpocr::test {

/// A valid PDF (uncompressed RGB image XObjects, xref table) with one page per image (8-bit BGR).
std::vector<unsigned char> make_pdf(const std::vector<cv::Mat>& pages);

/// A valid PDF whose single, empty page is `width_pt` x `height_pt` points.
std::vector<unsigned char> make_blank_pdf(double width_pt, double height_pt);

/// A piece of text drawn with the standard Helvetica font: `size` points, baseline starting at (`x`, `y`) points
/// from the page's top-left corner, turned by `degrees` counter-clockwise (0: upright).
struct PdfText {
  double x, y, size;
  std::string text;  ///< ASCII
  int degrees = 0;
};

/// A valid PDF of one `width_pt` x `height_pt` page with a text layer: `texts` drawn as real PDF text.
std::vector<unsigned char> make_text_pdf(double width_pt, double height_pt, const std::vector<PdfText>& texts);

}  // namespace hpocr::test
