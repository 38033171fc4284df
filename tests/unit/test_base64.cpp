// Base64 codec (core/base64): RFC 4648 vectors, round trips of every length, and clear refusals.
#include <gtest/gtest.h>

#include <random>

#include "hpocr/base64.h"
#include "unit_helpers.h"

namespace hpocr::test {
namespace {

std::vector<unsigned char> bytes_of(std::string_view s) { return {s.begin(), s.end()}; }

TEST(Base64, Rfc4648TestVectors) {
  const std::pair<const char*, const char*> vectors[] = {{"", ""},         {"f", "Zg=="},         {"fo", "Zm8="},
                                                         {"foo", "Zm9v"},  {"foob", "Zm9vYg=="},  {"fooba", "Zm9vYmE="},
                                                         {"foobar", "Zm9vYmFy"}};
  for (const auto& [plain, encoded] : vectors) {
    EXPECT_EQ(base64_encode(bytes_of(plain)), encoded);
    EXPECT_EQ(base64_decode(encoded), bytes_of(plain));
  }
}

TEST(Base64, RoundTripsAllByteValuesAndLengths) {
  std::mt19937 rng(5);
  for (size_t n = 0; n < 70; ++n) {
    std::vector<unsigned char> data(n);
    for (auto& b : data) b = static_cast<unsigned char>(rng());
    EXPECT_EQ(base64_decode(base64_encode(data)), data) << n;
  }
}

TEST(Base64, SkipsLineBreaksAndSpaces) {
  EXPECT_EQ(base64_decode("Zm9v\r\nYmFy\n"), bytes_of("foobar"));
  EXPECT_EQ(base64_decode(" Zm9v YmE= "), bytes_of("fooba"));
}

TEST(Base64, RefusesMalformedInputNamingTheProblem) {
  EXPECT_TRUE(throws_error([] { base64_decode("Zm9"); }, ErrorCode::InvalidInput, "not a multiple of 4"));
  EXPECT_TRUE(throws_error([] { base64_decode("Zm9vYmF"); }, ErrorCode::InvalidInput, "not a multiple of 4"));
  EXPECT_TRUE(throws_error([] { base64_decode("Zm9v!mFy"); }, ErrorCode::InvalidInput, "'!' at position 4"));
  EXPECT_TRUE(throws_error([] { base64_decode("Zm9v-_Fy"); }, ErrorCode::InvalidInput, "not in the base64 alphabet"));  // URL-safe alphabet
  EXPECT_TRUE(throws_error([] { base64_decode(std::string("Zm9v\0mFy", 8)); }, ErrorCode::InvalidInput, "byte 0x00"));
  EXPECT_TRUE(throws_error([] { base64_decode("Zg==Zm9v"); }, ErrorCode::InvalidInput, "padding"));
  EXPECT_TRUE(throws_error([] { base64_decode("Z==="); }, ErrorCode::InvalidInput, "padding"));
  EXPECT_TRUE(throws_error([] { base64_decode("===="); }, ErrorCode::InvalidInput, "padding"));
  EXPECT_TRUE(throws_error([] { base64_decode("Zm=v"); }, ErrorCode::InvalidInput, "data after padding"));
}

TEST(Base64, SizeLimitIsCheckedBeforeDecoding) {
  EXPECT_EQ(base64_decode("Zm9vYmFy", 6), bytes_of("foobar"));
  EXPECT_TRUE(throws_error([] { base64_decode("Zm9vYmFy", 5); }, ErrorCode::InvalidInput, "exceed"));
  EXPECT_EQ(base64_decode("Zm9vYg==", 4), bytes_of("foob"));  // padding counts for nothing
  EXPECT_TRUE(throws_error([] { base64_decode("Zm9vYg==", 3); }, ErrorCode::InvalidInput, "exceed"));
}

}  // namespace
}  // namespace hpocr::test
