// Text comparison for accuracy figures (tests, benchmark, demo).
#pragma once
#include <string>

namespace hpocr {

/// Levenshtein distance over Unicode code points of two UTF-8 strings.
size_t edit_distance(const std::string& a, const std::string& b);
/// Number of Unicode code points in a UTF-8 string.
size_t char_count(const std::string& s);
/// The text without ASCII spaces. The PP-OCRv4 Chinese recogniser (like PaddleOCR with the same model)
/// often drops spaces between Latin words, so accuracy is also reported on this form.
std::string without_spaces(const std::string& s);

/// The text without control characters (C0, DEL, C1) and private-use code points (U+E000-U+F8FF): nothing a
/// recogniser can read back (PDF fonts map bullets and dingbats there), so labels drop them.
std::string printable(const std::string& s);

}  // namespace hpocr
