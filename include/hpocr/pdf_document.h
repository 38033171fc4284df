// PDF input: pages rendered to images (poppler-cpp), as PaddleOCR reads PDFs (every page, 144 DPI).
#pragma once
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

namespace poppler {
class document;
class page;
}

namespace hpocr {

/// PaddleX renders PDF pages at zoom 2 of the 72-point user space, i.e. 144 DPI; so do we, for the same boxes.
inline constexpr double kPdfRenderDpi = 144.0;

/// True when `bytes` start like a PDF ("%PDF-" within the first 1024 bytes, as readers accept it) and not with
/// an image signature.
bool looks_like_pdf(std::span<const unsigned char> bytes);

/// One line of a page's own text layer, as the PDF's producer typeset it: the ground truth of a born-digital page.
struct PdfTextLine {
  std::string text;  ///< UTF-8, words joined by one space where the layer has a space after the word
  cv::Rect2f box;    ///< the union of the words' boxes, in pixels at the rendering DPI
};

/// A loaded PDF whose pages are rendered one at a time, so that a long document needs memory for one page.
class PdfDocument {
 public:
  /// Parses `bytes`, which must outlive the document (they are read in place, not copied). Error(InvalidInput)
  /// naming `name` for corrupt or truncated data, encrypted documents and documents without pages.
  PdfDocument(std::span<const unsigned char> bytes, std::string name);
  /// A temporary buffer would be gone before the document reads it.
  PdfDocument(std::vector<unsigned char>&& bytes, std::string name) = delete;
  ~PdfDocument();
  PdfDocument(const PdfDocument&) = delete;  // one owner: the document is released under the poppler lock
  PdfDocument& operator=(const PdfDocument&) = delete;

  /// Number of pages (at least 1).
  int page_count() const;
  /// Pixel size of page `index` (0-based) at `dpi`, from its crop box alone (nothing rendered). Error(InvalidInput)
  /// when the page cannot be read or its box is empty.
  cv::Size page_size(int index, double dpi = kPdfRenderDpi) const;
  /// Throws Error(InvalidInput) "<name>: page i of n <what>".
  [[noreturn]] void page_error(int index, const std::string& what) const;
  /// Page `index` (0-based) as 8-bit BGR at `dpi`. Error(InvalidInput) when the page cannot be rendered or
  /// would exceed `max_pixels` (checked from its size before any pixel memory is allocated).
  cv::Mat render(int index, int64_t max_pixels, double dpi = kPdfRenderDpi) const;
  /// The text layer of page `index` as horizontal lines: consecutive words on one baseline with less than a
  /// line height between them (a wider gap, as between table cells or columns, starts a new line). Empty when
  /// the page has no text layer. `upright_only` is set false when the page holds rotated or vertical text,
  /// whose lines are left out.
  std::vector<PdfTextLine> text_lines(int index, bool& upright_only, double dpi = kPdfRenderDpi) const;

 private:
  std::unique_ptr<poppler::page> open_page(int index) const;  // caller holds the poppler lock

  std::unique_ptr<poppler::document> doc_;
  std::string name_;
};

}  // namespace hpocr
