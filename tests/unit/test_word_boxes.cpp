// Word texts and boxes from a line's CTC alignment (return_word_box).
#include <gtest/gtest.h>

#include "models/word_boxes.h"

namespace hpocr {
namespace {

/// A recognition whose characters (UTF-8 strings) were emitted at the given time steps.
Recognition line(const std::vector<std::pair<std::string, int>>& chars, float step_px) {
  Recognition r;
  for (const auto& [c, step] : chars) {
    const int begin = static_cast<int>(r.text.size());
    r.text += c;
    r.chars.push_back({step, begin, static_cast<int>(r.text.size())});
  }
  r.step_px = step_px;
  return r;
}

TextCrop flat_crop(int width, int height) {
  TextCrop c;
  c.image = cv::Mat(height, width, CV_8UC3, cv::Scalar::all(255));
  c.to_image = cv::Matx33d(1, 0, 100, 0, 1, 50, 0, 0, 1);  // the crop sits at (100, 50) in the image
  c.inner_top = 0;
  c.inner_bottom = static_cast<float>(height);
  return c;
}

TEST(WordBoxes, LatinWordsAreSplitAtSpacesAndPunctuation) {
  // "ab cd,e": steps 2 apart, 4 px per step
  auto r = line({{"a", 0}, {"b", 2}, {" ", 4}, {"c", 6}, {"d", 8}, {",", 10}, {"e", 12}}, 4.f);
  WordBoxes w = word_boxes(r, flat_crop(60, 20));
  EXPECT_EQ(w.texts, (std::vector<std::string>{"ab", "cd", "e"}));
  ASSERT_EQ(w.regions.size(), 3u);
  // "ab": steps 0..2, pitch 2 steps -> x from (0 + 0.5 - 1) * 4 (clamped to 0) to (2 + 0.5 + 1) * 4 = 14
  EXPECT_EQ(w.regions[0][0], cv::Point(100, 50));
  EXPECT_EQ(w.regions[0][2], cv::Point(114, 70));
  // "cd": (6 - 0.5) * 4 = 22 .. (8 + 1.5) * 4 = 38
  EXPECT_EQ(w.regions[1][0], cv::Point(122, 50));
  EXPECT_EQ(w.regions[1][1], cv::Point(138, 50));
}

TEST(WordBoxes, HyphensAndDecimalPointsStayInTheWord) {
  auto r = line({{"X", 0}, {"R", 1}, {"-", 2}, {"5", 3}, {" ", 4}, {"3", 5}, {".", 6}, {"5", 7}, {".", 8}}, 8.f);
  EXPECT_EQ(word_boxes(r, flat_crop(80, 20)).texts, (std::vector<std::string>{"XR-5", "3.5"}));
}

TEST(WordBoxes, EachCjkCharacterIsAWord) {
  auto r = line({{"文", 0}, {"字", 3}, {"A", 6}, {"1", 8}}, 4.f);
  EXPECT_EQ(word_boxes(r, flat_crop(50, 20)).texts, (std::vector<std::string>{"文", "字", "A1"}));
}

TEST(WordBoxes, RegionsFollowTheCropBackToTheImage) {
  TextCrop crop = flat_crop(40, 10);
  crop.rotate_180();  // the text was upside down in the image: its words run right to left there
  auto r = line({{"a", 1}, {"b", 2}, {" ", 3}, {"c", 6}}, 2.f);
  WordBoxes w = word_boxes(r, crop);
  ASSERT_EQ(w.texts, (std::vector<std::string>{"ab", "c"}));
  EXPECT_GT(w.regions[0][0].x, w.regions[1][0].x);
  EXPECT_EQ(w.regions[0][0].y, 60);  // the word's top-left (as read) is at the image crop's bottom
}

TEST(WordBoxes, NothingForAnEmptyLine) {
  EXPECT_TRUE(word_boxes(Recognition{}, flat_crop(10, 10)).texts.empty());
}

}  // namespace
}  // namespace hpocr
