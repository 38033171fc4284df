#include "hpocr/error.h"

namespace hpocr {

namespace {

/// Length of the well-formed UTF-8 sequence at the start of `s` (RFC 3629), 0 if there is none.
size_t utf8_sequence(std::string_view s) {
  const auto byte = [&](size_t i) { return static_cast<unsigned char>(s[i]); };
  const unsigned char b = byte(0);
  if (b < 0x80) return 1;
  size_t n = 0;
  unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte
  if (b >= 0xC2 && b <= 0xDF) n = 2;
  else if (b >= 0xE0 && b <= 0xEF) n = 3, lo = b == 0xE0 ? 0xA0 : 0x80, hi = b == 0xED ? 0x9F : 0xBF;
  else if (b >= 0xF0 && b <= 0xF4) n = 4, lo = b == 0xF0 ? 0x90 : 0x80, hi = b == 0xF4 ? 0x8F : 0xBF;
  else return 0;
  if (s.size() < n || byte(1) < lo || byte(1) > hi) return 0;
  for (size_t i = 2; i < n; ++i)
    if (byte(i) < 0x80 || byte(i) > 0xBF) return 0;
  return n;
}

}  // namespace

std::string valid_utf8(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  while (!text.empty()) {
    if (const size_t n = utf8_sequence(text)) {
      out.append(text.substr(0, n));
      text.remove_prefix(n);
      continue;
    }
    static constexpr char kHex[] = "0123456789ABCDEF";
    const auto b = static_cast<unsigned char>(text[0]);
    out += "\\x";
    out += kHex[b >> 4];
    out += kHex[b & 15];
    text.remove_prefix(1);
  }
  return out;
}

std::string_view Error::category() const noexcept {
  switch (code_) {
    case ErrorCode::InvalidInput: return "invalid_input";
    case ErrorCode::InvalidArgument: return "invalid_argument";
    case ErrorCode::ModelFormat: return "model_format";
    case ErrorCode::UnsupportedOp: return "unsupported_op";
    case ErrorCode::BackendUnavailable: return "backend_unavailable";
    case ErrorCode::Inference: return "inference";
    case ErrorCode::Io: return "io";
  }
  return "unknown";
}

}  // namespace hpocr
