// Box ordering and text-region cropping between detection and recognition.
#pragma once
#include <vector>

#include <opencv2/core.hpp>

#include "hpocr/result.h"
#include "models/db_postprocess.h"

namespace hpocr {

/// Reading order: by top-left (y, x), then boxes whose top-left y differs by < 10 px are taken as one line
/// and ordered left to right (PaddleOCR sorted_boxes). Returns the permutation of indices.
std::vector<size_t> reading_order(const std::vector<Quad>& quads);
/// Whether the boxes are a page of vertical text: at least two boxes, and two thirds or more of them at least
/// 1.5 times taller than wide (columns of CJK text).
bool vertical_page(const std::vector<Quad>& quads);
/// The order vertical text is read in: columns right to left (a box belongs to the column its horizontal extent
/// overlaps most), each top to bottom.
std::vector<size_t> vertical_reading_order(const std::vector<Quad>& quads);

/// Largest gap, in heights of the taller box, between two boxes of one text line that join_line_fragments
/// joins. Word gaps the detector split at were <= 1.2 heights on the accuracy set and column gutters >= 3
/// (docs/accuracy.md); 1.0 leaves room for narrow gutters.
inline constexpr float kLineFragmentGap = 1.0f;

/// Joins boxes that the detector split inside one horizontal text line (wide word spacing, e.g. monospaced
/// text, or a line cut in two overlapping pieces): boxes that run the same way (within 10 degrees; boxes under
/// 1.5:1 take their neighbour's direction), near horizontal (within 45 degrees), of similar height (<= 2:1),
/// overlapping across the line by >= 70% of the lower one and at most `max_gap` taller heights apart along it.
/// A joined box is the rectangle around its pieces along the longest piece's direction, clipped to `image`,
/// scored by the length-weighted mean; the other boxes are kept as they are (order: sort with reading_order).
std::vector<DetBox> join_line_fragments(std::vector<DetBox> boxes, cv::Size image, float max_gap = kLineFragmentGap);

/// A text line cut out of the image, with the map from its pixels back to the image (for word boxes).
struct TextCrop {
  cv::Mat image;                      ///< 8-bit BGR, text running left to right
  cv::Matx33d to_image;               ///< homogeneous crop point (x, y, 1) -> image point
  float inner_top = 0, inner_bottom = 0;///< rows of the detected box inside the crop (the rest is margin)

  /// Turns the crop by 180° (the orientation classifier's fix), keeping to_image and the inner rows true.
  void rotate_180();
  /// Maps a point of the crop to image pixels.
  cv::Point2f to_image_point(cv::Point2f p) const;
};

/// Context around a box for the recogniser, in pixels on each side of its minimum-area rectangle (left and
/// right along its top edge, top and bottom along its left edge).
struct CropMargins {
  float left = 0, top = 0, right = 0, bottom = 0;
};

/// The recogniser's margin as a fraction of the box's short side (unless paddle_compat): the PP-OCRv4
/// recogniser drops word spaces and misreads edge characters on PaddleOCR's tight crops (docs/accuracy.md).
inline constexpr float kRecognitionMargin = 0.3f;

/// The margin fraction for an image detected at `detector_input` size: kRecognitionMargin when the detector
/// sees the image at full resolution or larger, less when it was scaled down, none below 0.45x. Boxes from a
/// scaled-down probability map are already looser around the ink (measured on pages: best margin 0.3 at
/// scale 1, 0.2 at 0.8, 0.1 at 0.64; docs/accuracy.md).
float recognition_margin(cv::Size image, cv::Size detector_input);

/// Per box: `fraction` of its short side on every side, each side cut to half the gap to the nearest box facing
/// it, so that no crop reaches into a neighbour's text (two facing boxes share the gap).
std::vector<CropMargins> recognition_margins(const std::vector<Quad>& quads, float fraction);

/// Perspective-crops the minimum-area rectangle around `quad` widened by `margins` (cubic, replicated border)
/// and turns crops whose box is at least 1.5x taller than wide by 90° counter-clockwise (PaddleOCR
/// get_minarea_rect_crop; no margins = PaddleOCR's crop). The PP-OCRv4 recogniser reads word spaces and edge
/// characters better with some context around the glyphs.
TextCrop crop_text_region(const cv::Mat& image, const Quad& quad, const CropMargins& margins = {});

/// Axis-aligned [x_min, y_min, x_max, y_max] of a quad.
std::array<int, 4> bounding_box(const Quad& quad);

}  // namespace hpocr
