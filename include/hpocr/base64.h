// Base64 (RFC 4648, standard alphabet with padding), as used for file bytes in JSON requests and responses.
#pragma once
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace hpocr {

/// Encodes bytes as padded standard base64.
std::string base64_encode(std::span<const unsigned char> bytes);

/// Decodes padded standard base64. ASCII whitespace (line breaks of MIME-style encoders) is skipped; any other
/// character outside the alphabet, misplaced or missing padding, or a length that is not a multiple of 4
/// throws Error(InvalidInput) naming the problem and its position. Output above `max_bytes` throws too,
/// before it is allocated.
std::vector<unsigned char> base64_decode(std::string_view text, std::size_t max_bytes = SIZE_MAX);

}  // namespace hpocr
