// Paddle model reading and conversion failures: truncated, mismatched and unknown files give clear
// Error(ModelFormat) messages; unsupported operators and opsets are refused before anything is written.
#include <fstream>

#include "convert/converter.h"
#include "format/model_dir.h"
#include "format/paddle/program.h"
#include "support/convert_support.h"
#include "unit_helpers.h"

namespace fs = std::filesystem;

namespace hpocr::test {
namespace {

fs::path shared_paddle() { return fs::path(HPOCR_SOURCE_DIR) / ".." / "shared" / "models" / "paddle"; }

class PaddleFormat : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!fs::exists(shared_paddle())) GTEST_SKIP() << "../shared/models/paddle is absent";
  }
  /// A copy of a shared model directory that the test may damage.
  static fs::path copy(const std::string& name) {
    const fs::path out = temp_dir("paddle-format") / name;
    fs::create_directories(out);
    for (const auto& e : fs::directory_iterator(shared_paddle() / name))
      if (e.is_regular_file()) fs::copy_file(e.path(), out / e.path().filename());
    return out;
  }
  static void truncate(const fs::path& file, std::uintmax_t keep) { fs::resize_file(file, keep); }
  static std::string read(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
  }
  static void write(const fs::path& file, const std::string& bytes) { std::ofstream(file, std::ios::binary) << bytes; }
};

TEST_F(PaddleFormat, LegacyAndPirProgramsReadWithTheirWeights) {
  const paddle::Program legacy = paddle::read_paddle_model(shared_paddle() / "ch_ppocr_mobile_v2.0_cls_infer");
  EXPECT_EQ(legacy.source.rfind("legacy", 0), 0u) << legacy.source;
  EXPECT_EQ(legacy.inputs, std::vector<std::string>{"x"});
  EXPECT_EQ(legacy.params.size(), legacy.param_order.size() + 0) << "every declared weight is loaded";
  const paddle::Program pir = paddle::read_paddle_model(shared_paddle() / "PP-LCNet_x0_25_textline_ori");
  EXPECT_EQ(pir.source.rfind("PIR", 0), 0u) << pir.source;
  EXPECT_EQ(pir.inputs, std::vector<std::string>{"x"});
  for (const auto& name : pir.param_order) ASSERT_TRUE(pir.params.count(name)) << name;
}

TEST_F(PaddleFormat, WeightsSurviveASaveLoadRoundTrip) {
  paddle::Program p = paddle::read_paddle_model(shared_paddle() / "ch_ppocr_mobile_v2.0_cls_infer");
  const fs::path file = temp_dir("roundtrip") / "inference.pdiparams";
  paddle::save_params(p, file);
  EXPECT_EQ(read(file), read(shared_paddle() / "ch_ppocr_mobile_v2.0_cls_infer" / "inference.pdiparams")) << "byte-identical layout";
  paddle::Program again = paddle::read_legacy_program(shared_paddle() / "ch_ppocr_mobile_v2.0_cls_infer" / "inference.pdmodel");
  paddle::load_params(again, file);
  for (const auto& name : p.param_order) EXPECT_EQ(again.params.at(name).data, p.params.at(name).data) << name;
}

TEST_F(PaddleFormat, TruncatedWeightsAreReported) {
  const fs::path dir = copy("ch_ppocr_mobile_v2.0_cls_infer");
  truncate(dir / "inference.pdiparams", fs::file_size(dir / "inference.pdiparams") / 2);
  EXPECT_TRUE(throws_error([&] { paddle::read_paddle_model(dir); }, ErrorCode::ModelFormat, "truncated"));
}

TEST(PaddleParams, HugeTensorHeadersAreRefusedBeforeAllocating) {
  // One fp32 tensor announcing 65536 x 65536 (16 GiB) followed by 8 bytes: refused as truncated, at once.
  const fs::path file = temp_dir("pdiparams") / "inference.pdiparams";
  const std::string desc = std::string("\x08\x05", 2) + "\x10\x80\x80\x04" + "\x10\x80\x80\x04";  // FP32, dims
  std::string bytes(4 + 8 + 4, '\0');
  const int32_t size = static_cast<int32_t>(desc.size());
  bytes.append(reinterpret_cast<const char*>(&size), 4).append(desc).append(8, '\x01');
  std::ofstream(file, std::ios::binary) << bytes;
  paddle::Program program;
  program.param_order = {"w"};
  EXPECT_TRUE(throws_error([&] { paddle::load_params(program, file); }, ErrorCode::ModelFormat, "is truncated"));
}

TEST_F(PaddleFormat, TrailingBytesInTheWeightsAreReported) {
  const fs::path dir = copy("ch_ppocr_mobile_v2.0_cls_infer");
  std::ofstream(dir / "inference.pdiparams", std::ios::binary | std::ios::app) << std::string(64, '\0');
  EXPECT_TRUE(throws_error([&] { paddle::read_paddle_model(dir); }, ErrorCode::ModelFormat, "more tensors than the program declares"));
}

TEST_F(PaddleFormat, WeightsOfAnotherModelAreReported) {
  const fs::path dir = copy("ch_ppocr_mobile_v2.0_cls_infer");
  fs::copy_file(shared_paddle() / "PP-LCNet_x0_25_textline_ori_legacy" / "inference.pdiparams", dir / "inference.pdiparams",
                fs::copy_options::overwrite_existing);
  EXPECT_TRUE(throws_error([&] { paddle::read_paddle_model(dir); }, ErrorCode::ModelFormat, "inference.pdiparams"));
}

TEST_F(PaddleFormat, CorruptLegacyProgramIsReported) {
  const fs::path dir = copy("ch_ppocr_mobile_v2.0_cls_infer");
  write(dir / "inference.pdmodel", "\x0a\xff\xff\xff\xff garbage that is not a protobuf");
  EXPECT_TRUE(throws_error([&] { paddle::read_paddle_model(dir); }, ErrorCode::ModelFormat, "not a Paddle program"));
}

TEST_F(PaddleFormat, TruncatedPirJsonIsReported) {
  const fs::path dir = copy("PP-LCNet_x0_25_textline_ori");
  truncate(dir / "inference.json", fs::file_size(dir / "inference.json") - 100);
  EXPECT_TRUE(throws_error([&] { paddle::read_paddle_model(dir); }, ErrorCode::ModelFormat, "not valid JSON"));
}

TEST_F(PaddleFormat, BinaryGarbageInPirJsonGivesAValidUtf8Message) {
  // nlohmann's parse error quotes the bytes it last read; the message must still be valid UTF-8.
  const fs::path dir = copy("PP-LCNet_x0_25_textline_ori");
  write(dir / "inference.json", std::string("{\"program\": \xff\xfe\x80\x81 garbage"));
  try {
    paddle::read_paddle_model(dir);
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("not valid JSON"), std::string::npos) << msg;
    EXPECT_EQ(valid_utf8(msg), msg) << "message is not valid UTF-8";
    EXPECT_NE(msg.find("\\xFF"), std::string::npos) << msg;
  }
}

TEST_F(PaddleFormat, UnknownPirVersionIsReported) {
  const fs::path dir = copy("PP-LCNet_x0_25_textline_ori");
  std::string json = read(dir / "inference.json");
  const auto at = json.find("\"version\"");
  ASSERT_NE(at, std::string::npos);
  const auto colon = json.find(':', at), end = json.find_first_of(",}", colon);
  json.replace(colon + 1, end - colon - 1, "99");
  write(dir / "inference.json", json);
  EXPECT_TRUE(throws_error([&] { paddle::read_paddle_model(dir); }, ErrorCode::ModelFormat, "version 99 is not supported"));
}

TEST_F(PaddleFormat, JsonThatIsNotAPirProgramIsReported) {
  const fs::path dir = copy("PP-LCNet_x0_25_textline_ori");
  write(dir / "inference.json", R"({"program": {}})");
  EXPECT_TRUE(throws_error([&] { paddle::read_paddle_model(dir); }, ErrorCode::ModelFormat, "not a PIR program"));
}

TEST_F(PaddleFormat, ModelDirectoryWithoutWeightsIsRefusedWhenOpened) {
  const fs::path dir = copy("PP-LCNet_x0_25_textline_ori");
  fs::remove(dir / "inference.pdiparams");
  EXPECT_TRUE(throws_error([&] { open_model_dir(dir, "textline orientation"); }, ErrorCode::ModelFormat, "no inference.pdiparams"));
}

TEST_F(PaddleFormat, PaddleModelDirectoriesOpenWithTheirFormatAndYml) {
  const ModelDir pir = open_model_dir(shared_paddle() / "PP-LCNet_x0_25_textline_ori", "textline orientation");
  EXPECT_EQ(pir.format, ModelFormat::PaddlePir);
  EXPECT_EQ(pir.model_name, "PP-LCNet_x0_25_textline_ori");
  const ModelDir legacy = open_model_dir(shared_paddle() / "ch_ppocr_mobile_v2.0_cls_infer", "textline orientation");
  EXPECT_EQ(legacy.format, ModelFormat::PaddleLegacy);
  EXPECT_EQ(legacy.model_name, "ch_ppocr_mobile_v2.0_cls_infer");
}

TEST(Converter, UnsupportedOperatorsAreListedWithTheModelAndNothingIsWritten) {
  ProgramBuilder b;
  b.input("x", {1, 4}).var("y", {1, 4}).var("z", {1, 4}).output("z");
  b.op("relu", {{"X", {"x"}}}, {{"Out", {"y"}}});
  b.op("fancy_new_op", {{"X", {"y"}}}, {{"Out", {"z"}}});
  b.op("fancy_new_op", {{"X", {"y"}}}, {{"Out", {"z"}}});
  convert::ConvertOptions options;
  options.model_name = "my_model";
  EXPECT_TRUE(throws_error([&] { convert::convert_program(b.program(), options); }, ErrorCode::UnsupportedOp,
                           "my_model"));
  EXPECT_TRUE(throws_error([&] { convert::convert_program(b.program(), options); }, ErrorCode::UnsupportedOp, "fancy_new_op (x2)"));
}

TEST(Converter, OpsetOutsideTheSupportedRangeIsRefused) {
  ProgramBuilder b;
  b.input("x", {1, 4}).var("y", {1, 4}).output("y");
  b.op("relu", {{"X", {"x"}}}, {{"Out", {"y"}}});
  convert::ConvertOptions options;
  options.opset = 9;
  EXPECT_TRUE(throws_error([&] { convert::convert_program(b.program(), options); }, ErrorCode::InvalidArgument, "opset 9"));
}

TEST(Converter, EveryMapperIsListed) {
  const auto ops = convert::supported_ops();
  for (const char* op : {"conv2d", "depthwise_conv2d", "conv2d_transpose", "pool2d", "batch_norm", "elementwise_add", "matmul",
                         "matmul_v2", "hard_swish", "nearest_interp_v2", "bilinear_interp_v2", "grid_sampler", "layer_norm", "slice",
                         "fill_constant", "dropout", "softmax", "reshape2", "transpose2", "flatten_contiguous_range"})
    EXPECT_NE(std::find(ops.begin(), ops.end(), op), ops.end()) << op;
}

}  // namespace
}  // namespace hpocr::test
