// The generated bad-image corpus against the library's decoder: every entry that must fail is refused with
// Error(InvalidInput) naming the input, and the others decode cleanly or are refused the same way.
#include <gtest/gtest.h>

#include <set>

#include "hpocr/error.h"
#include "hpocr/image_decode.h"
#include "support/bad_inputs.h"

namespace hpocr::test {
namespace {

TEST(BadImageCorpus, HasEveryKindAndUniqueNames) {
  auto corpus = bad_image_corpus();
  EXPECT_GE(corpus.size(), 60u);
  std::set<std::string> names;
  for (const auto& c : corpus) EXPECT_TRUE(names.insert(c.name).second) << "duplicate " << c.name;
  for (const char* kind : {"truncated", "bitflip", "65535x65535", "zero_width", "1x1", "bomb", "random", "empty"}) {
    bool found = false;
    for (const auto& n : names) found |= n.find(kind) != std::string::npos;
    EXPECT_TRUE(found) << kind;
  }
}

TEST(BadImageCorpus, DecodeRefusesOrDecodesCleanly) {
  for (const auto& c : bad_image_corpus()) {
    SCOPED_TRACE(c.name);
    try {
      cv::Mat m = decode_image(c.bytes, kCorpusMaxPixels, c.name);
      EXPECT_FALSE(c.must_fail) << "decoded although it must be refused";
      EXPECT_EQ(m.type(), CV_8UC3);
      EXPECT_GE(std::min(m.cols, m.rows), 1);
      EXPECT_LE(static_cast<int64_t>(m.total()), kCorpusMaxPixels);
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::InvalidInput) << e.what();
      EXPECT_NE(std::string(e.what()).find(c.name), std::string::npos) << "message does not name the input: " << e.what();
    } catch (const std::exception& e) {
      ADD_FAILURE() << "not an hpocr::Error: " << e.what();
    }
  }
}

TEST(BadImageCorpus, HeaderCheckAloneRefusesHugeAndBombImages) {
  // check_image reads no pixels, so it is what the server runs before queueing a request.
  for (const auto& c : bad_image_corpus()) {
    if (c.name.find("65535") == std::string::npos && c.name.find("bomb") == std::string::npos) continue;
    SCOPED_TRACE(c.name);
    auto header = read_image_header(c.bytes);
    ASSERT_TRUE(header.has_value());
    EXPECT_TRUE(exceeds_pixel_limit(*header, kCorpusMaxPixels));
    EXPECT_THROW(check_image(c.bytes, kCorpusMaxPixels, c.name), Error);
  }
}

TEST(ExceedsPixelLimit, IsExactAtTheLimitAndCannotOverflow) {
  EXPECT_FALSE(exceeds_pixel_limit({"png", 1000, 1000}, 1'000'000));
  EXPECT_TRUE(exceeds_pixel_limit({"png", 1001, 1000}, 1'000'000));
  EXPECT_TRUE(exceeds_pixel_limit({"png", 0xFFFFFFFFll, 0xFFFFFFFFll}, INT64_MAX / 2));
  EXPECT_FALSE(exceeds_pixel_limit({"png", 5, 0}, 1));  // zero sizes are refused elsewhere, with their own message
}

}  // namespace
}  // namespace hpocr::test
