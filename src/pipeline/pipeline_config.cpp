#include "pipeline/pipeline_config.h"

#include <algorithm>

#include <yaml-cpp/yaml.h>

#include "core/logging.h"
#include "format/model_dir.h"
#include "hpocr/error.h"

namespace fs = std::filesystem;

namespace hpocr {
namespace {

[[noreturn]] void bad(const fs::path& file, const std::string& key, const std::string& why) {
  throw Error(ErrorCode::InvalidArgument, "pipeline config " + file.string() + ": " + key + " " + why);
}

template <typename T>
void read(const fs::path& file, const YAML::Node& section, const std::string& prefix, const char* key, T& out) {
  YAML::Node v = yaml_at(section, {key});
  if (!v || v.IsNull()) return;
  try {
    out = v.as<T>();
  } catch (const YAML::Exception&) {
    bad(file, prefix + key, "has the wrong type");
  }
}

void read_dir(const fs::path& file, const YAML::Node& section, const std::string& prefix, fs::path& out) {
  std::string dir;
  read(file, section, prefix, "model_dir", dir);
  if (!dir.empty()) out = fs::path(dir).is_absolute() ? fs::path(dir) : file.parent_path() / dir;
}

void read_hpi(const YAML::Node& section, const char* module, OcrOptions& o) {
  if (YAML::Node h = yaml_at(section, {"hpi_config"})) {
    HpiConfig c = HpiConfig::from_json(yaml_to_json(h));
    if (module) o.module_hpi_config[module] = c;
    else o.hpi_config = c;
  }
}

void warn_unknown(const fs::path& file, const YAML::Node& section, const std::string& prefix,
                  std::initializer_list<const char*> known) {
  if (!section.IsMap()) return;
  for (const auto& kv : section) {
    if (!kv.first.IsScalar())  // a list or map used as a key (YAML allows it; no setting is named so)
      throw Error(ErrorCode::InvalidArgument, "pipeline config " + file.string() + ": " + (prefix.empty() ? "the top level" : prefix) +
                                                  " has a key that is not a name (a list or map)");
    std::string k = kv.first.as<std::string>();
    if (std::none_of(known.begin(), known.end(), [&](const char* x) { return k == x; }))
      log::warn("pipeline config: {}{} is not used by hpocr", prefix, k);
  }
}

}  // namespace

void apply_pipeline_config(const fs::path& file, OcrOptions& o) {
  YAML::Node root;
  try {
    root = YAML::LoadFile(file.string());
  } catch (const YAML::BadFile&) {
    throw Error(ErrorCode::InvalidArgument, "pipeline config " + file.string() + ": cannot read the file");
  } catch (const YAML::Exception& e) {
    throw Error(ErrorCode::InvalidArgument, "pipeline config " + file.string() + ": not valid YAML: " + e.what());
  }
  if (!root.IsMap()) bad(file, "(top level)", "must be a mapping");
  read(file, root, "", "use_textline_orientation", o.use_textline_orientation);
  read(file, root, "", "use_hpip", o.enable_hpi);
  read(file, root, "", "return_word_box", o.return_word_box);
  read(file, root, "", "paddle_compat", o.paddle_compat);
  read_hpi(root, nullptr, o);
  warn_unknown(file, root, "", {"pipeline_name", "text_type", "use_doc_preprocessor", "use_textline_orientation", "use_hpip",
                          "return_word_box", "paddle_compat", "hpi_config", "SubModules", "SubPipelines"});

  const YAML::Node det = yaml_at(root, {"SubModules", "TextDetection"});
  const std::string d = "SubModules.TextDetection.";
  read_dir(file, det, d, o.text_detection_model_dir);
  read(file, det, d, "limit_side_len", o.text_det.limit_side_len);
  read(file, det, d, "limit_type", o.text_det.limit_type);
  read(file, det, d, "max_side_limit", o.text_det.max_side_limit);
  read(file, det, d, "thresh", o.text_det.thresh);
  read(file, det, d, "box_thresh", o.text_det.box_thresh);
  read(file, det, d, "unclip_ratio", o.text_det.unclip_ratio);
  read_hpi(det, "TextDetection", o);

  const YAML::Node rec = yaml_at(root, {"SubModules", "TextRecognition"});
  const std::string r = "SubModules.TextRecognition.";
  read_dir(file, rec, r, o.text_recognition_model_dir);
  read(file, rec, r, "batch_size", o.text_recognition_batch_size);
  read(file, rec, r, "score_thresh", o.text_rec_score_thresh);
  read_hpi(rec, "TextRecognition", o);

  const YAML::Node cls = yaml_at(root, {"SubModules", "TextLineOrientation"});
  const std::string c = "SubModules.TextLineOrientation.";
  read_dir(file, cls, c, o.textline_orientation_model_dir);
  read(file, cls, c, "batch_size", o.textline_orientation_batch_size);
  read_hpi(cls, "TextLineOrientation", o);
}

HpiConfig parse_hpi_config(const std::string& text_or_path) {
  YAML::Node node;
  try {
    std::error_code ec;
    node = fs::is_regular_file(text_or_path, ec) ? YAML::LoadFile(text_or_path) : YAML::Load(text_or_path);
  } catch (const YAML::Exception& e) {
    throw Error(ErrorCode::InvalidArgument, "hpi_config is neither a readable file nor a valid JSON/YAML mapping: " + std::string(e.what()));
  }
  return HpiConfig::from_json(yaml_to_json(node));
}

}  // namespace hpocr
