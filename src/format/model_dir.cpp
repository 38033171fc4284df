#include "format/model_dir.h"

#include "hpocr/error.h"

namespace fs = std::filesystem;

namespace hpocr {

std::string to_string(ModelFormat f) {
  switch (f) {
    case ModelFormat::Onnx: return "onnx";
    case ModelFormat::PaddleLegacy: return "paddle (inference.pdmodel)";
    case ModelFormat::PaddlePir: return "paddle (inference.json, PIR)";
  }
  return "?";
}

YAML::Node ModelDir::transform(std::string_view op) const {
  if (!config) return {};
  YAML::Node ops = config["PreProcess"]["transform_ops"];
  if (!ops.IsSequence()) return {};
  for (const auto& entry : ops)
    if (entry.IsMap() && entry[std::string(op)]) return entry[std::string(op)];
  return {};
}

YAML::Node ModelDir::postprocess() const { return config ? config["PostProcess"] : YAML::Node(); }

ModelDir open_model_dir(const fs::path& path, std::string_view role) {
  const std::string what = std::string(role) + " model";
  auto fail = [&](const std::string& why) { throw Error(ErrorCode::ModelFormat, what + " at '" + path.string() + "': " + why); };
  std::error_code ec;
  ModelDir m;
  if (fs::is_regular_file(path, ec) && path.extension() == ".onnx") {
    m.dir = path.parent_path();
    m.model_file = path;
  } else if (fs::is_directory(path, ec)) {
    m.dir = path;
    if (fs::exists(path / "inference.onnx")) {
      m.model_file = path / "inference.onnx";
    } else if (fs::exists(path / "inference.pdmodel") || fs::exists(path / "inference.json")) {
      m.format = fs::exists(path / "inference.json") ? ModelFormat::PaddlePir : ModelFormat::PaddleLegacy;
      fail("this is a Paddle " + to_string(m.format) +
           " model; this build runs ONNX models only (automatic Paddle->ONNX conversion is not available yet). "
           "Point the option at a directory containing inference.onnx");
    } else {
      fail("no inference.onnx in the directory");
    }
  } else {
    fail(fs::exists(path, ec) ? "not a model directory or .onnx file" : "no such directory");
  }
  if (fs::file_size(m.model_file, ec) == 0 || ec) fail(m.model_file.filename().string() + " is empty or unreadable");

  fs::path yml = m.dir / "inference.yml";
  if (fs::exists(yml)) {
    try {
      m.config = YAML::LoadFile(yml.string());
    } catch (const YAML::Exception& e) {
      fail("inference.yml is not valid YAML: " + std::string(e.what()));
    }
    if (!m.config.IsMap()) fail("inference.yml must be a mapping with Global/PreProcess/PostProcess sections");
  }
  if (m.config && m.config["Global"]["model_name"]) {
    try {
      m.model_name = m.config["Global"]["model_name"].as<std::string>();
    } catch (const YAML::Exception&) {
      fail("Global.model_name in inference.yml must be a string");
    }
  }
  if (m.model_name.empty()) m.model_name = (m.model_file.filename() == "inference.onnx" ? m.dir.filename() : m.model_file.stem()).string();
  return m;
}

}  // namespace hpocr
