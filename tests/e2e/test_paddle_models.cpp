// The converter on real Paddle models (../shared/models/paddle, ../shared/models/paddle-programs):
// exact agreement with paddle2onnx's export of the same weights, real weights end to end, and programs
// without published weights run with seeded weights at several input sizes. Skipped when ../shared is absent.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <random>
#include <set>

#include <opencv2/imgproc.hpp>

#include "convert/converter.h"
#include "format/model_dir.h"
#include "hpocr/error.h"
#include "models/preprocess.h"
#include "models/textline_classifier.h"
#include "pipeline_fixture.h"
#include "support/convert_support.h"

namespace fs = std::filesystem;

namespace hpocr::test {
namespace {

fs::path shared_models() { return fs::path(HPOCR_SOURCE_DIR) / ".." / "shared" / "models"; }

class PaddleModels : public PipelineTest {
 protected:
  void SetUp() override {
    PipelineTest::SetUp();
    if (IsSkipped()) return;
    if (!fs::exists(shared_models() / "paddle")) GTEST_SKIP() << "../shared/models/paddle is absent";
    if (!onnxruntime_available()) GTEST_SKIP() << "ONNX Runtime is not installed";
  }
  /// A private copy of a shared model directory, so conversion caches land in a temp dir, not in ../shared.
  static fs::path copy_model(const fs::path& dir) {
    const fs::path out = temp_dir("paddle-model") / dir.filename();
    fs::create_directories(out);
    for (const auto& e : fs::directory_iterator(dir))
      if (e.is_regular_file()) fs::copy_file(e.path(), out / e.path().filename());
    return out;
  }
};

/// Rendered text lines, each cropped to its line box: the inputs a textline classifier sees.
std::vector<cv::Mat> rendered_line_crops(const std::vector<std::string>& lines, int font_px) {
  PageStyle style;
  style.font_px = font_px;
  RenderedPage page = render_lines(lines, latin_font(), style);
  std::vector<cv::Mat> crops;
  for (const cv::Rect& r : page.line_rects) {
    const cv::Rect padded = (r + cv::Size(8, 8) - cv::Point(4, 4)) & cv::Rect(0, 0, page.image.cols, page.image.rows);
    crops.push_back(page.image(padded).clone());
  }
  return crops;
}

const std::vector<std::string> kLines = {
    "Quarterly report for the board", "Shipping address: 42 Harbour Road", "Please reply before Friday",
    "Order 48213907 total 1,234.56",  "jumping quickly over pygmy yaks",    "glyphs with descenders: gjpqy",
    "THE QUICK BROWN FOX",            "invoice due 2026-12-01",             "hpocr: fast OCR in C++",
    "Typography, spacing and kerning"};

TEST_F(PaddleModels, ConvertedV2ClassifierMatchesThePaddle2OnnxExportOfTheSameWeights) {
  const fs::path npm_model = hpocr_home() / "models" / "ch_ppocr_mobile_v2.0_cls" / "inference.onnx";
  const paddle::Program program = paddle::read_paddle_model(shared_models() / "paddle" / "ch_ppocr_mobile_v2.0_cls_infer");
  const std::string converted = convert::convert_program(program, {});
  // The classifier's own preprocessing: 48x192, aspect kept, right padding, (x/255 - 0.5) / 0.5.
  std::vector<cv::Mat> crops = rendered_line_crops(kLines, 30);
  Tensor batch({static_cast<int64_t>(crops.size()), 3, 48, 192}, DataType::Float32);
  for (std::size_t i = 0; i < crops.size(); ++i) {
    const int w = std::clamp(static_cast<int>(std::ceil(48.0 * crops[i].cols / crops[i].rows)), 1, 192);
    cv::Mat resized;
    cv::resize(crops[i], resized, cv::Size(w, 48));
    write_chw(resized, Normalize::symmetric(), batch.data<float>() + i * 3 * 48 * 192, 48, 192);
  }
  const Tensor ours = run_onnx(converted, {batch}).at(0), theirs = run_onnx_file(npm_model, {batch}).at(0);
  ASSERT_EQ(ours.shape(), theirs.shape());
  const double diff = max_abs_diff(ours, theirs);
  std::printf("  converted vs paddle2onnx export: max abs diff %.3g over %zu crops\n", diff, crops.size());
  EXPECT_LE(diff, 1e-5);
}

TEST_F(PaddleModels, ConvertedPpOcrV3DetectorFindsTheLinesOfARenderedPage) {
  OcrOptions options;
  options.text_detection_model_dir = copy_model(shared_models() / "paddle" / "ch_PP-OCRv3_det_infer");
  options.use_textline_orientation = false;
  OcrPipeline pipeline(options);
  const std::vector<std::string> lines(kLines.begin(), kLines.begin() + 6);
  PageStyle style;
  style.font_px = 30;
  RenderedPage page = render_lines(lines, latin_font(), style);
  OcrResult r = pipeline.predict(page.image);
  ASSERT_EQ(r.rec_texts.size(), lines.size());
  for (std::size_t i = 0; i < lines.size(); ++i) EXPECT_EQ(without_spaces(r.rec_texts[i]), without_spaces(lines[i]));
  EXPECT_NE(pipeline.describe().find("via Paddle->ONNX conversion"), std::string::npos) << pipeline.describe();
}

/// Upright and 180-degree-rotated crops in several sizes: returns the share classified correctly.
double orientation_accuracy(const TextlineClassifier& cls) {
  std::vector<cv::Mat> crops;
  std::vector<int> truth;
  std::vector<std::string> names;
  for (int font_px : {22, 30, 40}) {
    int line = 0;
    for (cv::Mat& c : rendered_line_crops(kLines, font_px)) {
      names.push_back(kLines[static_cast<std::size_t>(line)] + " @" + std::to_string(font_px) + "px");
      names.push_back(kLines[static_cast<std::size_t>(line++)] + " @" + std::to_string(font_px) + "px rotated");
      cv::Mat rotated;
      cv::rotate(c, rotated, cv::ROTATE_180);
      crops.push_back(c);
      truth.push_back(0);
      crops.push_back(rotated);
      truth.push_back(1);
    }
  }
  const auto result = cls.classify(crops, 8);
  int correct = 0;
  for (std::size_t i = 0; i < crops.size(); ++i) {
    if (result.at(i).class_id == truth[i]) ++correct;
    else std::printf("  misclassified: '%s' (score %.3f)\n", names[i].c_str(), result[i].score);
  }
  return static_cast<double>(correct) / static_cast<double>(crops.size());
}

class PpLcnetOrientation : public PaddleModels, public ::testing::WithParamInterface<std::pair<const char*, double>> {};

TEST_P(PpLcnetOrientation, ClassifiesRenderedUprightAndRotatedLines) {
  TextlineClassifier cls(copy_model(shared_models() / "paddle" / GetParam().first), LoadRequest{});
  const double accuracy = orientation_accuracy(cls);
  RecordProperty("accuracy", std::to_string(accuracy));
  EXPECT_GE(accuracy, GetParam().second);
}

// The legacy file is an older release of the model (its weights differ from the PIR one's): it flips the
// descender-heavy line "jumping quickly over pygmy yaks" at two of the three sizes (58/60), so its bar is
// lower; the PIR release gets every crop right.
INSTANTIATE_TEST_SUITE_P(PirAndLegacy, PpLcnetOrientation,
                         ::testing::Values(std::pair{"PP-LCNet_x0_25_textline_ori", 0.99},
                                           std::pair{"PP-LCNet_x0_25_textline_ori_legacy", 0.95}),
                         [](const auto& info) { return std::string(info.index == 0 ? "pir" : "legacy"); });

TEST_F(PaddleModels, PpLcnetOrientationIsAtLeastAsAccurateAsTheDefaultV2Classifier) {
  const double lcnet = orientation_accuracy(TextlineClassifier(copy_model(shared_models() / "paddle" / "PP-LCNet_x0_25_textline_ori"), {}));
  const double v2 = orientation_accuracy(TextlineClassifier(hpocr_home() / "models" / "ch_ppocr_mobile_v2.0_cls", {}));
  std::printf("  orientation accuracy on rendered lines: PP-LCNet_x0_25 (PIR, converted) %.3f, ppocr mobile v2.0 cls %.3f\n", lcnet, v2);
  EXPECT_GE(lcnet, v2);
}

TEST_F(PaddleModels, PipelineConvertsAPaddleTextlineModelOnFirstUseWithHpiAndReusesTheCache) {
  const fs::path dir = copy_model(shared_models() / "paddle" / "PP-LCNet_x0_25_textline_ori");
  OcrOptions options;
  options.textline_orientation_model_dir = dir;
  options.enable_hpi = true;
  PageStyle style;
  style.font_px = 30;
  RenderedPage page = render_lines({"Upside down is still readable"}, latin_font(), style);
  cv::Mat rotated;
  cv::rotate(page.image, rotated, cv::ROTATE_180);
  for (int start = 0; start < 2; ++start) {  // the second start finds the converted model in the cache
    OcrPipeline pipeline(options);
    OcrResult r = pipeline.predict(rotated);
    ASSERT_EQ(r.rec_texts.size(), 1u);
    EXPECT_EQ(without_spaces(r.rec_texts[0]), "Upsidedownisstillreadable");
    ASSERT_EQ(r.textline_orientation_angles.size(), 1u);
    EXPECT_EQ(r.textline_orientation_angles[0], 1);  // PaddleOCR's class index: 1 = 180 degrees
  }
  int entries = 0;
  for (const auto& e : fs::directory_iterator(dir / ".cache" / "hpocr"))
    entries += e.path().filename().string().rfind("paddle2onnx-", 0) == 0;
  EXPECT_EQ(entries, 1);
}

// ---- Programs without published weights: seeded weights from the declared shapes. ----

struct ProgramCase {
  const char* dir;  ///< under ../shared/models
  std::vector<std::vector<int64_t>> input_shapes;
};
void PrintTo(const ProgramCase& c, std::ostream* os) { *os << c.dir; }

/// Weights drawn from the declared shapes; batch-norm variances stay positive so activations stay finite.
void seed_params(paddle::Program& program) {
  std::mt19937 gen(7);
  std::set<std::string> variances;
  for (const auto& op : program.ops)
    if (auto v = op.input("Variance")) variances.insert(*v);
  for (const auto& name : program.param_order) {
    const paddle::VarInfo& v = program.vars.at(name);
    std::vector<double> values(static_cast<std::size_t>(std::max<int64_t>(1, paddle::make_const(v.dtype, v.shape, {0}).numel())));
    const bool variance = variances.count(name) != 0;
    std::uniform_real_distribution<double> dist(variance ? 0.5 : -0.1, variance ? 1.5 : 0.1);
    for (double& x : values) x = dist(gen);
    program.params[name] = paddle::make_const(v.dtype, v.shape, values);
  }
}

class ProgramsWithoutWeights : public PaddleModels, public ::testing::WithParamInterface<ProgramCase> {};

TEST_P(ProgramsWithoutWeights, ConvertPassTheCheckerAndRunAtSeveralSizes) {
  const fs::path src = shared_models() / GetParam().dir;
  if (!fs::exists(src)) GTEST_SKIP() << src << " is absent";
  // Program + generated .pdiparams in a temp dir, converted through the same path as a real model dir.
  const fs::path dir = temp_dir("program");
  const bool pir = fs::exists(src / "inference.json");
  const fs::path file = pir ? "inference.json" : "inference.pdmodel";
  fs::copy_file(src / file, dir / file);
  paddle::Program program = pir ? paddle::read_pir_program(dir / file) : paddle::read_legacy_program(dir / file);
  seed_params(program);
  paddle::save_params(program, dir / "inference.pdiparams");
  const fs::path onnx_file = dir / "inference.onnx";
  const convert::ConvertReport report = convert::convert_model_dir(dir, onnx_file, {});
  EXPECT_EQ(report.paddle_ops, program.ops.size());
  ASSERT_EQ(program.outputs.size(), 1u);
  const paddle::VarInfo* declared = program.vars.count(program.outputs[0]) ? &program.vars.at(program.outputs[0]) : nullptr;
  for (const auto& shape : GetParam().input_shapes) {
    SCOPED_TRACE(::testing::PrintToString(shape));
    const auto out = run_onnx_file(onnx_file, {random_tensor(shape, 3, 0.f, 1.f)});
    ASSERT_EQ(out.size(), 1u);
    const Tensor& y = out[0];
    EXPECT_EQ(y.shape().at(0), shape[0]) << "batch size carried through";
    if (declared && declared->known_shape) {
      ASSERT_EQ(y.shape().size(), declared->shape.size());
      for (std::size_t d = 1; d < declared->shape.size(); ++d) {
        if (declared->shape[d] > 0) {
          EXPECT_EQ(y.shape()[d], declared->shape[d]) << "dimension " << d;
        }
      }
    }
    for (float v : y.values<float>()) ASSERT_TRUE(std::isfinite(v));
  }
}

INSTANTIATE_TEST_SUITE_P(
    Shared, ProgramsWithoutWeights,
    ::testing::Values(ProgramCase{"paddle/programs_only/PP-OCRv5_mobile_det", {{1, 3, 64, 96}, {2, 3, 128, 64}}},
                      ProgramCase{"paddle/programs_only/PP-OCRv5_server_rec", {{1, 3, 48, 160}, {2, 3, 48, 320}}},
                      ProgramCase{"paddle-programs/ppocrv3_rec_custom", {{1, 3, 48, 160}, {2, 3, 48, 320}}},
                      ProgramCase{"paddle-programs/svtr_rec_stn_ru", {{1, 3, 64, 256}, {2, 3, 64, 256}}},
                      ProgramCase{"paddle-programs/mobilenetv2_cls", {{1, 3, 224, 224}, {2, 3, 224, 224}}}),
    [](const auto& info) {
      std::string n = fs::path(info.param.dir).filename().string();
      std::replace_if(n.begin(), n.end(), [](char c) { return !std::isalnum(static_cast<unsigned char>(c)); }, '_');
      return n;
    });

}  // namespace
}  // namespace hpocr::test
