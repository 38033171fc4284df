#include "hpocr/base64.h"

#include <array>
#include <cstdint>

#include <fmt/format.h>

#include "hpocr/error.h"

namespace hpocr {
namespace {

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

constexpr std::array<int8_t, 256> make_table() {
  std::array<int8_t, 256> t{};
  for (auto& v : t) v = -1;
  for (int i = 0; i < 64; ++i) t[static_cast<unsigned char>(kAlphabet[i])] = static_cast<int8_t>(i);
  return t;
}
constexpr auto kTable = make_table();

bool is_space(char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }

[[noreturn]] void bad(const std::string& why) { throw Error(ErrorCode::InvalidInput, "invalid base64: " + why); }

}  // namespace

std::string base64_encode(std::span<const unsigned char> in) {
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 3 <= in.size(); i += 3) {
    uint32_t v = (uint32_t(in[i]) << 16) | (uint32_t(in[i + 1]) << 8) | in[i + 2];
    for (int s = 18; s >= 0; s -= 6) out += kAlphabet[(v >> s) & 63];
  }
  if (size_t rest = in.size() - i) {
    uint32_t v = uint32_t(in[i]) << 16 | (rest == 2 ? uint32_t(in[i + 1]) << 8 : 0);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += rest == 2 ? kAlphabet[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

std::vector<unsigned char> base64_decode(std::string_view text, std::size_t max_bytes) {
  // First pass: foreign characters (the most telling fault) and the size, before anything is allocated.
  size_t n = 0;
  for (size_t pos = 0; pos < text.size(); ++pos) {
    char c = text[pos];
    if (is_space(c)) continue;
    ++n;
    if (c != '=' && kTable[static_cast<unsigned char>(c)] < 0) {
      auto u = static_cast<unsigned char>(c);
      bad(u >= 0x20 && u < 0x7f ? fmt::format("character '{}' at position {} is not in the base64 alphabet", c, pos)
                                : fmt::format("byte 0x{:02x} at position {} is not in the base64 alphabet", u, pos));
    }
  }
  if (n % 4 != 0) bad("length " + std::to_string(n) + " is not a multiple of 4 (truncated or unpadded data)");
  if (n >= 4 && n / 4 * 3 - 2 > max_bytes) bad("decoded data would exceed " + std::to_string(max_bytes) + " bytes");
  std::vector<unsigned char> out;
  out.reserve(n / 4 * 3);
  uint32_t acc = 0;
  size_t k = 0, pad = 0;  // k: significant characters seen
  for (size_t pos = 0; pos < text.size(); ++pos) {
    char c = text[pos];
    if (is_space(c)) continue;
    int v;
    if (c == '=') {
      // Padding only in the last two places of the last quantum.
      if (k + 2 < n) bad("padding '=' before the end (position " + std::to_string(pos) + ")");
      ++pad;
      v = 0;
    } else {
      if (pad) bad("data after padding (position " + std::to_string(pos) + ")");
      v = kTable[static_cast<unsigned char>(c)];  // in the alphabet: checked by the first pass
    }
    acc = (acc << 6) | static_cast<uint32_t>(v);
    if (++k % 4 == 0) {
      out.push_back(static_cast<unsigned char>(acc >> 16));
      if (pad < 2) out.push_back(static_cast<unsigned char>(acc >> 8));
      if (pad < 1) out.push_back(static_cast<unsigned char>(acc));
      acc = 0;
    }
  }
  if (out.size() > max_bytes) bad("decoded data exceeds " + std::to_string(max_bytes) + " bytes");
  return out;
}

}  // namespace hpocr
