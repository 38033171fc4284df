#include "models/ctc_decoder.h"

#include <algorithm>
#include <fstream>

#include "hpocr/error.h"

namespace hpocr {

CtcDecoder::CtcDecoder(std::vector<std::string> dictionary, bool use_space_char) {
  labels_.reserve(dictionary.size() + 2);
  labels_.emplace_back();  // blank
  for (auto& s : dictionary) labels_.push_back(std::move(s));
  if (use_space_char) {
    labels_.emplace_back(" ");
    space_ = labels_.size() - 1;
  }
}

CtcDecoder CtcDecoder::from_model(const ModelDir& model) {
  YAML::Node post = model.postprocess();
  auto fail = [&](const std::string& why) {
    throw Error(ErrorCode::ModelFormat, "text recognition model '" + model.model_name + "' (" + model.dir.string() + "): " + why);
  };
  YAML::Node inline_dict = yaml_at(post, {"character_dict"}), dict_path = yaml_at(post, {"character_dict_path"});
  if (!inline_dict && !dict_path)
    fail("no character dictionary: inference.yml needs PostProcess.character_dict (a list) or character_dict_path (a file)");
  std::vector<std::string> dict;
  try {
    if (inline_dict) {
      if (!inline_dict.IsSequence()) fail("PostProcess.character_dict must be a list");
      for (const auto& c : inline_dict) dict.push_back(c.as<std::string>());
    } else {
      auto path = model.dir / dict_path.as<std::string>();
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
  YAML::Node space_node = yaml_at(post, {"use_space_char"});
  bool space = true;
  try {
    if (space_node) space = space_node.as<bool>();
  } catch (const YAML::Exception&) {
    fail("PostProcess.use_space_char must be true or false");
  }
  return CtcDecoder(std::move(dict), space);
}

void trim_spaces(Recognition& r) {
  auto is_space = [&](const CtcChar& c) { return r.text.compare(c.begin, c.end - c.begin, " ") == 0; };
  size_t first = 0, last = r.chars.size();
  while (first < last && is_space(r.chars[first])) ++first;
  while (last > first && is_space(r.chars[last - 1])) --last;
  if (first == 0 && last == r.chars.size()) return;
  const int begin = first < last ? r.chars[first].begin : 0, end = first < last ? r.chars[last - 1].end : 0;
  r.text = r.text.substr(begin, end - begin);
  r.chars = std::vector<CtcChar>(r.chars.begin() + first, r.chars.begin() + last);
  for (auto& c : r.chars) c.begin -= begin, c.end -= begin;
}

Recognition CtcDecoder::decode(const float* probs, size_t steps, size_t classes, float space_threshold) const {
  Recognition r;
  double sum = 0;
  size_t kept = 0, prev = 0;
  const bool restore = space_threshold > 0 && space_ != 0;
  bool after_word = false;      // the last character emitted is not a space
  float gap_space = 0;          // the most likely space since then, and its step
  int gap_step = 0;
  auto emit = [&](const std::string& label, int step) {
    const int begin = static_cast<int>(r.text.size());
    r.text += label;
    r.chars.push_back({step, begin, static_cast<int>(r.text.size())});
  };
  for (size_t t = 0; t < steps; ++t) {
    const float* row = probs + t * classes;
    size_t best = static_cast<size_t>(std::max_element(row, row + classes) - row);
    if (best != 0 && !(t > 0 && best == prev)) {  // drop blanks and repeats
      if (best < labels_.size()) {
        if (restore && after_word && best != space_ && gap_space > space_threshold) emit(" ", gap_step);
        emit(labels_[best], static_cast<int>(t));
        after_word = best != space_;
        gap_space = 0;
      }
      sum += row[best];
      ++kept;
    } else if (restore && space_ < classes && row[space_] > gap_space) {
      gap_space = row[space_];
      gap_step = static_cast<int>(t);
    }
    prev = best;
  }
  r.score = kept ? static_cast<float>(sum / kept) : 0.f;
  return r;
}

}  // namespace hpocr
