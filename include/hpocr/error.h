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

/// Exception carrying an ErrorCode and a user-facing message.
class Error : public std::runtime_error {
 public:
  Error(ErrorCode code, const std::string& message) : std::runtime_error(message), code_(code) {}
  /// The failure category.
  ErrorCode code() const noexcept { return code_; }
  /// Stable lower-case name of the category, e.g. "invalid_input".
  std::string_view category() const noexcept;

 private:
  ErrorCode code_;
};

}  // namespace hpocr
