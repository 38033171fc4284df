// PDF input end to end: every page of a PDF is OCRed like the same image given directly (texts equal up to the
// recogniser's spaces, box corners within a few pixels: poppler resamples the page image and edges move), in page order with page_index, through the library and the
// CLI (one <stem>_<page>_res.json per page, as PaddleX names them); page and size limits give clear errors.
#include <fstream>

#include <nlohmann/json.hpp>

#include "hpocr/error.h"
#include "pipeline_fixture.h"
#include "support/pdf_writer.h"

namespace fs = std::filesystem;

namespace hpocr::test {
namespace {

using PdfInput = PipelineTest;

const std::vector<std::vector<std::string>> kPages = {
    {"Invoice INV-2026-0042", "Total: 1,284.50 EUR"},
    {"高性能文字识别", "Page two of three"},
    {"Signed 2026-11-25"},
};

std::vector<cv::Mat> page_images() {
  std::vector<cv::Mat> out;
  for (const auto& lines : kPages) out.push_back(render_lines(lines, test_font()).image);
  return out;
}

fs::path write_pdf(const fs::path& path, const std::vector<cv::Mat>& pages) {
  auto bytes = make_pdf(pages);
  std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  return path;
}

std::vector<OcrResult> ocr_document(const OcrPipeline& p, const fs::path& path) {
  std::vector<OcrResult> out;
  p.predict_document(path, [&](OcrResult&& r) { out.push_back(std::move(r)); });
  return out;
}

TEST_F(PdfInput, EveryPageMatchesTheSameImageGivenDirectly) {
  auto images = page_images();
  fs::path pdf = write_pdf(temp_dir("pdf") / "scan.pdf", images);
  auto results = ocr_document(pipeline(), pdf);
  ASSERT_EQ(results.size(), kPages.size());
  for (size_t i = 0; i < results.size(); ++i) {
    SCOPED_TRACE("page " + std::to_string(i));
    const OcrResult& r = results[i];
    EXPECT_EQ(r.input_path, pdf.string());
    ASSERT_TRUE(r.page_index.has_value());
    EXPECT_EQ(*r.page_index, static_cast<int>(i));
    EXPECT_EQ(r.image.size(), images[i].size());
    OcrResult direct = pipeline().predict(images[i], "page.png");
    ASSERT_EQ(r.rec_texts.size(), kPages[i].size());
    ASSERT_EQ(direct.rec_texts.size(), r.rec_texts.size());
    for (size_t k = 0; k < r.rec_texts.size(); ++k) {
      EXPECT_EQ(without_spaces(r.rec_texts[k]), without_spaces(kPages[i][k]));
      EXPECT_EQ(without_spaces(r.rec_texts[k]), without_spaces(direct.rec_texts[k]));
      for (int c = 0; c < 4; ++c) EXPECT_LE(cv::norm(r.rec_polys[k][c] - direct.rec_polys[k][c]), 4.5) << k << "/" << c;
    }
  }
}

TEST_F(PdfInput, ImagesGiveOneResultAndPdfsAreNotReadAsImages) {
  fs::path dir = temp_dir("pdf_img");
  fs::path png = write_image(page_images()[0], dir / "page.png");
  auto results = ocr_document(pipeline(), png);
  ASSERT_EQ(results.size(), 1u);
  EXPECT_FALSE(results[0].page_index.has_value());
  EXPECT_EQ(results[0].rec_texts.size(), kPages[0].size());
  fs::path pdf = write_pdf(dir / "doc.pdf", page_images());
  try {
    pipeline().predict_file(pdf);
    ADD_FAILURE() << "a PDF was read as one image";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::InvalidInput);
    EXPECT_NE(std::string(e.what()).find("holds a PDF"), std::string::npos) << e.what();
  }
}

TEST_F(PdfInput, PageCountAndPageSizeLimitsAreEnforcedBeforeRendering) {
  fs::path dir = temp_dir("pdf_limits");
  fs::path pdf = write_pdf(dir / "three.pdf", page_images());
  OcrOptions o;
  o.max_pdf_pages = 2;
  OcrPipeline limited(o);
  size_t delivered = 0;
  try {
    limited.predict_document(pdf, [&](OcrResult&&) { ++delivered; });
    ADD_FAILURE() << "accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::InvalidInput);
    EXPECT_NE(std::string(e.what()).find("the PDF has 3 pages, above max_pdf_pages (2)"), std::string::npos) << e.what();
  }
  EXPECT_EQ(delivered, 0u);  // refused before the first page
  o.max_pdf_pages = 0;
  o.max_image_pixels = 100'000;  // page 1 (about 500x150) fits, A4 at 144 DPI does not
  auto a4 = make_blank_pdf(595, 842);
  std::ofstream(dir / "a4.pdf", std::ios::binary).write(reinterpret_cast<const char*>(a4.data()), static_cast<std::streamsize>(a4.size()));
  OcrPipeline small(o);
  try {
    small.predict_document(dir / "a4.pdf", [](OcrResult&&) {});
    ADD_FAILURE() << "accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("a4.pdf: page 1 of 1 would be 1190x1684 pixels at 144 DPI, above max_image_pixels"),
              std::string::npos) << e.what();
  }
}

TEST_F(PdfInput, CliWritesOneResultFilePerPage) {
  fs::path dir = temp_dir("pdf_cli");
  fs::path in = dir / "in";
  fs::create_directories(in);
  write_pdf(in / "scan.pdf", page_images());
  write_image(page_images()[0], in / "single.png");
  CommandResult r = run_cli("ocr -i " + in.string() + " --save_path " + (dir / "out").string());
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("scan.pdf page 3"), std::string::npos) << r.out;
  for (int i = 0; i < 3; ++i) {
    fs::path json_file = dir / "out" / ("scan_" + std::to_string(i) + "_res.json");
    ASSERT_TRUE(fs::exists(json_file)) << json_file;
    auto j = nlohmann::json::parse(std::ifstream(json_file));
    EXPECT_EQ(j["page_index"], i);
    EXPECT_EQ(j["input_path"], (in / "scan.pdf").string());
    EXPECT_EQ(j["rec_texts"].size(), kPages[i].size());
    EXPECT_TRUE(fs::exists(dir / "out" / ("scan_" + std::to_string(i) + "_ocr_res_img.png")));
  }
  EXPECT_TRUE(fs::exists(dir / "out" / "single_res.json"));
  CommandResult limited = run_cli("ocr -i " + (in / "scan.pdf").string() + " --max_pdf_pages 1");
  EXPECT_EQ(limited.exit_code, 1) << limited.out;
  EXPECT_NE(limited.out.find("above max_pdf_pages (1)"), std::string::npos) << limited.out;
}

}  // namespace
}  // namespace hpocr::test
