// Greedy CTC decoding (PaddleOCR CTCLabelDecode) and reading the dictionary from a model directory.
#include <gtest/gtest.h>

#include "models/ctc_decoder.h"
#include "unit/unit_helpers.h"

namespace hpocr {
namespace {

using test::fake_model_dir;
using test::throws_error;

/// Probabilities over classes {blank, a, b, space}, one row per time step, given as the argmax and its value.
std::vector<float> steps(std::initializer_list<std::pair<int, float>> s) {
  std::vector<float> out;
  for (auto [cls, p] : s) {
    std::vector<float> row(4, (1 - p) / 3);
    row[cls] = p;
    out.insert(out.end(), row.begin(), row.end());
  }
  return out;
}

/// Decodes one-hot time steps for the given class indices.
Recognition decode_classes(const CtcDecoder& d, std::initializer_list<size_t> classes) {
  std::vector<float> probs(classes.size() * d.num_classes(), 0.f);
  size_t t = 0;
  for (size_t c : classes) probs[t++ * d.num_classes() + c] = 1.f;
  return d.decode(probs.data(), classes.size(), d.num_classes());
}

CtcDecoder decoder_for(const std::string& yml) { return CtcDecoder::from_model(open_model_dir(fake_model_dir(yml, "ctc"), "rec")); }

TEST(CtcDecoder, DropsBlanksMergesRepeatsAndAveragesKeptScores) {
  CtcDecoder d({"a", "b"}, true);
  ASSERT_EQ(d.num_classes(), 4u);
  auto p = steps({{1, 0.9f}, {1, 0.7f}, {0, 0.99f}, {1, 0.8f}, {3, 0.6f}, {2, 1.0f}, {0, 0.9f}});
  Recognition r = d.decode(p.data(), 7, 4);
  EXPECT_EQ(r.text, "aa b");  // a a (merged) | blank | a | space | b
  EXPECT_NEAR(r.score, (0.9 + 0.8 + 0.6 + 1.0) / 4, 1e-5);
  auto blank = steps({{0, 0.9f}, {0, 0.9f}});
  EXPECT_EQ(d.decode(blank.data(), 2, 4).text, "");
  EXPECT_EQ(d.decode(blank.data(), 2, 4).score, 0.f);
}

/// Rows over {blank, a, b, space}: (argmax, its probability, the space class's probability when not the argmax).
std::vector<float> rows(std::initializer_list<std::tuple<int, float, float>> s) {
  std::vector<float> out;
  for (auto [cls, p, space] : s) {
    std::vector<float> row(4, 0.f);
    row[cls] = p;
    if (cls != 3) row[3] = space;
    const float rest = (1 - p - row[3]) / 2;
    for (int c = 0; c < 3; ++c)
      if (c != cls) row[c] = rest;
    out.insert(out.end(), row.begin(), row.end());
  }
  return out;
}

TEST(CtcDecoder, RestoresAWordGapTheSpaceClassAlmostWon) {
  CtcDecoder d({"a", "b"}, true);
  // a | blank (space 0.3) | b | blank (space 0.02) | a: the first gap reaches the threshold, the second does not.
  auto p = rows({{1, 0.9f, 0.f}, {0, 0.6f, 0.3f}, {2, 0.9f, 0.f}, {0, 0.9f, 0.02f}, {1, 0.9f, 0.f}});
  EXPECT_EQ(d.decode(p.data(), 5, 4).text, "aba");  // off by default (PaddleOCR's decoding)
  Recognition r = d.decode(p.data(), 5, 4, 0.05f);
  EXPECT_EQ(r.text, "a ba");
  ASSERT_EQ(r.chars.size(), 4u);
  EXPECT_EQ(r.chars[1].step, 1);  // the restored space sits at the step where the space class peaked
  EXPECT_EQ(r.chars[1].begin, 1);
  EXPECT_EQ(r.chars[2].step, 2);
  EXPECT_NEAR(r.score, 0.9, 1e-5);  // restored spaces do not change the score
  // A gap within a repeated character counts too; a space already read is not doubled; none at the ends.
  auto q = rows({{0, 0.5f, 0.4f}, {1, 0.9f, 0.f}, {1, 0.5f, 0.4f}, {3, 0.9f, 0.f}, {0, 0.5f, 0.4f}, {2, 0.9f, 0.f},
                 {0, 0.5f, 0.4f}});
  EXPECT_EQ(d.decode(q.data(), 7, 4, 0.05f).text, "a b");
  auto u = rows({{1, 0.9f, 0.f}, {1, 0.5f, 0.4f}, {2, 0.9f, 0.f}});
  EXPECT_EQ(d.decode(u.data(), 3, 4, 0.05f).text, "a b");
}

TEST(CtcDecoder, NoSpaceRestoredWithoutASpaceClass) {
  CtcDecoder d({"a", "b", "c"}, false);  // class 3 is "c", not a space
  auto p = rows({{1, 0.9f, 0.f}, {0, 0.6f, 0.3f}, {2, 0.9f, 0.f}});
  EXPECT_EQ(d.decode(p.data(), 3, 4, 0.05f).text, "ab");
}

TEST(CtcDecoder, ZeroStepsGiveEmptyTextAndZeroScore) {
  CtcDecoder d({"a"}, false);
  Recognition r = d.decode(nullptr, 0, d.num_classes());
  EXPECT_EQ(r.text, "");
  EXPECT_EQ(r.score, 0.f);
}

TEST(CtcDecoder, WithoutSpaceCharTheLastClassIsADictionaryEntry) {
  CtcDecoder d({"a", "b", "c"}, false);
  ASSERT_EQ(d.num_classes(), 4u);
  EXPECT_EQ(decode_classes(d, {3, 3, 0, 3, 1}).text, "cca");
}

TEST(CtcDecoder, MultiByteLabelsAreConcatenated) {
  CtcDecoder d({"中", "文", "é"}, true);
  EXPECT_EQ(decode_classes(d, {1, 0, 2, 4, 3, 3}).text, "中文 é");
}

TEST(CtcDecoder, ArgmaxTiesGoToTheLowerClass) {
  CtcDecoder d({"a", "b"}, false);
  std::vector<float> tie_blank = {0.4f, 0.4f, 0.2f}, tie_ab = {0.1f, 0.45f, 0.45f};
  EXPECT_EQ(d.decode(tie_blank.data(), 1, 3).text, "");  // np.argmax takes the first maximum
  EXPECT_EQ(d.decode(tie_ab.data(), 1, 3).text, "a");
}

TEST(CtcDecoder, ReadsInlineAndFileDictionariesAndRefusesMissingOnes) {
  auto dir = test::temp_dir("ctc");
  std::ofstream(dir / "inference.onnx") << "x";
  std::ofstream(dir / "inference.yml") << "PostProcess: {name: CTCLabelDecode, character_dict: ['x', 'y', 'z']}\n";
  EXPECT_EQ(CtcDecoder::from_model(open_model_dir(dir, "rec")).num_classes(), 5u);
  std::ofstream(dir / "keys.txt") << "a\nb\r\n";
  std::ofstream(dir / "inference.yml") << "PostProcess: {character_dict_path: keys.txt, use_space_char: false}\n";
  CtcDecoder d = CtcDecoder::from_model(open_model_dir(dir, "rec"));
  EXPECT_EQ(d.num_classes(), 3u);
  std::ofstream(dir / "inference.yml") << "Global: {model_name: m}\n";
  EXPECT_TRUE(throws_error([&] { CtcDecoder::from_model(open_model_dir(dir, "rec")); }, ErrorCode::ModelFormat, "dictionary"));
}

TEST(CtcDecoder, InlineDictionaryKeepsOrderAndReadsNumbersAsText) {
  CtcDecoder d = decoder_for("PostProcess:\n  character_dict: [0, 1, 'x', '#']\n");
  ASSERT_EQ(d.num_classes(), 6u);  // blank + 4 + space
  EXPECT_EQ(decode_classes(d, {2, 1, 5, 3, 4}).text, "10 x#");
}

TEST(CtcDecoder, DictionaryFileLinesLoseTheirLineEndings) {
  auto dir = fake_model_dir("PostProcess: {character_dict_path: keys.txt}\n", "ctc");
  test::write_text(dir / "keys.txt", "a\r\nb\r\nc");  // CRLF, no final newline
  CtcDecoder d = CtcDecoder::from_model(open_model_dir(dir, "rec"));
  ASSERT_EQ(d.num_classes(), 5u);
  EXPECT_EQ(decode_classes(d, {3, 2, 1}).text, "cba");
}

TEST(CtcDecoder, MalformedDictionariesAreModelFormatErrors) {
  struct Case { const char* yml; const char* needle; };
  for (const Case& c : {Case{"PostProcess: {character_dict_path: missing.txt}\n", "cannot read"},
                        Case{"PostProcess: {character_dict: abc}\n", "must be a list"},
                        Case{"PostProcess: {character_dict: []}\n", "empty"},
                        Case{"PostProcess: {character_dict: [a], use_space_char: maybe}\n", "use_space_char"}}) {
    EXPECT_TRUE(throws_error([&] { decoder_for(c.yml); }, ErrorCode::ModelFormat, c.needle)) << c.yml;
  }
}

}  // namespace
}  // namespace hpocr

namespace hpocr {
namespace {

TEST(TrimSpaces, DropsSpacesAtBothEndsAndKeepsTheCharactersInStep) {
  Recognition r;
  r.text = " ab c ";
  r.chars = {{0, 0, 1}, {2, 1, 2}, {4, 2, 3}, {5, 3, 4}, {7, 4, 5}, {9, 5, 6}};
  trim_spaces(r);
  EXPECT_EQ(r.text, "ab c");
  ASSERT_EQ(r.chars.size(), 4u);
  EXPECT_EQ(r.chars.front().step, 2);
  EXPECT_EQ(r.chars.front().begin, 0);
  EXPECT_EQ(r.chars.back().step, 7);
  EXPECT_EQ(r.chars.back().end, 4);
}

TEST(TrimSpaces, AllSpacesLeaveNothing) {
  Recognition r;
  r.text = "  ";
  r.chars = {{0, 0, 1}, {3, 1, 2}};
  trim_spaces(r);
  EXPECT_EQ(r.text, "");
  EXPECT_TRUE(r.chars.empty());
}

}  // namespace
}  // namespace hpocr
