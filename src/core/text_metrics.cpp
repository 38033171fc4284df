#include "hpocr/text_metrics.h"

#include <algorithm>
#include <vector>

namespace hpocr {
namespace {

/// Calls `f(code point, byte offset, byte length)` for each UTF-8 sequence of `s` (a truncated last one included).
template <class F>
void each_code_point(const std::string& s, F f) {
  for (size_t i = 0; i < s.size();) {
    unsigned char c = s[i];
    int len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : 4;
    char32_t cp = len == 1 ? c : c & (0x7F >> len);
    for (int k = 1; k < len && i + k < s.size(); ++k) cp = (cp << 6) | (s[i + k] & 0x3F);
    f(cp, i, static_cast<size_t>(len));
    i += len;
  }
}

std::vector<char32_t> code_points(const std::string& s) {
  std::vector<char32_t> out;
  each_code_point(s, [&](char32_t cp, size_t, size_t) { out.push_back(cp); });
  return out;
}

}  // namespace

size_t edit_distance(const std::string& a, const std::string& b) {
  auto x = code_points(a), y = code_points(b);
  std::vector<size_t> prev(y.size() + 1), cur(y.size() + 1);
  for (size_t j = 0; j <= y.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= x.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= y.size(); ++j)
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (x[i - 1] != y[j - 1])});
    std::swap(prev, cur);
  }
  return prev[y.size()];
}

size_t char_count(const std::string& s) { return code_points(s).size(); }

std::string without_spaces(const std::string& s) {
  std::string out;
  std::copy_if(s.begin(), s.end(), std::back_inserter(out), [](char c) { return c != ' '; });
  return out;
}

std::string printable(const std::string& s) {
  std::string out;
  each_code_point(s, [&](char32_t cp, size_t begin, size_t len) {
    const bool control = cp < 0x20 || (cp >= 0x7F && cp < 0xA0), private_use = cp >= 0xE000 && cp < 0xF900;
    if (!control && !private_use) out += s.substr(begin, len);
  });
  return out;
}

}  // namespace hpocr
