#include "models/ctc_decoder.h"

#include <algorithm>
#include <fstream>

#include "hpocr/error.h"

namespace hpocr {

CtcDecoder::CtcDecoder(std::vector<std::string> dictionary, bool use_space_char) {
  labels_.reserve(dictionary.size() + 2);
  labels_.emplace_back();  // blank
  for (auto& s : dictionary) labels_.push_back(std::move(s));
  if (use_space_char) labels_.emplace_back(" ");
}

CtcDecoder CtcDecoder::from_model(const ModelDir& model) {
  YAML::Node post = model.postprocess();
  auto fail = [&](const std::string& why) {
    throw Error(ErrorCode::ModelFormat, "text recognition model '" + model.model_name + "' (" + model.dir.string() + "): " + why);
  };
  if (!post || (!post["character_dict"] && !post["character_dict_path"]))
    fail("no character dictionary: inference.yml needs PostProcess.character_dict (a list) or character_dict_path (a file)");
  std::vector<std::string> dict;
  try {
    if (post["character_dict"]) {
      for (const auto& c : post["character_dict"]) dict.push_back(c.as<std::string>());
    } else {
      auto path = model.dir / post["character_dict_path"].as<std::string>();
      std::ifstream in(path);
      if (!in) fail("cannot read dictionary file " + path.string());
      for (std::string line; std::getline(in, line);) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        dict.push_back(line);
      }
    }
  } catch (const YAML::Exception& e) {
    fail(std::string("malformed dictionary entry in inference.yml: ") + e.what());
  }
  if (dict.empty()) fail("the character dictionary is empty");
  bool space = !post["use_space_char"] || post["use_space_char"].as<bool>(true);
  return CtcDecoder(std::move(dict), space);
}

Recognition CtcDecoder::decode(const float* probs, size_t steps, size_t classes) const {
  Recognition r;
  double sum = 0;
  size_t kept = 0, prev = 0;
  for (size_t t = 0; t < steps; ++t) {
    const float* row = probs + t * classes;
    size_t best = static_cast<size_t>(std::max_element(row, row + classes) - row);
    if (best != 0 && !(t > 0 && best == prev)) {  // drop blanks and repeats
      if (best < labels_.size()) r.text += labels_[best];
      sum += row[best];
      ++kept;
    }
    prev = best;
  }
  r.score = kept ? static_cast<float>(sum / kept) : 0.f;
  return r;
}

}  // namespace hpocr
