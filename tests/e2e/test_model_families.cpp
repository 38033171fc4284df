// End-to-end: every installed model family (ocr_version) reads rendered pages of known text, and the newer
// families read what PP-OCRv4's dictionary cannot hold (accented Latin letters, typographic quotes, ligatures).
#include <gtest/gtest.h>

#include <algorithm>

#include "hpocr/error.h"
#include "hpocr/model_catalog.h"
#include "hpocr/pipeline.h"
#include "hpocr/text_metrics.h"
#include "support/test_support.h"

namespace hpocr::test {
namespace {

/// The family's pipeline, or nullptr (the test skips) when its models are not installed.
std::unique_ptr<OcrPipeline> family_pipeline(const std::string& family) {
  OcrOptions o;
  o.ocr_version = family;
  for (ModelRole role : kModelRoles)
    if (role_used(o, role)) try {
        choose_model(o, role);
      } catch (const Error&) {
        return nullptr;
      }
  return std::make_unique<OcrPipeline>(o);
}

std::string joined(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& l : lines) out += l + "\n";
  return out;
}

class ModelFamily : public ::testing::TestWithParam<std::string> {};

TEST_P(ModelFamily, ReadsEnglishAndChineseLinesInOrder) {
  auto pipeline = family_pipeline(GetParam());
  if (!pipeline) GTEST_SKIP() << GetParam() << " is not installed: run scripts/setup.sh";
  PageStyle style;
  style.font_px = 30;
  const RenderedPage latin = render_lines({"Shipping address: 42 Harbour Road", "Order 48213907 total 1,234.56"}, latin_font(), style);
  const RenderedPage chinese = render_lines({"高性能文字识别", "北京市海淀区中关村大街"}, test_font(), style);
  for (const RenderedPage* page : {&latin, &chinese}) {
    const OcrResult r = pipeline->predict(page->image, GetParam());
    ASSERT_EQ(r.rec_texts.size(), page->lines.size()) << GetParam() << ":\n" << joined(r.rec_texts);
    for (size_t i = 0; i < page->lines.size(); ++i)
      EXPECT_LE(edit_distance(without_spaces(r.rec_texts[i]), without_spaces(page->lines[i])), 1)
          << GetParam() << " read '" << r.rec_texts[i] << "' for '" << page->lines[i] << "'";
  }
}

INSTANTIATE_TEST_SUITE_P(Installed, ModelFamily, ::testing::ValuesIn(model_families()),
                         [](const auto& info) { return info.param.substr(std::string("PP-OCR").size()); });

// Lines with letters and marks PP-OCRv4's dictionary lacks; U+FB01/U+FB02 are drawn as the ligature glyphs and
// must read as the letters "fi"/"fl".
struct Typography {
  std::vector<std::string> drawn, expected;
};

Typography typography() {
  return {{"Le paramètre « déjà vu » est réglé", "Größe der Maßnahme: ökonomisch", "Configuración del año — señal",
           "The ﬁnal ﬂow report"},
          {"Le paramètre « déjà vu » est réglé", "Größe der Maßnahme: ökonomisch", "Configuración del año — señal",
           "The final flow report"}};
}

/// Characters misread over the typography lines (spaces ignored).
size_t typography_errors(const OcrPipeline& pipeline) {
  const Typography t = typography();
  PageStyle style;
  style.font_px = 30;
  const RenderedPage page = render_lines(t.drawn, latin_font(), style);
  const OcrResult r = pipeline.predict(page.image, "typography");
  return edit_distance(without_spaces(joined(r.rec_texts)), without_spaces(joined(t.expected)));
}

TEST(ModelFamilies, TheDefaultFamilyReadsAccentsQuotesAndLigaturesThatV4Cannot) {
  if (default_ocr_version() == "PP-OCRv4") GTEST_SKIP() << "the default family is PP-OCRv4 itself";
  auto v4 = family_pipeline("PP-OCRv4");
  auto current = family_pipeline(std::string(default_ocr_version()));
  if (!v4 || !current) GTEST_SKIP() << "PP-OCRv4 or the default family is not installed: run scripts/setup.sh";
  const size_t old_errors = typography_errors(*v4), new_errors = typography_errors(*current);
  EXPECT_LE(new_errors, 1u) << default_ocr_version() << " misread " << new_errors << " characters";
  EXPECT_GE(old_errors, 6u) << "PP-OCRv4's dictionary has no ö, ß, é, «, ...: it cannot read these lines";
}

}  // namespace
}  // namespace hpocr::test

namespace hpocr::test {
namespace {

/// A column of CJK characters drawn top to bottom.
cv::Mat vertical_column(const std::string& utf8_chars) {
  std::vector<std::string> chars;
  for (size_t i = 0; i < utf8_chars.size();) {  // split into code points (3-byte CJK here)
    const unsigned char c = static_cast<unsigned char>(utf8_chars[i]);
    const size_t n = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    chars.push_back(utf8_chars.substr(i, n));
    i += n;
  }
  PageStyle style;
  style.font_px = 34;
  style.line_spacing = 1.15;
  style.margin = 12;
  return render_lines(chars, test_font(), style).image;
}

TEST(ModelFamilies, VerticalColumnsAreReadTopToBottomRightToLeft) {
  if (!default_models_present()) GTEST_SKIP() << "default models not installed: run scripts/setup.sh";
  const std::string right = "北京市海淀区", left = "高性能文字识别";
  const cv::Mat r = vertical_column(right), l = vertical_column(left);
  cv::Mat page(std::max(r.rows, l.rows) + 40, r.cols + l.cols + 120, CV_8UC3, cv::Scalar(255, 255, 255));
  l.copyTo(page(cv::Rect(20, 20, l.cols, l.rows)));
  r.copyTo(page(cv::Rect(l.cols + 100, 20, r.cols, r.rows)));
  static const OcrOptions defaults;
  const OcrResult res = OcrPipeline(defaults).predict(page, "vertical");
  ASSERT_EQ(res.rec_texts.size(), 2u) << joined(res.rec_texts);
  EXPECT_LE(edit_distance(res.rec_texts[0], right), 1) << joined(res.rec_texts);
  EXPECT_LE(edit_distance(res.rec_texts[1], left), 1) << joined(res.rec_texts);
}

}  // namespace
}  // namespace hpocr::test
