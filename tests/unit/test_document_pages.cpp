// The INT8 guard's document pages (quant::make_document_page_set): pages of typeset PDFs labelled from their
// text layers, split between calibration and validation without sharing a page, the same on every run, a third
// scanned and a third photographed with their label boxes carried along.
#include <gtest/gtest.h>

#include <fstream>
#include <set>

#include <opencv2/imgproc.hpp>

#include "hpocr/int8.h"
#include "support/pdf_writer.h"
#include "unit_helpers.h"

namespace hpocr::test {
namespace {

/// `files` one-page typeset PDFs (8 lines of real PDF text each) and a file that is not a PDF.
std::filesystem::path write_documents(int files) {
  auto dir = temp_dir("docpages");
  for (int f = 0; f < files; ++f) {
    std::vector<PdfText> texts;
    for (int l = 0; l < 8; ++l)
      texts.push_back({60, 80.0 + 40 * l, 16, "Document " + std::to_string(f) + " line " + std::to_string(l) + " of the page"});
    const auto pdf = make_text_pdf(595, 842, texts);
    std::ofstream(dir / ("doc" + std::to_string(f) + ".pdf"), std::ios::binary).write(reinterpret_cast<const char*>(pdf.data()),
                                                                                         static_cast<std::streamsize>(pdf.size()));
  }
  write_text(dir / "notes.txt", "not a PDF");  // other files are ignored
  return dir;
}

TEST(DocumentPages, LabelledFromTheTextLayerSplitAndReproducible) {
  const auto dir = write_documents(12);
  const auto val = quant::make_document_page_set(dir, 100, quant::PageSplit::Validation);
  const auto cal = quant::make_document_page_set(dir, 100, quant::PageSplit::Calibration);
  EXPECT_EQ(val.size() + cal.size(), 12u);  // every one-page document lands in exactly one split
  EXPECT_FALSE(val.empty());
  EXPECT_FALSE(cal.empty());
  std::set<std::string> names;
  for (const auto* set : {&val, &cal})
    for (const auto& page : *set) {
      const std::string stem = page.name.substr(0, page.name.find("_p"));
      EXPECT_TRUE(names.insert(stem).second) << stem << " is in both splits";
      ASSERT_EQ(page.lines.size(), 8u) << page.name;
      ASSERT_EQ(page.boxes.size(), 8u);
      EXPECT_EQ(page.lines[0], "Document " + stem.substr(3) + " line 0 of the page");
      EXPECT_EQ(page.image.size(), cv::Size(1190, 1684));  // A4 at 144 DPI
    }
  // Pages 1, 4, ... of a set are scanned, 2, 5, ... photographed: their boxes moved off the clean positions.
  ASSERT_GE(val.size(), 3u);
  EXPECT_NE(val[1].name.find("_scan"), std::string::npos);
  EXPECT_NE(val[2].name.find("_photo"), std::string::npos);
  const auto clean = val[0].boxes[0];
  EXPECT_NEAR(clean[0].x, 120, 3);  // 60 pt at 2 px per point
  EXPECT_EQ(clean[0].y, clean[1].y);  // upright and axis-aligned
  EXPECT_NE(val[2].boxes[0][0].y, val[2].boxes[0][1].y);  // the photo's perspective slants the box
  cv::Mat grey;
  cv::cvtColor(val[1].image, grey, cv::COLOR_BGR2GRAY);
  EXPECT_LT(cv::mean(grey)[0], 250);  // scanned paper is grey, not white

  const auto again = quant::make_document_page_set(dir, 100, quant::PageSplit::Validation);
  ASSERT_EQ(again.size(), val.size());
  for (size_t i = 0; i < val.size(); ++i) {
    EXPECT_EQ(again[i].name, val[i].name);
    EXPECT_EQ(cv::norm(again[i].image, val[i].image, cv::NORM_INF), 0) << val[i].name;
  }
  EXPECT_EQ(quant::make_document_page_set(dir, 2, quant::PageSplit::Validation).size(), 2u);
}

TEST(DocumentPages, MixedIntoASetOrLeftOutWithAWarning) {
  std::vector<quant::LabelledImage> set(6);
  for (size_t i = 0; i < set.size(); ++i) set[i].name = "gen" + std::to_string(i);
  EXPECT_EQ(quant::add_document_pages(set, temp_dir("nodocs"), 4, quant::PageSplit::Validation), 0u);
  EXPECT_EQ(set.size(), 6u);
  const auto dir = write_documents(12);
  EXPECT_EQ(quant::add_document_pages(set, dir, 2, quant::PageSplit::Validation), 2u);
  ASSERT_EQ(set.size(), 8u);
  // spread out: neither both first nor both last
  std::vector<size_t> at;
  for (size_t i = 0; i < set.size(); ++i)
    if (set[i].name.rfind("doc", 0) == 0) at.push_back(i);
  ASSERT_EQ(at.size(), 2u);
  EXPECT_GT(at[0], 0u);
  EXPECT_LT(at[1], 7u);
  EXPECT_GE(at[1] - at[0], 3u);
}

}  // namespace
}  // namespace hpocr::test
