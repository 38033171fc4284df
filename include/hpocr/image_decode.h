// Safe image decoding: the container header is read first so that absurd sizes are refused before
// any pixel memory is allocated; the result is always 8-bit 3-channel BGR.
#pragma once
#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

namespace hpocr {

/// Format and size read from an encoded image's header alone.
struct ImageHeader {
  std::string format;  ///< "png", "jpeg", "bmp", "tiff", "webp", "pnm"
  int64_t width = 0;
  int64_t height = 0;
};

/// Smallest side that can hold a text line: smaller images are legal and give an empty result without running
/// the models (PaddleOCR finds no text in them either).
inline constexpr int kMinImageSide = 4;

/// Identifies the format and reads the dimensions; std::nullopt when the bytes are no supported image.
/// Throws Error(InvalidInput) when the format is recognised but the header is truncated.
std::optional<ImageHeader> read_image_header(std::span<const unsigned char> bytes);

/// True when a width x height image has more than `max_pixels` pixels (no overflow for any header values).
bool exceeds_pixel_limit(const ImageHeader& header, int64_t max_pixels);

/// Every check decode_image makes before decoding, from the bytes alone (cheap: no pixel memory): a supported
/// format, a complete header and data end, a non-zero size within `max_pixels`. Returns the header; throws
/// Error(InvalidInput) with a message naming `name`.
ImageHeader check_image(std::span<const unsigned char> bytes, int64_t max_pixels, const std::string& name);

/// Decodes to 8-bit BGR. Refuses (Error InvalidInput, message naming `name`) non-images, truncated or corrupt
/// data, zero-size images and images above `max_pixels`.
cv::Mat decode_image(std::span<const unsigned char> bytes, int64_t max_pixels, const std::string& name);

/// Converts any decoded image (gray, BGRA composited on white, 16-bit, float) to 8-bit BGR.
cv::Mat to_bgr8(const cv::Mat& image);

/// Reads a whole regular file; Error(InvalidInput) if missing, not a file, empty or larger than max_bytes.
std::vector<unsigned char> read_file(const std::filesystem::path& path, std::uintmax_t max_bytes = 1ull << 30);

}  // namespace hpocr
