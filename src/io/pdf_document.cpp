#include "hpocr/pdf_document.h"

#include <algorithm>
#include <climits>
#include <cmath>
#include <limits>
#include <mutex>
#include <string_view>

#include <fmt/format.h>
#include <poppler-document.h>
#include <poppler-global.h>
#include <poppler-image.h>
#include <poppler-page-renderer.h>
#include <poppler-page.h>
#include <poppler-rectangle.h>

#include "hpocr/error.h"
#include "hpocr/image_decode.h"
#include "hpocr/logging.h"

namespace hpocr {
namespace {

// Poppler keeps process-wide state (its global parameters, font caches) that is not documented as safe for
// concurrent use, and rendering is cheap next to OCR: one document operation at a time.
std::mutex& poppler_mutex() {
  static std::mutex m;
  return m;
}

// Poppler reports recoverable damage on stderr; route it to our log instead (once, before the first load).
void route_poppler_messages() {
  static std::once_flag once;
  std::call_once(once, [] {
    poppler::set_debug_error_function([](const std::string& message, void*) { log::debug("poppler: {}", message); },
                                      nullptr);
  });
}

/// Error(InvalidInput) "<name>: <what>", the shape of every input error (tools match on the name prefix).
[[noreturn]] void invalid(const std::string& name, const std::string& what) {
  throw Error(ErrorCode::InvalidInput, name + ": " + what);
}

}  // namespace

bool looks_like_pdf(std::span<const unsigned char> bytes) {
  constexpr std::string_view kMagic = "%PDF-";
  auto head = bytes.first(std::min<size_t>(bytes.size(), 1024));
  if (std::search(head.begin(), head.end(), kMagic.begin(), kMagic.end()) == head.end()) return false;
  // An image's signature comes first: the same text in its metadata does not make it a PDF.
  try {
    return !read_image_header(bytes);
  } catch (const Error&) {
    return false;  // a truncated image header: still an image
  }
}

PdfDocument::PdfDocument(std::span<const unsigned char> bytes, std::string name) : name_(std::move(name)) {
  if (!looks_like_pdf(bytes)) invalid(name_, "not a PDF (no %PDF- header)");
  if (bytes.size() > static_cast<size_t>(std::numeric_limits<int>::max())) invalid(name_, "PDF larger than 2 GiB");
  route_poppler_messages();
  std::lock_guard lock(poppler_mutex());
  // Not copied (a long PDF is large): poppler reads the caller's bytes, which outlive the document.
  doc_.reset(poppler::document::load_from_raw_data(reinterpret_cast<const char*>(bytes.data()), static_cast<int>(bytes.size())));
  if (!doc_) invalid(name_, "corrupt, truncated or password-protected PDF (poppler could not open it)");
  if (doc_->is_locked()) invalid(name_, "the PDF is encrypted with a password; decrypt it first");
  if (doc_->pages() < 1) invalid(name_, "the PDF has no pages");
}

PdfDocument::~PdfDocument() {
  std::lock_guard lock(poppler_mutex());
  doc_.reset();
}

int PdfDocument::page_count() const { return doc_->pages(); }

namespace {

/// The page's pixel size at `dpi` from its crop box (rotation only swaps the sides).
cv::Size pixel_size(const PdfDocument& doc, const poppler::page& page, int index, double dpi) {
  poppler::rectf box = page.page_rect(poppler::crop_box);
  double w = std::ceil(box.width() * dpi / 72.0), h = std::ceil(box.height() * dpi / 72.0);
  // Beyond INT_MAX a side is no page (and would overflow cv::Size); the pixel limit refuses far less anyway.
  if (!(w >= 1 && h >= 1 && w < INT_MAX && h < INT_MAX)) doc.page_error(index, "has an empty or invalid page box");
  auto o = page.orientation();
  bool swapped = o == poppler::page::landscape || o == poppler::page::seascape;
  return swapped ? cv::Size(static_cast<int>(h), static_cast<int>(w)) : cv::Size(static_cast<int>(w), static_cast<int>(h));
}

}  // namespace

void PdfDocument::page_error(int index, const std::string& what) const {
  invalid(name_, "page " + std::to_string(index + 1) + " of " + std::to_string(page_count()) + " " + what);
}

std::unique_ptr<poppler::page> PdfDocument::open_page(int index) const {
  if (index < 0 || index >= page_count()) invalid(name_, "no page " + std::to_string(index + 1));
  std::unique_ptr<poppler::page> page(doc_->create_page(index));
  if (!page) page_error(index, "cannot be read");
  return page;
}

cv::Size PdfDocument::page_size(int index, double dpi) const {
  std::lock_guard lock(poppler_mutex());
  return pixel_size(*this, *open_page(index), index, dpi);
}

cv::Mat PdfDocument::render(int index, int64_t max_pixels, double dpi) const {
  std::lock_guard lock(poppler_mutex());
  auto page = open_page(index);
  cv::Size size = pixel_size(*this, *page, index, dpi);
  if (static_cast<double>(size.width) * size.height > static_cast<double>(max_pixels))
    page_error(index, fmt::format("would be {}x{} pixels at {:g} DPI, above max_image_pixels ({})", size.width, size.height,
                                  dpi, max_pixels));
  poppler::page_renderer renderer;
  renderer.set_render_hint(poppler::page_renderer::antialiasing, true);
  renderer.set_render_hint(poppler::page_renderer::text_antialiasing, true);
  renderer.set_image_format(poppler::image::format_bgr24);
  renderer.set_paper_color(0xffffffff);  // opaque white, as a printed page
  poppler::image image = renderer.render_page(page.get(), dpi, dpi);
  if (!image.is_valid() || image.width() < 1 || image.height() < 1) page_error(index, "could not be rendered");
  // Rows may be padded: wrap with the renderer's stride, then copy out of poppler's buffer.
  cv::Mat view(image.height(), image.width(), CV_8UC3, const_cast<char*>(image.const_data()),
               static_cast<size_t>(image.bytes_per_row()));
  return view.clone();
}

namespace {

/// True when `word` continues `line`: it overlaps the line's band by half its height and starts less than a
/// line height after the line ends (poppler lists words in reading order).
bool continues_line(const cv::Rect2f& line, const cv::Rect2f& word) {
  const float overlap = std::min(line.br().y, word.br().y) - std::max(line.y, word.y);
  const float h = std::min(line.height, word.height), gap = word.x - line.br().x;
  return overlap >= 0.5f * h && gap > -0.5f * h && gap < 1.0f * h;
}

}  // namespace

std::vector<PdfTextLine> PdfDocument::text_lines(int index, bool& upright_only, double dpi) const {
  std::lock_guard lock(poppler_mutex());
  auto page = open_page(index);
  upright_only = true;
  const double scale = dpi / 72.0;
  std::vector<PdfTextLine> lines;
  bool space_after = false;
  for (const poppler::text_box& word : page->text_list()) {
    if (word.rotation() != 0 || word.get_wmode() == poppler::text_box::vertical_wmode) {
      upright_only = false;
      continue;
    }
    const poppler::rectf b = word.bbox();
    const cv::Rect2f box(static_cast<float>(b.x() * scale), static_cast<float>(b.y() * scale), static_cast<float>(b.width() * scale),
                         static_cast<float>(b.height() * scale));
    const poppler::byte_array utf8 = word.text().to_utf8();
    const std::string text(utf8.begin(), utf8.end());
    if (box.width <= 0 || box.height <= 0 || text.empty()) continue;
    if (!lines.empty() && continues_line(lines.back().box, box)) {
      lines.back().text += (space_after ? " " : "") + text;
      lines.back().box |= box;
    } else {
      lines.push_back({text, box});
    }
    space_after = word.has_space_after();
  }
  return lines;
}

}  // namespace hpocr
