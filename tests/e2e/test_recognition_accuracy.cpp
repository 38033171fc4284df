// End-to-end: rendered lines of known text through the real pipeline.
#include <opencv2/imgproc.hpp>

#include "pipeline_fixture.h"

namespace hpocr::test {
namespace {

struct Case {
  const char* name;
  std::vector<std::string> lines;
  int font_px;
  bool latin = true;  ///< Latin-only lines use latin_font(), the rest the CJK font

  RenderedPage render() const {
    PageStyle style;
    style.font_px = font_px;
    return render_lines(lines, latin ? latin_font() : test_font(), style);
  }
};

// Shown by gtest/ctest instead of the struct's bytes.
void PrintTo(const Case& c, std::ostream* os) { *os << c.name; }

const Case kCases[] = {
    {"english", {"Quarterly report for the board", "Shipping address: 42 Harbour Road", "Please reply before Friday"}, 32},
    {"digits", {"2026-11-25 08:30", "Order 48213907", "Total 1,234.56", "Tel 010-88886666"}, 30},
    {"chinese", {"高性能文字识别", "今天天气很好", "北京市海淀区中关村大街"}, 34, false},
    {"mixed", {"价格99.50元", "第3章概述", "共计1280人"}, 32, false},
    {"small_font", {"small print matters too", "reference number 7730142"}, 18},
    {"large_font", {"Big Title 2026"}, 48},
};

class RecognitionAccuracy : public PipelineTest, public ::testing::WithParamInterface<Case> {};

TEST_P(RecognitionAccuracy, RecognisesEveryLineExactlyInOrderUpToSpaces) {
  const Case& c = GetParam();
  RenderedPage page = c.render();
  OcrResult r = pipeline().predict(page.image, c.name);
  ASSERT_EQ(r.rec_texts.size(), c.lines.size()) << "one text per rendered line expected";
  for (size_t i = 0; i < c.lines.size(); ++i) {
    EXPECT_EQ(without_spaces(r.rec_texts[i]), without_spaces(c.lines[i])) << "line " << i << ": " << r.rec_texts[i];
    EXPECT_GT(r.rec_scores[i], 0.8f) << "line " << i;
  }
}

TEST_P(RecognitionAccuracy, BoxesCoverTheRenderedLines) {
  const Case& c = GetParam();
  RenderedPage page = c.render();
  OcrResult r = pipeline().predict(page.image, c.name);
  ASSERT_EQ(r.rec_boxes.size(), page.line_rects.size());
  for (size_t i = 0; i < page.line_rects.size(); ++i) {
    const auto& b = r.rec_boxes[i];
    cv::Rect box(b[0], b[1], b[2] - b[0], b[3] - b[1]);
    cv::Rect line = page.line_rects[i];
    // The ink of a line is inside its layout rect; the detected box must hold most of that rect horizontally
    // and overlap it vertically, and must not reach into the neighbouring line.
    double covered = static_cast<double>((box & line).area()) / line.area();
    EXPECT_GT(covered, 0.6) << "line " << i << " box " << box << " rect " << line;
    EXPECT_GE(box.x, line.x - c.font_px / 2);
    EXPECT_LE(box.x + box.width, line.x + line.width + c.font_px / 2);
    int pitch = static_cast<int>(c.font_px * PageStyle{}.line_spacing);
    EXPECT_LT(std::abs((box.y + box.height / 2) - (line.y + line.height / 2)), pitch / 2);
  }
}

INSTANTIATE_TEST_SUITE_P(Rendered, RecognitionAccuracy, ::testing::ValuesIn(kCases),
                         [](const auto& info) { return std::string(info.param.name); });

TEST_F(PipelineTest, CharacterAccuracyOverAllCasesIsHigh) {
  size_t chars = 0, errors = 0, chars_sp = 0, errors_sp = 0;
  for (const Case& c : kCases) {
    OcrResult r = pipeline().predict(c.render().image);
    std::string got, want;
    for (const auto& t : r.rec_texts) got += t + "\n";
    for (const auto& t : c.lines) want += t + "\n";
    chars_sp += char_count(want);
    errors_sp += edit_distance(got, want);
    chars += char_count(without_spaces(want));
    errors += edit_distance(without_spaces(got), without_spaces(want));
  }
  double accuracy = 1.0 - static_cast<double>(errors) / chars;
  double accuracy_sp = 1.0 - static_cast<double>(errors_sp) / chars_sp;
  std::printf("character accuracy: %.4f without spaces (%zu errors in %zu chars), %.4f counting spaces\n", accuracy,
              errors, chars, accuracy_sp);
  EXPECT_GE(accuracy, 0.99);
  EXPECT_GE(accuracy_sp, 0.93);
}

TEST_F(PipelineTest, EmptyPageHasNoText) {
  cv::Mat blank(300, 400, CV_8UC3, cv::Scalar(255, 255, 255));
  OcrResult r = pipeline().predict(blank);
  EXPECT_TRUE(r.dt_polys.empty());
  EXPECT_TRUE(r.rec_texts.empty());
}

}  // namespace
}  // namespace hpocr::test
