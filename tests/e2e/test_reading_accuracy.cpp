// End-to-end: what hpocr adds to PaddleOCR's reading (docs/accuracy.md): the recogniser's crop margin, the
// orientation check and word boxes, on rendered lines of known text; paddle_compat keeps PaddleOCR's behaviour.
#include <algorithm>

#include <opencv2/imgproc.hpp>

#include "hpocr/text_metrics.h"
#include "models/geometry.h"
#include "pipeline_fixture.h"

namespace hpocr::test {
namespace {

/// Latin lines with several word spaces and characters at the box edges, which tight crops misread.
const std::vector<std::string> kSpaced = {"Model XR-500 Serial 0094", "Seat 23A Economy Class", "Gate B12 now boarding",
                                          "Total 1,234.56 EUR", "Room 7 is on the left"};

/// Long lines: the orientation classifier squeezes them to 192 px wide, where 0° and 180° look alike.
const std::vector<std::string> kLong = {
    "Force group ready stop? Right appear kill public public grow grow year",
    "The quick brown fox jumps over the lazy dog again and again, said everybody",
    "Tickets: Adult 95.92, Child 45.10. Light 348 private air moment set area"};

const OcrPipeline& compat_pipeline() {
  static const OcrOptions o = [] {
    OcrOptions c;
    c.paddle_compat = true;
    return c;
  }();
  static const OcrPipeline p{o};
  return p;
}

size_t exact_lines(const std::vector<std::string>& got, const std::vector<std::string>& want) {
  size_t n = 0;
  for (size_t i = 0; i < std::min(got.size(), want.size()); ++i) n += got[i] == want[i];
  return n;
}

TEST_F(PipelineTest, MarginCropsKeepWordSpacesAndEdgeCharacters) {
  RenderedPage page = render_lines(kSpaced, latin_font());
  OcrResult r = pipeline().predict(page.image);
  ASSERT_EQ(r.rec_texts.size(), kSpaced.size());
  EXPECT_EQ(r.rec_texts, kSpaced) << "every line read exactly, spaces included";
  OcrResult compat = compat_pipeline().predict(page.image);
  // The boxes are PaddleOCR's either way; only what the recogniser sees differs.
  EXPECT_EQ(r.dt_polys, compat.dt_polys);
  EXPECT_EQ(r.rec_polys, compat.rec_polys);
  EXPECT_GE(exact_lines(r.rec_texts, kSpaced), exact_lines(compat.rec_texts, kSpaced));
}

TEST_F(PipelineTest, SpaceRestorationFollowsItsParameter) {
  // text_rec_space_thresh 0 turns the restoration of dropped word gaps off: the same characters, no more spaces.
  RenderedPage page = render_lines(kSpaced, latin_font());
  OcrOptions off;
  off.text_rec_space_thresh = 0.f;
  OcrResult plain = OcrPipeline(off).predict(page.image), restored = pipeline().predict(page.image);
  ASSERT_EQ(plain.rec_texts.size(), restored.rec_texts.size());
  size_t spaces_plain = 0, spaces_restored = 0;
  for (size_t i = 0; i < plain.rec_texts.size(); ++i) {
    EXPECT_EQ(without_spaces(plain.rec_texts[i]), without_spaces(restored.rec_texts[i]));
    spaces_plain += std::count(plain.rec_texts[i].begin(), plain.rec_texts[i].end(), ' ');
    spaces_restored += std::count(restored.rec_texts[i].begin(), restored.rec_texts[i].end(), ' ');
  }
  EXPECT_LE(spaces_plain, spaces_restored);
  EXPECT_EQ(restored.rec_texts, kSpaced);
}

TEST_F(PipelineTest, LinesSplitAtWideWordGapsAreJoinedAndReadWhole) {
  const std::vector<std::string> lines = {"Open   Monday   to   Friday", "Gate   B12   now   boarding"};
  RenderedPage page = render_lines(lines, latin_font());
  // PP-OCRv4's detector splits these lines at their gaps (PP-OCRv6's keeps them whole).
  OcrOptions v4, v4_compat;
  v4.ocr_version = v4_compat.ocr_version = "PP-OCRv4";
  v4_compat.paddle_compat = true;
  OcrResult compat = OcrPipeline(v4_compat).predict(page.image);
  ASSERT_GT(compat.dt_polys.size(), lines.size()) << "PaddleOCR's DB boxes split these lines at their gaps";
  OcrResult r = OcrPipeline(v4).predict(page.image);
  ASSERT_EQ(r.rec_texts.size(), lines.size());
  EXPECT_EQ(r.rec_texts[0], "Open Monday to Friday");
  EXPECT_EQ(r.rec_texts[1], "Gate B12 now boarding");
  for (size_t i = 0; i < lines.size(); ++i) {  // each joined box spans its whole line
    const auto b = bounding_box(r.rec_polys[i]);
    const cv::Rect box(b[0], b[1], b[2] - b[0], b[3] - b[1]), drawn = page.line_rects[i];
    EXPECT_GE((box & drawn).area(), 0.9 * drawn.area()) << lines[i];
    EXPECT_LE(box.area(), 2.5 * drawn.area()) << lines[i];
  }
}

TEST_F(PipelineTest, OrientationCheckReadsLongLinesTheRightWayUpInBothOrientations) {
  PageStyle style;
  style.font_px = 26;
  RenderedPage page = render_lines(kLong, latin_font(), style);
  cv::Mat flipped;
  cv::rotate(page.image, flipped, cv::ROTATE_180);
  OcrResult upright = pipeline().predict(page.image);
  OcrResult turned = pipeline().predict(flipped);
  ASSERT_EQ(upright.rec_texts.size(), kLong.size());
  ASSERT_EQ(turned.rec_texts.size(), kLong.size());
  std::vector<std::string> reversed(kLong.rbegin(), kLong.rend());  // the last line is now on top
  for (size_t i = 0; i < kLong.size(); ++i) {
    EXPECT_EQ(without_spaces(upright.rec_texts[i]), without_spaces(kLong[i]));
    EXPECT_EQ(without_spaces(turned.rec_texts[i]), without_spaces(reversed[i]));
    EXPECT_GT(upright.rec_scores[i], 0.9f);
    EXPECT_GT(turned.rec_scores[i], 0.9f);
  }
  // The angles say which way each line was finally read.
  EXPECT_EQ(upright.textline_orientation_angles, std::vector<int>(kLong.size(), 0));
  EXPECT_EQ(turned.textline_orientation_angles, std::vector<int>(kLong.size(), 1));
}

/// Left and right ends (x) of each word of `line` as drawn at `origin_x` with `font_px`.
std::vector<std::pair<int, int>> word_spans(const std::string& line, int origin_x, int font_px) {
  std::vector<std::pair<int, int>> spans;
  for (size_t begin = 0; begin < line.size();) {
    size_t end = line.find(' ', begin);
    if (end == std::string::npos) end = line.size();
    spans.push_back({origin_x + latin_font().measure(line.substr(0, begin), font_px).width,
                     origin_x + latin_font().measure(line.substr(0, end), font_px).width});
    begin = end + 1;
  }
  return spans;
}

TEST_F(PipelineTest, WordBoxesSplitLinesIntoWordsWhereTheyWereDrawn) {
  RenderedPage page = render_lines({"Seat 23A Economy Class", "Order 4821 shipped"}, latin_font());
  PredictParams params;
  params.return_word_box = true;
  OcrResult r = pipeline().predict(page.image, "", params);
  ASSERT_TRUE(r.return_word_box);
  ASSERT_EQ(r.text_word.size(), 2u);
  ASSERT_EQ(r.text_word_region.size(), 2u);
  EXPECT_EQ(r.text_word[0], (std::vector<std::string>{"Seat", "23A", "Economy", "Class"}));
  EXPECT_EQ(r.text_word[1], (std::vector<std::string>{"Order", "4821", "shipped"}));
  for (size_t l = 0; l < 2; ++l) {
    const auto spans = word_spans(page.lines[l], page.line_rects[l].x, PageStyle{}.font_px);
    ASSERT_EQ(r.text_word_region[l].size(), spans.size());
    for (size_t w = 0; w < spans.size(); ++w) {
      const Quad& q = r.text_word_region[l][w];
      const int left = std::min(q[0].x, q[3].x), right = std::max(q[1].x, q[2].x);
      const int centre_y = (q[0].y + q[3].y) / 2;
      SCOPED_TRACE(r.text_word[l][w]);
      // The box covers the word's middle and stays within about a character of its drawn ends.
      const int middle = (spans[w].first + spans[w].second) / 2, slack = PageStyle{}.font_px * 3 / 4;
      EXPECT_LT(left, middle);
      EXPECT_GT(right, middle);
      EXPECT_GT(left, spans[w].first - slack);
      EXPECT_LT(right, spans[w].second + slack);
      EXPECT_TRUE(page.line_rects[l].contains({middle, centre_y}));
    }
  }
  OcrResult plain = pipeline().predict(page.image);
  EXPECT_FALSE(plain.return_word_box);
  EXPECT_TRUE(plain.text_word.empty());
}

TEST_F(PipelineTest, WordBoxesOfUpsideDownTextAreInImageCoordinates) {
  RenderedPage page = render_lines({"Seat 23A Economy Class"}, latin_font());
  cv::Mat flipped;
  cv::rotate(page.image, flipped, cv::ROTATE_180);
  PredictParams params;
  params.return_word_box = true;
  OcrResult r = pipeline().predict(flipped, "", params);
  ASSERT_EQ(r.text_word.size(), 1u);
  EXPECT_EQ(r.text_word[0], (std::vector<std::string>{"Seat", "23A", "Economy", "Class"}));
  // Read from the right of the image to the left: each next word lies further left.
  const auto& q = r.text_word_region[0];
  for (size_t w = 1; w < q.size(); ++w) EXPECT_LT(q[w][0].x, q[w - 1][0].x);
  const cv::Rect line = page.line_rects[0];
  const cv::Rect turned(flipped.cols - line.x - line.width, flipped.rows - line.y - line.height, line.width, line.height);
  for (const auto& word : q) EXPECT_TRUE(turned.contains((word[0] + word[2]) / 2));
}

}  // namespace
}  // namespace hpocr::test
