// The hpocr command line: outputs, exit codes and clear errors for bad input, options and models.
#include <fstream>

#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>

#include "pipeline_fixture.h"

namespace fs = std::filesystem;

namespace hpocr::test {
namespace {

const std::vector<std::string> kLines = {"INV-2026-7741", "高性能文字识别"};

class CliTest : public PipelineTest {
 protected:
  void SetUp() override {
    PipelineTest::SetUp();
    dir_ = temp_dir("cli");
  }
  fs::path page(const std::string& name = "page.png") { return write_image(render_lines(kLines, test_font()).image, dir_ / name); }
  fs::path write_bytes(const std::string& name, const std::vector<unsigned char>& bytes) {
    std::ofstream(dir_ / name, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()), bytes.size());
    return dir_ / name;
  }
  std::vector<unsigned char> encoded(const std::string& ext) {
    std::vector<unsigned char> buf;
    cv::imencode(ext, render_lines(kLines, test_font()).image, buf);
    return buf;
  }
  /// Expects `args` to fail with `code` and a message containing `needle`.
  void expect_failure(const std::string& args, int code, const std::string& needle) {
    CommandResult r = run_cli(args);
    EXPECT_EQ(r.exit_code, code) << args << "\n" << r.out;
    EXPECT_NE(r.out.find(needle), std::string::npos) << args << "\nmissing '" << needle << "' in:\n" << r.out;
    EXPECT_EQ(r.out.find("terminate called"), std::string::npos) << r.out;
  }
  fs::path dir_;
};

TEST_F(CliTest, OcrPrintsTextsAndWritesPaddleOcrJsonAndVisualisation) {
  fs::path out = dir_ / "out";
  CommandResult r = run_cli("ocr -i " + page().string() + " --save_path " + out.string());
  ASSERT_EQ(r.exit_code, 0) << r.out;
  for (const auto& l : kLines) EXPECT_NE(r.out.find(l), std::string::npos) << r.out;
  std::ifstream f(out / "page_res.json");
  ASSERT_TRUE(f) << "page_res.json missing";
  auto j = nlohmann::json::parse(f);
  for (const char* key : {"input_path", "page_index", "model_settings", "dt_polys", "text_det_params", "text_type",
                          "textline_orientation_angles", "text_rec_score_thresh", "rec_texts", "rec_scores", "rec_polys",
                          "rec_boxes"})
    EXPECT_TRUE(j.contains(key)) << key;
  EXPECT_EQ(j["rec_texts"].get<std::vector<std::string>>(), kLines);
  EXPECT_EQ(j["dt_polys"].size(), kLines.size());
  EXPECT_EQ(j["rec_boxes"][0].size(), 4u);
  EXPECT_EQ(j["text_det_params"]["limit_side_len"], 64);
  cv::Mat vis = cv::imread((out / "page_ocr_res_img.png").string());
  ASSERT_FALSE(vis.empty());
  cv::Mat src = cv::imread(page().string());
  EXPECT_EQ(vis.cols, 2 * src.cols);
}

TEST_F(CliTest, PaddleStyleOptionValuesAreAccepted) {
  CommandResult r = run_cli("ocr -i " + page().string() +
                            " --enable_hpi True --use_textline_orientation False --use_doc_unwarping False "
                            "--text_det_thresh 0.3 --text_det_box_thresh 0.5 --text_det_unclip_ratio 1.6 "
                            "--text_det_limit_type max --text_det_limit_side_len 960 --text_rec_score_thresh 0.1 "
                            "--cpu_threads 2 --text_recognition_batch_size 2 --device cpu");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  for (const auto& l : kLines) EXPECT_NE(r.out.find(l), std::string::npos) << r.out;
}

TEST_F(CliTest, VersionHelpAndUsageErrors) {
  EXPECT_EQ(run_cli("--version").exit_code, 0);
  CommandResult help = run_cli("ocr --help");
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("--text_det_box_thresh"), std::string::npos);
  expect_failure("", 2, "subcommand");
  expect_failure("ocr", 2, "--input");
  expect_failure("ocr -i x.png --text_det_thresh 2", 2, "text_det_thresh");
  expect_failure("ocr -i x.png --text_det_thresh abc", 2, "text_det_thresh");
  expect_failure("ocr -i x.png --enable_hpi maybe", 2, "not a boolean");
  expect_failure("ocr -i x.png --device tpu", 2, "device");
  expect_failure("ocr -i x.png --text_recognition_batch_size -1", 2, "text_recognition_batch_size");
  expect_failure("ocr -i x.png --text_det_limit_type middle", 2, "text_det_limit_type");
  expect_failure("ocr -i x.png --use_doc_unwarping True", 2, "not available");
  expect_failure("ocr -i x.png --no_such_option 1", 2, "no_such_option");
  expect_failure("ocr -i x.png --log_level chatty", 2, "log level");
}

TEST_F(CliTest, BadImagesGiveClearErrors) {
  auto png = encoded(".png"), jpg = encoded(".jpg");
  expect_failure("ocr -i " + (dir_ / "missing.png").string(), 1, "no such file");
  expect_failure("ocr -i " + write_bytes("text.png", {'h', 'e', 'l', 'l', 'o'}).string(), 1, "not an image");
  expect_failure("ocr -i " + write_bytes("empty.png", {}).string(), 1, "empty");
  expect_failure("ocr -i " + write_bytes("half.jpg", {jpg.begin(), jpg.begin() + jpg.size() / 2}).string(), 1, "truncated");
  expect_failure("ocr -i " + write_bytes("half.png", {png.begin(), png.begin() + png.size() / 2}).string(), 1, "truncated");
  auto flipped = png;
  for (size_t i = png.size() / 3; i < png.size() / 3 + 64; ++i) flipped[i] ^= 0x5A;  // damage compressed data
  expect_failure("ocr -i " + write_bytes("flipped.png", flipped).string(), 1, "corrupt");
  // A PNG header announcing 30000x30000 pixels: refused from the header, nothing is decoded.
  auto huge = png;
  for (int k = 0; k < 2; ++k) {
    huge[16 + 4 * k] = 0; huge[17 + 4 * k] = 0; huge[18 + 4 * k] = 0x75; huge[19 + 4 * k] = 0x30;
  }
  expect_failure("ocr -i " + write_bytes("huge.png", huge).string(), 1, "above the limit");
  auto zero = png;
  for (int i = 16; i < 24; ++i) zero[i] = 0;
  expect_failure("ocr -i " + write_bytes("zero.png", zero).string(), 1, "zero size");
  // (A 1x1 image is legal and gives an empty result: PipelineTest.ImagesTooSmallForTextGiveEmptyResults.)
  fs::create_directories(dir_ / "nothing");
  expect_failure("ocr -i " + (dir_ / "nothing").string(), 1, "no image or PDF files");
}

TEST_F(CliTest, DirectoryRunReportsBadFilesAndProcessesTheRest) {
  page("a.png");
  write_bytes("b.jpg", {0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10});
  page("c.png");
  write_bytes("notes.txt", {'x'});
  CommandResult r = run_cli("ocr -i " + dir_.string() + " --save_path " + (dir_ / "out").string());
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_NE(r.out.find("b.jpg"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("1 of 3 inputs failed"), std::string::npos) << r.out;
  EXPECT_TRUE(fs::exists(dir_ / "out" / "a_res.json"));
  EXPECT_TRUE(fs::exists(dir_ / "out" / "c_res.json"));
  EXPECT_FALSE(fs::exists(dir_ / "out" / "b_res.json"));
}

TEST_F(CliTest, BrokenModelDirectoriesGiveClearErrors) {
  std::string img = " -i " + page().string();
  expect_failure("ocr" + img + " --text_detection_model_dir " + (dir_ / "nope").string(), 3, "no such directory");
  fs::create_directories(dir_ / "garbage");
  std::ofstream(dir_ / "garbage" / "inference.onnx") << "this is not a protobuf";
  expect_failure("ocr" + img + " --text_detection_model_dir " + (dir_ / "garbage").string(), 3, "cannot load");
  fs::create_directories(dir_ / "emptydir");
  expect_failure("ocr" + img + " --text_recognition_model_dir " + (dir_ / "emptydir").string(), 3, "no model in the directory");

  // The real recognizer with a dictionary of the wrong size.
  fs::path rec = dir_ / "rec";
  fs::create_directories(rec);
  fs::create_symlink(hpocr_home() / "models" / "PP-OCRv4_mobile_rec" / "inference.onnx", rec / "inference.onnx");
  std::ofstream(rec / "inference.yml") << "Global: {model_name: tiny}\nPostProcess: {name: CTCLabelDecode, character_dict: [a, b, c]}\n";
  expect_failure("ocr" + img + " --text_recognition_model_dir " + rec.string(), 3, "dictionary");
  std::ofstream(rec / "inference.yml") << "Global: [unclosed\n";
  expect_failure("ocr" + img + " --text_recognition_model_dir " + rec.string(), 3, "not valid YAML");
  fs::remove(rec / "inference.yml");
  expect_failure("ocr" + img + " --text_recognition_model_dir " + rec.string(), 3, "no character dictionary");

  // A Paddle model whose weights are cut short: the conversion names the file.
  fs::path paddle = fs::path(HPOCR_SOURCE_DIR) / ".." / "shared" / "models" / "paddle" / "ch_ppocr_mobile_v2.0_cls_infer";
  if (fs::exists(paddle)) {
    fs::copy(paddle, dir_ / "cls");
    fs::resize_file(dir_ / "cls" / "inference.pdiparams", 1000);
    expect_failure("ocr" + img + " --textline_orientation_model_dir " + (dir_ / "cls").string(), 3, "inference.pdiparams is truncated");
  }
}

TEST_F(CliTest, ConvertWritesAnOnnxModelAndRefusesBadArguments) {
  fs::path paddle = fs::path(HPOCR_SOURCE_DIR) / ".." / "shared" / "models" / "paddle" / "PP-LCNet_x0_25_textline_ori";
  if (!fs::exists(paddle)) GTEST_SKIP() << "../shared/models/paddle is absent";
  CommandResult r = run_cli("convert --model_dir " + paddle.string() + " --output " + (dir_ / "out" / "lcnet.onnx").string());
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("ONNX nodes, opset 16"), std::string::npos) << r.out;
  EXPECT_GT(fs::file_size(dir_ / "out" / "lcnet.onnx"), 100'000u);
  expect_failure("convert --model_dir " + (dir_ / "nope").string(), 3, "nope");
  expect_failure("convert --model_dir " + paddle.string() + " --opset 9", 2, "opset");
}

TEST_F(CliTest, DemoRecognisesItsSamplePage) {
  CommandResult r = run_cli("demo --save_path " + (dir_ / "demo").string());
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("demo:"), std::string::npos) << r.out;
  EXPECT_TRUE(fs::exists(dir_ / "demo" / "demo_page_res.json"));
}

}  // namespace
}  // namespace hpocr::test
