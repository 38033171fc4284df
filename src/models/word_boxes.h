// Word-level texts and boxes from a line's CTC alignment (PaddleOCR's return_word_box).
#pragma once
#include <string>
#include <vector>

#include "models/ctc_decoder.h"
#include "models/geometry.h"

namespace hpocr {

struct WordBoxes {
  std::vector<std::string> texts;
  std::vector<Quad> regions;  ///< one quad per text, in image pixels, clockwise from the word's top-left
};

/// Splits a recognised line into words as PaddleOCR does: runs of Latin letters and digits (with '-' inside and
/// '.' before a digit) form a word, each CJK character is a word, other characters separate words. Each word's
/// box spans its characters' time steps widened by half the line's character pitch on both sides, over the rows
/// of the detected box, mapped back through the crop to the image.
WordBoxes word_boxes(const Recognition& line, const TextCrop& crop);

}  // namespace hpocr
