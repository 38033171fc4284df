// End-to-end behaviour of the pipeline API: orientation, input variants, threads, HPI parity.
#include <future>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "hpocr/error.h"
#include "pipeline_fixture.h"

namespace hpocr::test {
namespace {

namespace fs = std::filesystem;

const std::vector<std::string> kLines = {"Delivery note 5521", "Quantity 12 boxes", "高性能文字识别"};

RenderedPage sample() { return render_lines(kLines, test_font()); }

std::vector<std::string> squeezed(const std::vector<std::string>& v) {
  std::vector<std::string> out;
  for (const auto& s : v) out.push_back(without_spaces(s));
  return out;
}

TEST_F(PipelineTest, UpsideDownLinesAreFixedByTheOrientationClassifier) {
  cv::Mat flipped;
  cv::rotate(sample().image, flipped, cv::ROTATE_180);
  OcrResult r = pipeline().predict(flipped);
  std::vector<std::string> expected(kLines.rbegin(), kLines.rend());  // the last line is now on top
  EXPECT_EQ(squeezed(r.rec_texts), squeezed(expected));
  EXPECT_EQ(r.textline_orientation_angles, std::vector<int>(kLines.size(), 1));

  OcrOptions no_cls;
  no_cls.use_textline_orientation = false;
  OcrResult raw = OcrPipeline(no_cls).predict(flipped);
  EXPECT_NE(squeezed(raw.rec_texts), squeezed(expected)) << "without the classifier upside-down text is misread";
  EXPECT_EQ(raw.textline_orientation_angles, std::vector<int>(raw.dt_polys.size(), -1));
}

TEST_F(PipelineTest, ImagesTooSmallForTextGiveEmptyResults) {
  // Legal images: PaddleOCR finds no text in them, and neither an error nor a crash is right.
  for (cv::Size size : {cv::Size(1, 1), cv::Size(2, 2), cv::Size(300, 3), cv::Size(3, 300)}) {
    SCOPED_TRACE(std::to_string(size.width) + "x" + std::to_string(size.height));
    std::vector<unsigned char> png;
    cv::imencode(".png", cv::Mat(size, CV_8UC3, cv::Scalar(0, 0, 0)), png);
    OcrResult r = pipeline().predict_bytes(png, "tiny.png");
    EXPECT_TRUE(r.dt_polys.empty());
    EXPECT_TRUE(r.rec_texts.empty());
    EXPECT_EQ(r.image.size(), size);
  }
  // Four pixels per side is where detection starts: a 4x4 image runs the models (and finds nothing).
  EXPECT_TRUE(pipeline().predict(cv::Mat(4, 4, CV_8UC3, cv::Scalar(255, 255, 255))).rec_texts.empty());
  fs::path dir = temp_dir("tiny");
  cv::imwrite((dir / "one.png").string(), cv::Mat(1, 1, CV_8UC3, cv::Scalar(9, 9, 9)));
  CommandResult cli = run_cli("ocr -i " + (dir / "one.png").string() + " --save_path " + (dir / "out").string());
  EXPECT_EQ(cli.exit_code, 0) << cli.out;
  EXPECT_TRUE(fs::exists(dir / "out" / "one_res.json")) << cli.out;
}

TEST_F(PipelineTest, UprightLinesAreNotRotated) {
  OcrResult r = pipeline().predict(sample().image);
  EXPECT_EQ(r.textline_orientation_angles, std::vector<int>(kLines.size(), 0));
}

TEST_F(PipelineTest, FileBytesAndArrayGiveIdenticalResults) {
  RenderedPage page = sample();
  auto dir = temp_dir("parity");
  auto path = write_image(page.image, dir / "page.png");
  OcrResult from_array = pipeline().predict(page.image);
  OcrResult from_file = pipeline().predict_file(path);
  std::vector<unsigned char> bytes;
  cv::imencode(".png", page.image, bytes);
  OcrResult from_bytes = pipeline().predict_bytes(bytes);
  EXPECT_EQ(from_file.rec_texts, from_array.rec_texts);
  EXPECT_EQ(from_bytes.rec_texts, from_array.rec_texts);
  EXPECT_EQ(from_file.dt_polys, from_array.dt_polys);
  EXPECT_EQ(from_file.rec_scores, from_array.rec_scores);
}

TEST_F(PipelineTest, GrayscaleAlphaAndSixteenBitInputsAreConverted) {
  RenderedPage page = sample();
  auto dir = temp_dir("formats");
  cv::Mat gray, bgra, deep;
  cv::cvtColor(page.image, gray, cv::COLOR_BGR2GRAY);
  cv::cvtColor(page.image, bgra, cv::COLOR_BGR2BGRA);
  for (int y = 0; y < bgra.rows; ++y)  // transparent paper: the text must still be found
    for (int x = 0; x < bgra.cols; ++x)
      if (bgra.at<cv::Vec4b>(y, x)[0] > 250) bgra.at<cv::Vec4b>(y, x) = {0, 0, 0, 0};
  page.image.convertTo(deep, CV_16UC3, 257.0);
  for (auto [name, img] : {std::pair{"gray.png", gray}, std::pair{"alpha.png", bgra}, std::pair{"deep.png", deep}}) {
    OcrResult r = pipeline().predict_file(write_image(img, dir / name));
    EXPECT_EQ(squeezed(r.rec_texts), squeezed(kLines)) << name;
  }
  for (const char* ext : {".jpg", ".bmp", ".tiff", ".webp"}) {
    OcrResult r = pipeline().predict_file(write_image(page.image, dir / (std::string("page") + ext)));
    EXPECT_EQ(squeezed(r.rec_texts), squeezed(kLines)) << ext;
  }
}

TEST_F(PipelineTest, ConcurrentPredictionsFromSeveralThreadsAgree) {
  RenderedPage page = sample();
  OcrResult reference = pipeline().predict(page.image);
  std::vector<std::future<OcrResult>> runs;
  for (int i = 0; i < 4; ++i)
    runs.push_back(std::async(std::launch::async, [&] { return pipeline().predict(page.image); }));
  for (auto& f : runs) {
    OcrResult r = f.get();
    EXPECT_EQ(r.rec_texts, reference.rec_texts);
    EXPECT_EQ(r.dt_polys, reference.dt_polys);
  }
}

TEST_F(PipelineTest, HpiOnGivesTheSameTextsAsHpiOff) {
  OcrOptions hpi;
  hpi.enable_hpi = true;
  RenderedPage page = sample();
  OcrResult fast = OcrPipeline(hpi).predict(page.image);
  OcrResult plain = pipeline().predict(page.image);
  EXPECT_EQ(fast.rec_texts, plain.rec_texts);
  EXPECT_EQ(fast.dt_polys, plain.dt_polys);
}

TEST_F(PipelineTest, ScoreThresholdFiltersRecognitions) {
  OcrOptions strict;
  strict.text_rec_score_thresh = 1.0f;  // nothing scores a perfect 1.0 on every step
  OcrResult r = OcrPipeline(strict).predict(sample().image);
  EXPECT_EQ(r.dt_polys.size(), kLines.size());
  EXPECT_TRUE(r.rec_texts.empty());
  EXPECT_TRUE(r.rec_polys.empty());
}

// Batches are padded to their widest crop, and padding can flip a borderline space (as in PaddleOCR), so
// batch size 1 and 6 must agree on every character but spaces.
TEST_F(PipelineTest, RecognitionBatchSizeDoesNotChangeCharacters) {
  std::vector<std::string> many;
  for (int i = 0; i < 9; ++i) many.push_back("Line number " + std::to_string(i * 37 + 5) + std::string(i, 'x'));
  cv::Mat img = render_lines(many, latin_font()).image;
  // PP-OCRv4: PP-OCRv6_small_rec reads a run of x's one letter longer or shorter depending on how far its batch is
  // padded (as it does in PaddleOCR), which says nothing about hpocr's batching.
  OcrOptions one, six;
  one.ocr_version = six.ocr_version = "PP-OCRv4";
  one.text_recognition_batch_size = 1;
  six.text_recognition_batch_size = 6;
  OcrResult a = OcrPipeline(one).predict(img);
  OcrResult b = OcrPipeline(six).predict(img);
  EXPECT_EQ(squeezed(a.rec_texts), squeezed(many));
  EXPECT_EQ(squeezed(b.rec_texts), squeezed(many));
}

TEST_F(PipelineTest, RejectsEmptyArraysAndAnswersTinyOnesWithNoText) {
  EXPECT_THROW(pipeline().predict(cv::Mat()), Error);
  EXPECT_TRUE(pipeline().predict(cv::Mat(1, 1, CV_8UC3, cv::Scalar(0))).rec_texts.empty());
}

TEST_F(PipelineTest, BadOptionsAreRefusedBeforeLoading) {
  OcrOptions bad;
  bad.text_det.thresh = 1.5f;
  try {
    OcrPipeline p(bad);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::InvalidArgument);
    EXPECT_NE(std::string(e.what()).find("text_det_thresh"), std::string::npos);
  }
}

}  // namespace
}  // namespace hpocr::test

namespace hpocr::test {
namespace {

TEST_F(PipelineTest, PerCallParametersOverrideThePipelineOptionsForThatCallOnly) {
  cv::Mat img = sample().image;
  PredictParams strict;
  strict.text_rec_score_thresh = 1.0f;
  strict.use_textline_orientation = false;
  OcrResult r = pipeline().predict(img, "", strict);
  EXPECT_TRUE(r.rec_texts.empty());
  EXPECT_EQ(r.textline_orientation_angles, std::vector<int>(kLines.size(), -1));
  EXPECT_FLOAT_EQ(r.text_rec_score_thresh, 1.0f);
  EXPECT_EQ(squeezed(pipeline().predict(img).rec_texts), squeezed(kLines)) << "the next call is back to the defaults";

  PredictParams det;
  det.text_det = TextDetParams{};
  det.text_det->limit_type = LimitType::Max;
  det.text_det->limit_side_len = 320;
  OcrOptions same;
  same.text_det = *det.text_det;
  OcrResult per_call = pipeline().predict(img, "", det);
  OcrResult built = OcrPipeline(same).predict(img);
  EXPECT_EQ(per_call.dt_polys, built.dt_polys);
  EXPECT_EQ(per_call.rec_texts, built.rec_texts);
  EXPECT_EQ(per_call.text_det_params.limit_side_len, 320);

  PredictParams bad;
  bad.text_det = TextDetParams{};
  bad.text_det->box_thresh = 7;
  EXPECT_THROW(pipeline().predict(img, "", bad), Error);
  OcrOptions no_cls;
  no_cls.use_textline_orientation = false;
  PredictParams want_cls;
  want_cls.use_textline_orientation = true;
  try {
    OcrPipeline(no_cls).predict(img, "", want_cls);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::InvalidArgument);
    EXPECT_NE(std::string(e.what()).find("classifier"), std::string::npos);
  }
}

}  // namespace
}  // namespace hpocr::test
