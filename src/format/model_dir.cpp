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

namespace {
// A default-constructed YAML::Node is a defined null (truthy); "absent" must be an undefined node.
YAML::Node absent() { return YAML::Node(YAML::NodeType::Undefined); }
/// The format of a Paddle program file: inference.json is PIR, inference.pdmodel legacy.
ModelFormat paddle_format_of(const fs::path& program) {
  return program.extension() == ".json" ? ModelFormat::PaddlePir : ModelFormat::PaddleLegacy;
}
}  // namespace

YAML::Node yaml_at(const YAML::Node& root, std::initializer_list<const char*> keys) {
  // YAML::Node assignment writes through to the referenced node; reset() rebinds without touching the tree.
  YAML::Node node;
  node.reset(root);
  for (const char* k : keys) {
    if (!node || !node.IsMap()) return absent();
    YAML::Node next = static_cast<const YAML::Node&>(node)[k];
    if (!next) return absent();
    node.reset(next);
  }
  return node;
}

namespace {

// Deeper nesting only comes from recursive aliases (`a: &x [*x]`), which would recurse without end.
constexpr int kMaxYamlDepth = 64;

nlohmann::json yaml_to_json(const YAML::Node& n, int depth) {
  if (depth > kMaxYamlDepth)
    throw Error(ErrorCode::InvalidArgument, "YAML nests deeper than " + std::to_string(kMaxYamlDepth) + " levels (a recursive alias?)");
  switch (n.Type()) {
    case YAML::NodeType::Map: {
      nlohmann::json j = nlohmann::json::object();
      for (const auto& kv : n) {
        if (!kv.first.IsScalar() && !kv.first.IsNull())
          throw Error(ErrorCode::InvalidArgument, "YAML mapping keys must be scalars, not lists or mappings");
        j[kv.first.IsNull() ? std::string("null") : kv.first.Scalar()] = yaml_to_json(kv.second, depth + 1);
      }
      return j;
    }
    case YAML::NodeType::Sequence: {
      nlohmann::json j = nlohmann::json::array();
      for (const auto& v : n) j.push_back(yaml_to_json(v, depth + 1));
      return j;
    }
    case YAML::NodeType::Scalar: {
      const std::string& s = n.Scalar();
      if (s == "true" || s == "True" || s == "false" || s == "False") return s == "true" || s == "True";
      size_t used = 0;
      try {
        long long i = std::stoll(s, &used);
        if (used == s.size()) return i;
        double d = std::stod(s, &used);
        if (used == s.size()) return d;
      } catch (const std::exception&) {
      }
      return s;
    }
    default: return nullptr;
  }
}

}  // namespace

nlohmann::json yaml_to_json(const YAML::Node& n) { return yaml_to_json(n, 0); }

YAML::Node ModelDir::transform(std::string_view op) const {
  YAML::Node ops = yaml_at(config, {"PreProcess", "transform_ops"});
  if (!ops || !ops.IsSequence()) return absent();
  const std::string key(op);
  for (const auto& entry : ops)
    if (YAML::Node params = yaml_at(entry, {key.c_str()})) return params;
  return absent();
}

YAML::Node ModelDir::postprocess() const { return yaml_at(config, {"PostProcess"}); }

ModelFormat ModelDir::paddle_format() const {
  if (format != ModelFormat::Onnx) return format;
  if (paddle_model_file.empty()) return ModelFormat::Onnx;
  return paddle_format_of(paddle_model_file);
}

ModelDir ModelDir::as_paddle() const {
  ModelDir m = *this;
  if (format == ModelFormat::Onnx && !paddle_model_file.empty()) {
    m.format = paddle_format();
    m.model_file = paddle_model_file;
  }
  return m;
}

ModelDir open_model_dir(const fs::path& given, std::string_view role) {
  // "models/my_det/" (as shell completion writes it) names the same directory as "models/my_det".
  fs::path path = given.lexically_normal();
  if (path.filename().empty() && path.has_parent_path()) path = path.parent_path();
  const std::string what = std::string(role) + " model";
  auto fail = [&](const std::string& why) { throw Error(ErrorCode::ModelFormat, what + " at '" + path.string() + "': " + why); };
  std::error_code ec;
  ModelDir m;
  if (fs::is_regular_file(path, ec) && path.extension() == ".onnx") {
    m.dir = path.parent_path();
    m.model_file = path;
  } else if (fs::is_directory(path, ec)) {
    m.dir = path;
    // A PIR program wins over a legacy one, as in Paddle 3.x; it needs its weights beside it.
    fs::path paddle;
    if (fs::exists(path / "inference.json")) paddle = path / "inference.json";
    else if (fs::exists(path / "inference.pdmodel")) paddle = path / "inference.pdmodel";
    if (fs::exists(path / "inference.onnx")) {
      // ONNX is used directly when present; the Paddle files stay available to backends that read them.
      m.model_file = path / "inference.onnx";
      if (!paddle.empty() && fs::exists(path / "inference.pdiparams")) m.paddle_model_file = paddle;
    } else if (!paddle.empty()) {
      // Backends that need ONNX get it converted (hpi/conversion.h).
      m.model_file = paddle;
      m.format = paddle_format_of(paddle);
      if (!fs::exists(path / "inference.pdiparams")) fail(m.model_file.filename().string() + " has no inference.pdiparams beside it");
    } else {
      fail("no model in the directory (expected inference.onnx, or inference.json / inference.pdmodel + inference.pdiparams)");
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
  if (YAML::Node name = yaml_at(m.config, {"Global", "model_name"})) {
    try {
      m.model_name = name.as<std::string>();
    } catch (const YAML::Exception&) {
      fail("Global.model_name in inference.yml must be a string");
    }
  }
  if (m.model_name.empty())
    m.model_name = (m.model_file.parent_path() == m.dir && m.model_file.stem() == "inference" ? m.dir.filename() : m.model_file.stem()).string();
  return m;
}

}  // namespace hpocr
