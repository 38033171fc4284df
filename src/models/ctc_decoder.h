// Greedy CTC decoding (PaddleOCR CTCLabelDecode).
#pragma once
#include <string>
#include <vector>

#include "format/model_dir.h"
#include "hpocr/models.h"

namespace hpocr {

/// Drops spaces at the start and end of the text (and their characters): with a crop margin the recogniser
/// sometimes reads the gap to a neighbouring box as a space.
void trim_spaces(Recognition& r);

class CtcDecoder {
 public:
  /// Classes are: blank, the dictionary entries, then " " when use_space_char.
  CtcDecoder(std::vector<std::string> dictionary, bool use_space_char);
  /// From the model's PostProcess (character_dict list or character_dict_path file). Error(ModelFormat) if absent.
  static CtcDecoder from_model(const ModelDir& model);

  /// Number of output classes the model must produce.
  size_t num_classes() const { return labels_.size(); }
  /// Decodes one sequence of `steps` x `classes` probabilities. With `space_threshold` > 0 (and a space class),
  /// a space is put between two characters when the space class reached that probability at a step between
  /// them without winning it: the PP-OCRv4 recogniser often gives a narrow word gap to the blank class.
  Recognition decode(const float* probs, size_t steps, size_t classes, float space_threshold = 0) const;

 private:
  std::vector<std::string> labels_;
  size_t space_ = 0;  ///< class of " " (0: none)
};

}  // namespace hpocr
