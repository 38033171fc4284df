#include "hpocr/error.h"

namespace hpocr {

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
