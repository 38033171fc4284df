// The parameter table (include/hpocr/parameters.h): its entries, the conversions every front end uses, the
// per-call overrides, and that docs/parameters.md shows the table as it is.
#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>

#include "cli.h"
#include "commands/command.h"
#include "hpocr/parameters.h"
#include "hpocr/pipeline_config.h"
#include "unit/unit_helpers.h"

namespace hpocr {
namespace {

using test::throws_error;
using json = nlohmann::json;

TEST(Parameters, NamesAreUniqueAndEveryDefaultPassesItsOwnCheck) {
  std::set<std::string_view> names, server_fields;
  const OcrOptions defaults;
  for (const ParamSpec& spec : parameters()) {
    SCOPED_TRACE(std::string(spec.name));
    EXPECT_TRUE(names.insert(spec.name).second);
    EXPECT_EQ(find_parameter(spec.name), &spec);
    ASSERT_NE(spec.get, nullptr);
    ASSERT_NE(spec.set, nullptr);
    EXPECT_NO_THROW(check_param(spec, spec.get(defaults)));
    // Per-call parameters reach PredictParams (or are features that are never on).
    if (spec.scope == ParamScope::PerCall) {
      EXPECT_TRUE(spec.to_call || !spec.unavailable.empty());
    }
    if (!spec.key.empty()) {
      EXPECT_EQ(find_module_parameter(spec.module, spec.key), &spec);
    }
  }
  EXPECT_GE(names.size(), 20u);
}

TEST(Parameters, SettingAValueReadsItBack) {
  OcrOptions o;
  set_param(o, *find_parameter("text_det_limit_side_len"), std::int64_t{960});
  set_param(o, *find_parameter("text_det_limit_type"), std::string("max"));
  set_param(o, *find_parameter("text_det_thresh"), 0.25);
  set_param(o, *find_parameter("return_word_box"), true);
  EXPECT_EQ(o.text_det.limit_side_len, 960);
  EXPECT_EQ(o.text_det.limit_type, LimitType::Max);
  EXPECT_FLOAT_EQ(o.text_det.thresh, 0.25f);
  EXPECT_TRUE(o.return_word_box);
  EXPECT_EQ(std::get<std::int64_t>(find_parameter("text_det_limit_side_len")->get(o)), 960);
}

TEST(Parameters, OutOfRangeValuesAndWrongTypesAreRefusedByName) {
  OcrOptions o;
  EXPECT_TRUE(throws_error([&] { set_param(o, *find_parameter("text_det_thresh"), 1.5); }, ErrorCode::InvalidArgument,
                           "text_det_thresh=1.500000 is invalid: expected a number in [0, 1]"));
  EXPECT_TRUE(throws_error([&] { set_param(o, *find_parameter("text_det_unclip_ratio"), 0.0); }, ErrorCode::InvalidArgument,
                           "expected a number in (0, 10]"));
  EXPECT_TRUE(throws_error([&] { set_param(o, *find_parameter("text_det_limit_type"), std::string("middle")); },
                           ErrorCode::InvalidArgument, "text_det_limit_type=middle"));
  EXPECT_TRUE(throws_error([&] { set_param(o, *find_parameter("cpu_threads"), 2.0); }, ErrorCode::InvalidArgument,
                           "cpu_threads must be an integer"));
  EXPECT_TRUE(throws_error([&] { set_param(o, *find_parameter("use_doc_unwarping"), true); }, ErrorCode::InvalidArgument,
                           "not available"));
  EXPECT_NO_THROW(set_param(o, *find_parameter("use_doc_unwarping"), false));
  EXPECT_TRUE(throws_error([&] { set_param(o, *find_parameter("precision"), std::string("bf16")); }, ErrorCode::InvalidArgument,
                           "precision=bf16 is invalid"));
  EXPECT_EQ(o.text_det.thresh, OcrOptions{}.text_det.thresh);  // a refused value changes nothing
}

TEST(Parameters, TextIsParsedByType) {
  const ParamSpec& flag = *find_parameter("enable_hpi");
  for (const char* yes : {"True", "true", "1", "yes", "ON"}) EXPECT_EQ(std::get<bool>(parse_param(flag, yes)), true) << yes;
  for (const char* no : {"False", "false", "0", "no", "off"}) EXPECT_EQ(std::get<bool>(parse_param(flag, no)), false) << no;
  EXPECT_TRUE(throws_error([&] { parse_param(flag, "maybe"); }, ErrorCode::InvalidArgument, "not a boolean"));
  const ParamSpec& side = *find_parameter("text_det_limit_side_len");
  EXPECT_EQ(std::get<std::int64_t>(parse_param(side, "-3")), -3);
  for (const char* bad : {"", "12px", "1.5", "0x10", "99999999999999999999"})
    EXPECT_TRUE(throws_error([&] { parse_param(side, bad); }, ErrorCode::InvalidArgument, "not an integer")) << bad;
  const ParamSpec& thresh = *find_parameter("text_det_thresh");
  EXPECT_DOUBLE_EQ(std::get<double>(parse_param(thresh, "0.35")), 0.35);
  for (const char* bad : {"", "abc", "0.3x", "nan", "inf", "1e39"})
    EXPECT_TRUE(throws_error([&] { parse_param(thresh, bad); }, ErrorCode::InvalidArgument, "not a number")) << bad;
}

TEST(Parameters, JsonIsReadByTypeWithTheFieldNameInErrors) {
  const ParamSpec& side = *find_parameter("text_det_limit_side_len");
  EXPECT_EQ(std::get<std::int64_t>(param_from_json(side, json(64.0), "textDetLimitSideLen")), 64);
  EXPECT_TRUE(throws_error([&] { param_from_json(side, json(64.5), "textDetLimitSideLen"); }, ErrorCode::InvalidArgument,
                           "textDetLimitSideLen must be an integer, got number 64.5"));
  EXPECT_TRUE(throws_error([&] { param_from_json(side, json(1e12), "textDetLimitSideLen"); }, ErrorCode::InvalidArgument,
                           "textDetLimitSideLen is out of range"));
  const ParamSpec& thresh = *find_parameter("text_det_thresh");
  EXPECT_TRUE(throws_error([&] { param_from_json(thresh, json("0.3"), "textDetThresh"); }, ErrorCode::InvalidArgument,
                           "textDetThresh must be a number, got string"));
  EXPECT_TRUE(throws_error([&] { param_from_json(thresh, json(1e300), "textDetThresh"); }, ErrorCode::InvalidArgument,
                           "out of range"));
  // Floats are shown as the decimal they were written as, as PaddleOCR's JSON does.
  OcrOptions o;
  EXPECT_EQ(param_to_json(thresh, thresh.get(o)).dump(), "0.3");
}

TEST(Parameters, ServerFieldsAreCamelCase) {
  EXPECT_EQ(camel_case("text_det_limit_side_len"), "textDetLimitSideLen");
  EXPECT_EQ(camel_case("use_doc_unwarping"), "useDocUnwarping");
  EXPECT_EQ(camel_case("return_word_box"), "returnWordBox");
}

TEST(Parameters, PerCallOverridesApplyOverTheBaseAndInitOnlyOnesAreRefused) {
  OcrOptions base;
  base.text_det.box_thresh = 0.5f;
  PredictParams p = predict_params(base, {{find_parameter("text_det_thresh"), 0.2}, {find_parameter("return_word_box"), true}});
  ASSERT_TRUE(p.text_det);
  EXPECT_FLOAT_EQ(p.text_det->thresh, 0.2f);
  EXPECT_FLOAT_EQ(p.text_det->box_thresh, 0.5f);  // the rest of the detection settings stay the base's
  EXPECT_EQ(p.return_word_box, true);
  EXPECT_FALSE(p.text_rec_score_thresh);
  EXPECT_FALSE(p.use_textline_orientation);
  EXPECT_TRUE(throws_error([&] { predict_params(base, {{find_parameter("cpu_threads"), std::int64_t{2}}}); },
                           ErrorCode::InvalidArgument, "cpu_threads is set when the pipeline is created"));
}

TEST(Parameters, PrecisionIsAppliedAfterHpiConfigWhateverTheOrderGiven) {
  OcrOptions o;
  apply_params(o, {{find_parameter("precision"), std::string("int8")},
                   {find_parameter("hpi_config"), json{{"backend_config", {{"precision", "fp32"}}}}}});
  EXPECT_EQ(o.hpi_config.backend_config["precision"], "int8");
}

TEST(Parameters, ResultDetectionParamsFollowPaddleOcrOrder) {
  const auto j = text_det_params_json(TextDetParams{});
  std::vector<std::string> keys;
  for (const auto& [k, v] : j.items()) keys.push_back(k);
  EXPECT_EQ(keys, (std::vector<std::string>{"limit_side_len", "limit_type", "thresh", "max_side_limit", "box_thresh", "unclip_ratio"}));
  EXPECT_EQ(j.dump(), R"({"limit_side_len":64,"limit_type":"min","thresh":0.3,"max_side_limit":4000,"box_thresh":0.6,"unclip_ratio":1.5})");
}

TEST(Parameters, EveryTableParameterIsAnOptionOfTheOcrCommand) {
  CLI::App app;
  cli::PipelineArgs args;
  args.declare(app);
  for (const ParamSpec& spec : parameters()) {
    if (spec.scope != ParamScope::Module) {
      EXPECT_NE(app.get_option_no_throw("--" + std::string(spec.name)), nullptr) << spec.name;
    }
  }
  // A value is checked as it is parsed, and lands in the options only through resolve().
  EXPECT_THROW(app.parse("--text_det_box_thresh 3", false), CLI::ValidationError);
}

TEST(Parameters, PipelineYamlReadsEveryKeyOfTheTable) {
  const std::filesystem::path dir = test::temp_dir("params_yaml");
  std::ofstream(dir / "OCR.yaml") << "use_hpip: true\nreturn_word_box: true\nSubModules:\n"
                                            "  TextDetection:\n    limit_side_len: 736\n    limit_type: max\n    thresh: 0.25\n"
                                            "  TextRecognition:\n    score_thresh: 0.5\n    batch_size: 8\n    model_dir: rec\n"
                                            "  TextLineOrientation:\n    batch_size: 3\n";
  OcrOptions o;
  apply_pipeline_config(dir / "OCR.yaml", o);
  EXPECT_TRUE(o.enable_hpi);
  EXPECT_TRUE(o.return_word_box);
  EXPECT_EQ(o.text_det.limit_side_len, 736);
  EXPECT_EQ(o.text_det.limit_type, LimitType::Max);
  EXPECT_FLOAT_EQ(o.text_det.thresh, 0.25f);
  EXPECT_FLOAT_EQ(o.text_rec_score_thresh, 0.5f);
  EXPECT_EQ(o.text_recognition_batch_size, 8);
  EXPECT_EQ(o.textline_orientation_batch_size, 3);
  EXPECT_EQ(o.text_recognition_model_dir, dir / "rec");  // relative to the file
  std::ofstream(dir / "bad.yaml") << "SubModules:\n  TextDetection:\n    thresh: 7\n";
  EXPECT_TRUE(throws_error([&] { apply_pipeline_config(dir / "bad.yaml", o); }, ErrorCode::InvalidArgument,
                           "text_det_thresh=7"));
}

TEST(Parameters, DocsShowTheTableAsItIs) {
  // docs/parameters.md holds `hpocr parameters`' output between two markers; regenerate it when this fails.
  std::ifstream f(std::string(HPOCR_SOURCE_DIR) + "/docs/parameters.md");
  std::stringstream text;
  text << f.rdbuf();
  const std::string doc = text.str();
  const std::string begin = "<!-- parameters: begin (generated by `hpocr parameters`) -->\n", end = "<!-- parameters: end -->";
  const auto b = doc.find(begin), e = doc.find(end);
  ASSERT_NE(b, std::string::npos);
  ASSERT_NE(e, std::string::npos);
  EXPECT_EQ(doc.substr(b + begin.size(), e - b - begin.size()), parameters_markdown());
}

}  // namespace
}  // namespace hpocr
