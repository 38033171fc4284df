// Model directories: what open_model_dir accepts and refuses, inference.yml lookups, YAML helpers.
#include <gtest/gtest.h>

#include "format/model_dir.h"
#include "unit/unit_helpers.h"

namespace hpocr {
namespace {

namespace fs = std::filesystem;
using test::fake_model_dir;
using test::throws_error;
using test::write_text;

auto opening(const fs::path& path) {
  return [path] { open_model_dir(path, "text detection"); };
}

const char* const kDetYml = R"(Global:
  model_name: PP-OCRv4_mobile_det
PreProcess:
  transform_ops:
  - DecodeImage: {channel_first: false, img_mode: BGR}
  - NormalizeImage:
      mean: [0.485, 0.456, 0.406]
      scale: 1./255.
  - ToCHWImage: null
PostProcess:
  name: DBPostProcess
  thresh: 0.3
)";

TEST(OpenModelDir, MissingOrEmptyPlacesAreModelFormatErrors) {
  auto dir = test::temp_dir("md");
  EXPECT_TRUE(throws_error(opening(dir / "absent"), ErrorCode::ModelFormat, "no such directory"));
  EXPECT_TRUE(throws_error(opening(dir), ErrorCode::ModelFormat, "no model in the directory"));
  write_text(dir / "inference.onnx", "");
  EXPECT_TRUE(throws_error(opening(dir), ErrorCode::ModelFormat, "inference.onnx is empty"));
  write_text(dir / "notes.txt", "x");
  EXPECT_TRUE(throws_error(opening(dir / "notes.txt"), ErrorCode::ModelFormat, "not a model directory or .onnx file"));
}

TEST(OpenModelDir, ErrorsNameTheRoleAndThePath) {
  auto dir = test::temp_dir("md");
  EXPECT_TRUE(throws_error(opening(dir), ErrorCode::ModelFormat, "text detection model at '" + dir.string() + "'"));
}

TEST(OpenModelDir, PaddleDirectoriesOpenInTheirFormatAndNeedTheirWeights) {
  auto legacy = test::temp_dir("md");
  write_text(legacy / "inference.pdmodel", "x");
  EXPECT_TRUE(throws_error(opening(legacy), ErrorCode::ModelFormat, "inference.pdmodel has no inference.pdiparams"));
  write_text(legacy / "inference.pdiparams", "x");
  EXPECT_EQ(open_model_dir(legacy, "test").format, ModelFormat::PaddleLegacy);
  auto pir = test::temp_dir("md");
  write_text(pir / "inference.json", "{}");
  write_text(pir / "inference.pdmodel", "x");
  write_text(pir / "inference.pdiparams", "x");
  EXPECT_EQ(open_model_dir(pir, "test").format, ModelFormat::PaddlePir) << "the PIR program wins, as in Paddle 3.x";
  EXPECT_EQ(open_model_dir(pir, "test").model_file, pir / "inference.json");
  write_text(pir / "inference.onnx", "x");  // once converted, the ONNX file wins
  EXPECT_EQ(open_model_dir(pir, "test").format, ModelFormat::Onnx);
}

TEST(OpenModelDir, BrokenInferenceYmlIsRefused) {
  EXPECT_TRUE(throws_error(opening(fake_model_dir("Global: {model_name: [unclosed\n")), ErrorCode::ModelFormat, "not valid YAML"));
  EXPECT_TRUE(throws_error(opening(fake_model_dir("- just\n- a list\n")), ErrorCode::ModelFormat, "must be a mapping"));
  EXPECT_TRUE(throws_error(opening(fake_model_dir("Global: {model_name: {a: 1}}\n")), ErrorCode::ModelFormat, "model_name"));
}

TEST(OpenModelDir, ReadsTheModelNameFromGlobalElseTheDirectory) {
  auto named = fake_model_dir(kDetYml);
  ModelDir m = open_model_dir(named, "text detection");
  EXPECT_EQ(m.model_name, "PP-OCRv4_mobile_det");
  EXPECT_EQ(m.model_file, named / "inference.onnx");
  EXPECT_EQ(m.format, ModelFormat::Onnx);
  EXPECT_EQ(m.dir, named);

  auto bare = fake_model_dir("");
  ModelDir b = open_model_dir(bare, "text detection");
  EXPECT_EQ(b.model_name, bare.filename().string());
  EXPECT_TRUE(b.config.IsNull());
  EXPECT_FALSE(b.transform("NormalizeImage"));
  EXPECT_FALSE(b.postprocess());
}

// Regression: with a trailing slash ("models/my_det/", as shell completion writes it) and no
// Global.model_name, the model name used to come out empty.
TEST(OpenModelDir, TrailingSlashStillNamesTheModelAfterTheDirectory) {
  auto bare = fake_model_dir("");
  EXPECT_EQ(open_model_dir(bare / "", "text detection").model_name, bare.filename().string());
}

TEST(OpenModelDir, AcceptsAnOnnxFileDirectly) {
  auto dir = test::temp_dir("md");
  write_text(dir / "my_det.onnx", "x");
  ModelDir m = open_model_dir(dir / "my_det.onnx", "text detection");
  EXPECT_EQ(m.dir, dir);
  EXPECT_EQ(m.model_file, dir / "my_det.onnx");
  EXPECT_EQ(m.model_name, "my_det");
}

TEST(ModelDirConfig, TransformAndPostprocessLookups) {
  ModelDir m = open_model_dir(fake_model_dir(kDetYml), "text detection");
  YAML::Node norm = m.transform("NormalizeImage");
  ASSERT_TRUE(norm);
  EXPECT_EQ(norm["scale"].as<std::string>(), "1./255.");
  EXPECT_EQ(norm["mean"].size(), 3u);
  EXPECT_EQ(m.transform("DecodeImage")["img_mode"].as<std::string>(), "BGR");
  EXPECT_FALSE(m.transform("ResizeImage"));
  EXPECT_EQ(m.postprocess()["name"].as<std::string>(), "DBPostProcess");
}

TEST(YamlAt, MissingKeysAndNonMappingsGiveAnUndefinedNode) {
  YAML::Node root = YAML::Load("a: {b: {c: 5}}\nlist: [1, 2]\ns: text\n");
  EXPECT_EQ(yaml_at(root, {"a", "b", "c"}).as<int>(), 5);
  EXPECT_FALSE(yaml_at(root, {"a", "x", "c"}));
  EXPECT_FALSE(yaml_at(root, {"s", "b"}));
  EXPECT_FALSE(yaml_at(root, {"list", "0"}));
  EXPECT_FALSE(yaml_at(YAML::Node(), {"a"}));
  EXPECT_FALSE(root["x"]) << "yaml_at must not insert keys into the tree";
}

TEST(YamlToJson, ScalarsBecomeTypedValues) {
  nlohmann::json j = yaml_to_json(YAML::Load("{i: 42, f: 0.5, t: True, n: false, s: abc, v: 1.2.3, l: [1, x], m: ~}"));
  EXPECT_EQ(j["i"], 42);
  EXPECT_TRUE(j["i"].is_number_integer());
  EXPECT_DOUBLE_EQ(j["f"].get<double>(), 0.5);
  EXPECT_EQ(j["t"], true);
  EXPECT_EQ(j["n"], false);
  EXPECT_EQ(j["s"], "abc");
  EXPECT_EQ(j["v"], "1.2.3");
  EXPECT_EQ(j["l"], nlohmann::json::array({1, "x"}));
  EXPECT_TRUE(j["m"].is_null());
}

}  // namespace
}  // namespace hpocr
