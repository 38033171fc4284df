// A minimal PDF writer for tests: each image becomes one page showing it, sized so that rendering at
// kPdfRenderDpi gives back the image's own pixel size (as a scanned document would arrive).
#pragma once
#include <vector>

#include <opencv2/core.hpp>

namespace hpocr::test {

/// A valid PDF (uncompressed RGB image XObjects, xref table) with one page per image (8-bit BGR).
std::vector<unsigned char> make_pdf(const std::vector<cv::Mat>& pages);

/// A valid PDF whose single, empty page is `width_pt` x `height_pt` points.
std::vector<unsigned char> make_blank_pdf(double width_pt, double height_pt);

}  // namespace hpocr::test
