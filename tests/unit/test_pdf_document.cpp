// PDF input: recognising PDFs, page counts, rendering at 144 DPI back to the embedded image's pixels, and a
// clear Error(InvalidInput) for every damaged or oversized document.
#include <gtest/gtest.h>

#include <map>

#include <opencv2/imgproc.hpp>

#include "hpocr/error.h"
#include "hpocr/pdf_document.h"
#include "support/pdf_writer.h"
#include "unit_helpers.h"

namespace hpocr::test {
namespace {

std::vector<unsigned char> bytes(std::string_view s) { return {s.begin(), s.end()}; }

/// A page with structure (bands of grey levels and a black frame), so rendering errors show in the pixels.
cv::Mat pattern(int w, int h) {
  cv::Mat m(h, w, CV_8UC3, cv::Scalar(255, 255, 255));
  for (int x = 0; x < w; x += 16) cv::rectangle(m, {x, h / 4}, {x + 7, 3 * h / 4}, cv::Scalar(x % 256, 80, 200 - x % 200), cv::FILLED);
  cv::rectangle(m, {0, 0}, {w - 1, h - 1}, cv::Scalar(0, 0, 0), 2);
  cv::rectangle(m, {4, 4}, {w / 3, h / 5}, cv::Scalar(0, 0, 0), cv::FILLED);  // top left: a flip would show
  return m;
}

/// Success when `f` throws Error(InvalidInput) whose message contains `needle`.
testing::AssertionResult refused(const std::function<void()>& f, std::string_view needle) {
  return throws_error(f, ErrorCode::InvalidInput, needle);
}

TEST(PdfDocument, RecognisesThePdfHeader) {
  EXPECT_TRUE(looks_like_pdf(bytes("%PDF-1.7\n")));
  EXPECT_TRUE(looks_like_pdf(bytes("\xef\xbb\xbf  %PDF-1.4")));  // junk before the header, as readers allow
  EXPECT_FALSE(looks_like_pdf(bytes("%PDF")));
  EXPECT_FALSE(looks_like_pdf(bytes("\x89PNG\r\n")));
  EXPECT_FALSE(looks_like_pdf({}));
  std::string late(1100, ' ');
  EXPECT_FALSE(looks_like_pdf(bytes(late + "%PDF-1.4")));
  // A PNG whose metadata holds the same text is still an image.
  auto png = encode(cv::Mat(8, 8, CV_8UC3, cv::Scalar(255, 255, 255)), ".png");
  const std::string text_chunk = "%PDF-1.4 in a comment";
  png.insert(png.begin() + 33, text_chunk.begin(), text_chunk.end());  // after the IHDR chunk
  EXPECT_FALSE(looks_like_pdf(png));
}

TEST(PdfDocument, RendersEachPageBackToItsImage) {
  const std::vector<cv::Mat> pages = {pattern(320, 200), pattern(96, 400)};
  const auto file = make_pdf(pages);
  PdfDocument pdf(file, "doc.pdf");
  ASSERT_EQ(pdf.page_count(), 2);
  for (int i = 0; i < 2; ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ(pdf.page_size(i), pages[i].size());
    cv::Mat rendered = pdf.render(i, 1'000'000);
    ASSERT_EQ(rendered.type(), CV_8UC3);
    ASSERT_EQ(rendered.size(), pages[i].size());
    // Poppler resamples the image onto the page grid: not bit-exact (edges move by up to a pixel), but close;
    // a flipped, shifted or rescaled page would differ by far more.
    EXPECT_LT(cv::norm(rendered, pages[i], cv::NORM_L1) / pages[i].total() / 3, 12.0);
    cv::Mat flipped;
    cv::flip(pages[i], flipped, 0);
    EXPECT_GT(cv::norm(rendered, flipped, cv::NORM_L1) / pages[i].total() / 3, 30.0);
  }
  // At 72 DPI a page is half the size.
  EXPECT_EQ(pdf.render(0, 1'000'000, 72).size(), cv::Size(160, 100));
}

TEST(PdfDocument, DamagedAndOversizedDocumentsAreRefusedClearly) {
  auto good = make_pdf({pattern(64, 32)});
  const auto hello = bytes("hello"), header_only = bytes("%PDF-1.4\n");
  EXPECT_TRUE(refused([&] { PdfDocument(hello, "a.pdf"); }, "a.pdf: not a PDF"));
  EXPECT_TRUE(refused([&] { PdfDocument(header_only, "b.pdf"); }, "b.pdf: corrupt, truncated"));
  auto head = good;
  head.resize(40);
  EXPECT_TRUE(refused([&] { PdfDocument(head, "c.pdf"); }, "corrupt, truncated"));
  const auto no_pages = bytes("%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [] "
                              "/Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n");
  EXPECT_TRUE(refused([&] { PdfDocument(no_pages, "d.pdf"); }, "d.pdf: the PDF has no pages"));
  const auto huge_file = make_blank_pdf(14400, 14400);
  PdfDocument huge(huge_file, "e.pdf");
  EXPECT_EQ(huge.page_size(0), cv::Size(28800, 28800));
  EXPECT_TRUE(refused([&] { huge.render(0, 100'000'000); }, "e.pdf: page 1 of 1 would be 28800x28800 pixels at 144 DPI"));
  PdfDocument one(good, "f.pdf");
  EXPECT_TRUE(refused([&] { one.render(1, 1'000'000); }, "f.pdf: no page 2"));
  EXPECT_TRUE(refused([&] { one.page_size(-1); }, "no page 0"));
}

}  // namespace
}  // namespace hpocr::test

namespace hpocr::test {
namespace {

TEST(PdfDocument, TextLayerComesBackAsLinesInPixels) {
  // Two words on one baseline form one line; a gap wider than the line height starts another (a table's next
  // cell); the next baseline is a line of its own; rotated text is left out and reported.
  const auto pdf = make_text_pdf(400, 300, {{50, 60, 20, "Hello"},
                                            {110, 60, 20, "world"},
                                            {300, 60, 20, "cell"},
                                            {50, 120, 20, "Second line"},
                                            {50, 250, 12, "turned", 90}});
  PdfDocument doc(pdf, "text.pdf");
  bool upright = true;
  const auto lines = doc.text_lines(0, upright);
  EXPECT_FALSE(upright);
  // Poppler orders lines by its own layout analysis (here the right-hand "cell" as a column of its own).
  std::map<std::string, cv::Rect2f> box;
  for (const auto& l : lines) box[l.text] = l.box;
  ASSERT_EQ(box.size(), 3u);
  ASSERT_TRUE(box.count("Hello world") && box.count("cell") && box.count("Second line"));
  // 144 DPI = 2 px per point: the first line starts at x 100 px, its baseline at y 120 px lies inside its box.
  const cv::Rect2f first = box["Hello world"];
  EXPECT_NEAR(first.x, 100, 3);
  EXPECT_LT(first.y, 120);
  EXPECT_GT(first.br().y, 110);
  EXPECT_GT(first.width, 2 * (110 - 50));
  EXPECT_LT(first.br().y, box["Second line"].y);
  EXPECT_NEAR(box["cell"].x, 600, 3);

  const auto blank = make_blank_pdf(200, 200);
  PdfDocument empty(blank, "blank.pdf");
  EXPECT_TRUE(empty.text_lines(0, upright).empty());
  EXPECT_TRUE(upright);
}

}  // namespace
}  // namespace hpocr::test
