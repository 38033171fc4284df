// The one exception type of hpocr: a category plus a message that tells the user what to do.
#pragma once
#include <stdexcept>
#include <string>
#include <string_view>

namespace hpocr {

/// What kind of failure an Error reports; maps to CLI exit codes and (later) HTTP statuses.
enum class ErrorCode {
  InvalidInput,        ///< the image/file given to OCR is missing, unreadable, corrupt or out of limits
  InvalidArgument,     ///< a parameter or configuration value is out of range or malformed
  ModelFormat,         ///< a model directory or model file is missing, corrupt or inconsistent
  UnsupportedOp,       ///< a model uses an operator no backend/converter supports
  BackendUnavailable,  ///< an inference backend library is absent or cannot run on this device
  Inference,           ///< the backend failed while running a model
  Io,                  ///< writing results failed
};

/// `text` as valid UTF-8: every byte that does not belong to a well-formed UTF-8 sequence (stray continuation
/// bytes, truncated or overlong sequences, surrogates, code points above U+10FFFF) is written as `\xNN`.
/// Messages quote what users give (file contents, request fields); they must stay printable, JSON-safe and
/// decodable as a Python str.
std::string valid_utf8(std::string_view text);

/// Exception carrying an ErrorCode and a user-facing message (made valid UTF-8 by valid_utf8).
class Error : public std::runtime_error {
 public:
  Error(ErrorCode code, const std::string& message) : std::runtime_error(valid_utf8(message)), code_(code) {}
  /// The failure category.
  ErrorCode code() const noexcept { return code_; }
  /// Stable lower-case name of the category, e.g. "invalid_input".
  std::string_view category() const noexcept;

 private:
  ErrorCode code_;
};

}  // namespace hpocr
