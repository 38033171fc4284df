// Pages of real typeset PDFs for calibration and the accuracy guard: rendered as PaddleOCR renders PDF input
// (144 DPI), labelled from the PDF's own text layer, a third kept clean, a third made to look scanned and a
// third photographed (docs/int8.md#document-pages).
#include <algorithm>
#include <cmath>
#include <memory>
#include <optional>
#include <random>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "hpocr/error.h"
#include "hpocr/image_decode.h"
#include "hpocr/int8.h"
#include "hpocr/logging.h"
#include "hpocr/pdf_document.h"
#include "hpocr/text_metrics.h"

namespace fs = std::filesystem;

namespace hpocr::quant {
namespace {

constexpr int64_t kMaxPagePixels = 4'000'000;  // A4 at 144 DPI is 2.0 Mpx; larger pages are posters, not documents
constexpr size_t kMinLines = 5, kMinChars = 150;  // fewer: a title page or a figure, too little text to judge on

/// A value in [lo, hi) from the raw generator: std distributions differ between standard libraries, and the
/// same seed must give the same pages everywhere.
double uniform(std::mt19937& rng, double lo, double hi) { return lo + (hi - lo) * (rng() / 4294967296.0); }

/// FNV-1a of the document name and page: which split a page belongs to, the same on every machine.
uint32_t page_hash(const std::string& name, int page) {
  uint32_t h = 2166136261u;
  for (char c : name + "#" + std::to_string(page)) h = (h ^ static_cast<unsigned char>(c)) * 16777619u;
  return h;
}

Quad quad_of(const cv::Rect2f& r) {
  auto p = [](float x, float y) { return cv::Point(static_cast<int>(std::lround(x)), static_cast<int>(std::lround(y))); };
  return {p(r.x, r.y), p(r.br().x, r.y), p(r.br().x, r.br().y), p(r.x, r.br().y)};
}

/// Moves every label box through the 3x3 (perspective) or 2x3 (affine) transform `m` applied to the page.
void transform_boxes(std::vector<Quad>& boxes, const cv::Mat& m) {
  for (Quad& q : boxes) {
    std::vector<cv::Point2f> in(q.begin(), q.end()), out;
    if (m.rows == 3) cv::perspectiveTransform(in, out, m); else cv::transform(in, out, m);
    for (size_t i = 0; i < 4; ++i) q[i] = cv::Point(static_cast<int>(std::lround(out[i].x)), static_cast<int>(std::lround(out[i].y)));
  }
}

cv::Mat jpeg_round_trip(const cv::Mat& image, int quality) {
  std::vector<unsigned char> bytes;
  cv::imencode(".jpg", image, bytes, {cv::IMWRITE_JPEG_QUALITY, quality});
  return cv::imdecode(bytes, cv::IMREAD_COLOR);
}

/// Gaussian noise from cv::theRNG(), which the callers seed from the page's own generator (reproducible).
void add_noise(cv::Mat& image, double sigma) {
  cv::Mat noise(image.size(), CV_16SC3), wide;
  cv::randn(noise, 0, sigma);
  image.convertTo(wide, CV_16SC3);
  wide += noise;
  wide.convertTo(image, CV_8UC3);
}

/// A scanner's page: grey, turned by up to 1.5 degrees, slightly blurred, noisy, saved as a mid-quality JPEG.
void make_scanned(LabelledImage& page, std::mt19937& rng) {
  cv::theRNG().state = rng();
  cv::Mat grey;
  cv::cvtColor(page.image, grey, cv::COLOR_BGR2GRAY);
  cv::cvtColor(grey, page.image, cv::COLOR_GRAY2BGR);
  const double angle = uniform(rng, -1.5, 1.5);
  const cv::Mat m = cv::getRotationMatrix2D(cv::Point2f(page.image.cols / 2.f, page.image.rows / 2.f), angle, 1.0);
  const int paper = static_cast<int>(uniform(rng, 215, 245));
  page.image = page.image * (paper / 255.0);
  cv::warpAffine(page.image, page.image, m, page.image.size(), cv::INTER_LINEAR, cv::BORDER_CONSTANT, cv::Scalar::all(paper));
  transform_boxes(page.boxes, m);
  cv::GaussianBlur(page.image, page.image, {0, 0}, uniform(rng, 0.5, 0.9));
  add_noise(page.image, uniform(rng, 4, 9));
  page.image = jpeg_round_trip(page.image, static_cast<int>(uniform(rng, 45, 70)));
}

/// A phone photo of the page: seen at a slant (each corner moved by up to 4 % of the side), lit unevenly,
/// a little out of focus, JPEG.
void make_photographed(LabelledImage& page, std::mt19937& rng) {
  cv::theRNG().state = rng();
  const float w = static_cast<float>(page.image.cols), h = static_cast<float>(page.image.rows);
  const std::vector<cv::Point2f> from{{0, 0}, {w, 0}, {w, h}, {0, h}};
  std::vector<cv::Point2f> to;
  for (const auto& c : from)
    to.emplace_back(c.x + static_cast<float>(uniform(rng, -0.04, 0.04) * w), c.y + static_cast<float>(uniform(rng, -0.04, 0.04) * h));
  const cv::Mat m = cv::getPerspectiveTransform(from, to);
  cv::warpPerspective(page.image, page.image, m, page.image.size(), cv::INTER_LINEAR, cv::BORDER_CONSTANT, cv::Scalar(70, 80, 90));
  transform_boxes(page.boxes, m);
  // Light falling off from one side: a linear ramp between two brightness factors.
  const double a = uniform(rng, 0.95, 1.05), b = uniform(rng, 0.65, 0.85), dir = uniform(rng, 0, 2 * CV_PI);
  cv::Mat gain(page.image.size(), CV_32F);
  for (int y = 0; y < gain.rows; ++y)
    for (int x = 0; x < gain.cols; ++x) {
      const double t = 0.5 + 0.5 * ((x / w - 0.5) * std::cos(dir) + (y / h - 0.5) * std::sin(dir));
      gain.at<float>(y, x) = static_cast<float>(a + (b - a) * std::clamp(t, 0.0, 1.0));
    }
  cv::Mat f;
  page.image.convertTo(f, CV_32FC3);
  cv::Mat gain3;
  cv::merge(std::vector<cv::Mat>(3, gain), gain3);
  f = f.mul(gain3);
  f.convertTo(page.image, CV_8UC3);
  cv::GaussianBlur(page.image, page.image, {0, 0}, uniform(rng, 0.6, 1.1));
  add_noise(page.image, uniform(rng, 2, 5));
  page.image = jpeg_round_trip(page.image, static_cast<int>(uniform(rng, 70, 85)));
}

/// The page rendered and labelled, or nothing when it is not a text page (too little text, rotated text).
std::optional<LabelledImage> read_page(const PdfDocument& doc, const std::string& stem, int index) {
  bool upright = true;
  const std::vector<PdfTextLine> lines = doc.text_lines(index, upright);
  size_t chars = 0;
  for (const auto& l : lines) chars += char_count(without_spaces(l.text));
  if (!upright || lines.size() < kMinLines || chars < kMinChars) return std::nullopt;
  if (doc.page_size(index).area() > kMaxPagePixels) return std::nullopt;
  LabelledImage page{stem + "_p" + std::to_string(index + 1), doc.render(index, kMaxPagePixels), {}, {}};
  for (const auto& l : lines) {
    page.lines.push_back(printable(l.text));
    page.boxes.push_back(quad_of(l.box));
  }
  return page;
}

}  // namespace

fs::path default_document_dir() { return hpocr_home() / "documents"; }

std::vector<LabelledImage> make_document_page_set(const fs::path& dir, int count, PageSplit split) {
  std::vector<fs::path> files;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec))
    if (e.is_regular_file() && e.path().extension() == ".pdf") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  // Each document's pages of this split in a fixed shuffled order; then round robin over the documents, so
  // that a small set already spans every document.
  std::vector<std::vector<int>> pages(files.size());
  std::vector<std::unique_ptr<PdfDocument>> docs;
  std::vector<std::vector<unsigned char>> bytes(files.size());  // read in place by poppler: kept alive
  std::mt19937 rng(4242);
  for (size_t d = 0; d < files.size(); ++d) {
    try {
      bytes[d] = read_file(files[d]);
      docs.push_back(std::make_unique<PdfDocument>(std::span<const unsigned char>(bytes[d]), files[d].filename().string()));
    } catch (const Error& e) {
      log::warn("document pages: {} skipped: {}", files[d].string(), e.what());
      docs.push_back(nullptr);
      continue;
    }
    const std::string stem = files[d].stem().string();
    for (int p = 0; p < docs[d]->page_count(); ++p)
      if ((page_hash(stem, p) % 2 == 0) == (split == PageSplit::Validation)) pages[d].push_back(p);
    for (size_t i = pages[d].size(); i > 1; --i) std::swap(pages[d][i - 1], pages[d][rng() % i]);
  }
  std::vector<LabelledImage> out;
  std::vector<size_t> next(files.size(), 0);
  for (bool more = true; more && static_cast<int>(out.size()) < count;) {
    more = false;
    for (size_t d = 0; d < files.size() && static_cast<int>(out.size()) < count; ++d) {
      while (docs[d] && next[d] < pages[d].size()) {  // this document's next text page
        more = true;
        auto page = read_page(*docs[d], files[d].stem().string(), pages[d][next[d]++]);
        if (!page) continue;
        std::mt19937 look(page_hash(page->name, 7));
        if (out.size() % 3 == 1) make_scanned(*page, look), page->name += "_scan";
        if (out.size() % 3 == 2) make_photographed(*page, look), page->name += "_photo";
        out.push_back(std::move(*page));
        break;
      }
    }
  }
  return out;
}

size_t add_document_pages(std::vector<LabelledImage>& set, const fs::path& dir, int count, PageSplit split) {
  if (count <= 0) return 0;
  std::vector<LabelledImage> pages = make_document_page_set(dir, count, split);
  if (pages.empty()) {
    log::warn("no document pages in {} (scripts/fetch_documents.sh puts typeset PDFs there): the INT8 guard judges on "
              "generated images alone", dir.string());
    return 0;
  }
  std::vector<LabelledImage> mixed;
  const size_t n = pages.size(), total = set.size() + n;
  for (size_t i = 0, page = 0, other = 0; i < total; ++i) {
    // page k goes to position about (k + 1/2) * total / n
    if (page < n && (other == set.size() || (2 * page + 1) * total <= 2 * i * n + n)) mixed.push_back(std::move(pages[page++]));
    else mixed.push_back(std::move(set[other++]));
  }
  set = std::move(mixed);
  return n;
}

}  // namespace hpocr::quant
