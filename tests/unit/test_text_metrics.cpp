// Text comparison for accuracy figures: code-point edit distance and counts, and label cleaning (printable).
#include <gtest/gtest.h>

#include "hpocr/text_metrics.h"

namespace hpocr {
namespace {

TEST(TextMetrics, CountsAndDistancesAreInCodePoints) {
  EXPECT_EQ(char_count("Größe 文字"), 8u);
  EXPECT_EQ(edit_distance("文字识别", "文学识别"), 1u);
  EXPECT_EQ(edit_distance("", "abc"), 3u);
  EXPECT_EQ(without_spaces("a b  c"), "abc");
}

TEST(TextMetrics, PrintableDropsControlAndPrivateUseCodePoints) {
  // A PDF's bullet mapped to C1 control U+0088 and a dingbat in the private use area go; accents, CJK stay.
  EXPECT_EQ(printable("\xC2\x88 nopage \xEE\x80\x81\tcafé 文字"), " nopage café 文字");
  EXPECT_EQ(printable("plain"), "plain");
  EXPECT_EQ(printable(""), "");
}

}  // namespace
}  // namespace hpocr
