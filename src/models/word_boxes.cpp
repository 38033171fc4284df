#include "models/word_boxes.h"

#include <algorithm>
#include <cmath>

namespace hpocr {
namespace {

enum class CharKind { Cjk, Alnum, Splitter };

/// The code point of a UTF-8 sequence (a dictionary entry; malformed bytes give 0).
char32_t code_point(std::string_view s) {
  if (s.empty()) return 0;
  const auto b = static_cast<unsigned char>(s[0]);
  int len = b < 0x80 ? 1 : (b >> 5) == 0x6 ? 2 : (b >> 4) == 0xE ? 3 : (b >> 3) == 0x1E ? 4 : 0;
  if (len == 0 || static_cast<int>(s.size()) < len) return 0;
  char32_t c = len == 1 ? b : b & (0x7F >> len);
  for (int i = 1; i < len; ++i) c = (c << 6) | (static_cast<unsigned char>(s[i]) & 0x3F);
  return c;
}

CharKind kind_of(char32_t c) {
  if (c >= 0x4E00 && c <= 0x9FFF) return CharKind::Cjk;
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return CharKind::Alnum;
  return CharKind::Splitter;
}

struct Word {
  int first = 0, last = 0;  ///< indices into Recognition::chars
};

std::vector<Word> split_words(const Recognition& line) {
  std::vector<Word> words;
  const auto& chars = line.chars;
  auto cp = [&](size_t i) { return code_point(std::string_view(line.text).substr(chars[i].begin, chars[i].end - chars[i].begin)); };
  bool open = false;
  CharKind open_kind = CharKind::Splitter;
  for (size_t i = 0; i < chars.size(); ++i) {
    const char32_t c = cp(i);
    CharKind k = kind_of(c);
    // '-' inside a word ("state-of-the-art") and '.' before a digit ("3.14") stay in the word.
    if (open && open_kind == CharKind::Alnum && (c == '-' || (c == '.' && i + 1 < chars.size() && cp(i + 1) >= '0' && cp(i + 1) <= '9')))
      k = CharKind::Alnum;
    if (k == CharKind::Splitter) {
      open = false;
      continue;
    }
    if (open && k == CharKind::Alnum && open_kind == CharKind::Alnum) {
      words.back().last = static_cast<int>(i);
      continue;
    }
    words.push_back({static_cast<int>(i), static_cast<int>(i)});
    open = true;
    open_kind = k;
  }
  return words;
}

}  // namespace

WordBoxes word_boxes(const Recognition& line, const TextCrop& crop) {
  WordBoxes out;
  if (line.chars.empty() || line.step_px <= 0) return out;
  const auto& chars = line.chars;
  // The characters' mean spacing in time steps: a spike marks one step inside a character, so a word reaches
  // about half a pitch beyond its first and last spikes.
  const double pitch = chars.size() > 1 ? static_cast<double>(chars.back().step - chars.front().step) / (chars.size() - 1) : 2.0;
  const double width = crop.image.cols;
  for (const Word& w : split_words(line)) {
    const auto& a = chars[w.first];
    const auto& b = chars[w.last];
    out.texts.push_back(line.text.substr(a.begin, b.end - a.begin));
    const float x0 = static_cast<float>(std::clamp((a.step + 0.5 - pitch / 2) * line.step_px, 0.0, width));
    const float x1 = static_cast<float>(std::clamp((b.step + 0.5 + pitch / 2) * line.step_px, 0.0, width));
    Quad q;
    const cv::Point2f corners[4] = {{x0, crop.inner_top}, {x1, crop.inner_top}, {x1, crop.inner_bottom}, {x0, crop.inner_bottom}};
    for (int i = 0; i < 4; ++i) {
      cv::Point2f p = crop.to_image_point(corners[i]);
      q[i] = {static_cast<int>(std::lround(p.x)), static_cast<int>(std::lround(p.y))};
    }
    out.regions.push_back(q);
  }
  return out;
}

}  // namespace hpocr
