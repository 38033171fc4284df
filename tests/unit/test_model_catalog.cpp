// Choosing models as PaddleOCR 3.x does (ocr_version, lang, *_model_name, *_model_dir) over a private
// $HPOCR_HOME holding stand-in model directories.
#include <gtest/gtest.h>

#include <cstdlib>
#include <algorithm>
#include <initializer_list>

#include "hpocr/model_catalog.h"
#include "unit/unit_helpers.h"

namespace fs = std::filesystem;

namespace hpocr {
namespace {

using test::throws_error;

/// A temporary $HPOCR_HOME (restored afterwards) in which `install` marks models as present.
class ModelCatalog : public testing::Test {
 protected:
  void SetUp() override {
    if (const char* old = std::getenv("HPOCR_HOME")) saved_ = old;
    home_ = test::temp_dir("catalog_home");
    setenv("HPOCR_HOME", home_.c_str(), 1);
  }
  void TearDown() override {
    if (saved_.empty()) unsetenv("HPOCR_HOME");
    else setenv("HPOCR_HOME", saved_.c_str(), 1);
  }
  void install(std::initializer_list<const char*> names) {
    for (const char* name : names) {
      fs::create_directories(home_ / "models" / name);
      test::write_text(home_ / "models" / name / "inference.onnx", "stand-in");
    }
  }
  static std::string chosen(const OcrOptions& o, ModelRole role) { return choose_model(o, role).name; }

  fs::path home_;
  std::string saved_;
};

TEST_F(ModelCatalog, EveryEntryHasAKnownFamilyAndRecognisersReadALanguage) {
  const auto families = model_families();
  ASSERT_GE(families.size(), 2u);
  for (const CatalogModel& m : model_catalog()) {
    EXPECT_FALSE(m.families.empty()) << m.name;
    EXPECT_EQ(m.role == ModelRole::TextRecognition, !m.langs.empty()) << m.name;
    EXPECT_EQ(find_catalog_model(m.name), &m) << m.name << " appears twice";
  }
  for (ModelRole role : kModelRoles) EXPECT_NE(find_catalog_model(default_model_name(role)), nullptr);
}

TEST_F(ModelCatalog, FamilyAndLanguagePickTheFirstInstalledModel) {
  install({"PP-OCRv5_mobile_det", "PP-OCRv5_mobile_rec", "latin_PP-OCRv5_mobile_rec", "PP-LCNet_x0_25_textline_ori"});
  OcrOptions o;
  o.ocr_version = "PP-OCRv5";
  EXPECT_EQ(chosen(o, ModelRole::TextDetection), "PP-OCRv5_mobile_det");  // the server model is not installed
  EXPECT_EQ(chosen(o, ModelRole::TextRecognition), "PP-OCRv5_mobile_rec");
  EXPECT_EQ(chosen(o, ModelRole::TextLineOrientation), "PP-LCNet_x0_25_textline_ori");
  EXPECT_EQ(choose_model(o, ModelRole::TextRecognition).dir, home_ / "models" / "PP-OCRv5_mobile_rec");
  o.lang = "fr";
  EXPECT_EQ(chosen(o, ModelRole::TextRecognition), "latin_PP-OCRv5_mobile_rec");
  o.lang = "en";  // en_PP-OCRv5_mobile_rec is preferred but absent; the multilingual one reads English too
  EXPECT_EQ(chosen(o, ModelRole::TextRecognition), "PP-OCRv5_mobile_rec");
  o.lang = "de";
  o.ocr_version.clear();  // no installed model of the default family reads it: the newest family whose one does
  EXPECT_EQ(chosen(o, ModelRole::TextRecognition), "latin_PP-OCRv5_mobile_rec");
}

TEST_F(ModelCatalog, UnknownVersionLanguageAndNameListWhatIsAvailable) {
  install({"PP-OCRv5_mobile_det", "PP-OCRv5_mobile_rec"});
  OcrOptions o;
  o.ocr_version = "PP-OCRv9";
  EXPECT_TRUE(throws_error([&] { choose_model(o, ModelRole::TextDetection); }, ErrorCode::InvalidArgument, "PP-OCRv5"));
  EXPECT_TRUE(throws_error([&] { o.validate(); }, ErrorCode::InvalidArgument, "ocr_version=PP-OCRv9"));
  o.ocr_version = "PP-OCRv5";
  o.lang = "klingon";
  EXPECT_TRUE(throws_error([&] { choose_model(o, ModelRole::TextRecognition); }, ErrorCode::InvalidArgument, "available: en, ch"));
  OcrOptions named;
  named.text_recognition_model_name = "PP-OCRv5_tiny_rec_xx";
  EXPECT_TRUE(throws_error([&] { choose_model(named, ModelRole::TextRecognition); }, ErrorCode::InvalidArgument,
                           "available: PP-OCRv4_mobile_rec"));
  named.text_recognition_model_name = "PP-OCRv5_mobile_det";  // a detector named as the recogniser
  EXPECT_TRUE(throws_error([&] { choose_model(named, ModelRole::TextRecognition); }, ErrorCode::InvalidArgument,
                           "is a text detection model"));
}

TEST_F(ModelCatalog, MissingModelsSayHowToInstallThem) {
  OcrOptions o;
  o.ocr_version = "PP-OCRv5";
  o.lang = "korean";
  EXPECT_TRUE(throws_error([&] { choose_model(o, ModelRole::TextRecognition); }, ErrorCode::ModelFormat,
                           "korean_PP-OCRv5_mobile_rec) is not installed"));
  OcrOptions named;
  named.text_detection_model_name = "PP-OCRv5_server_det";
  EXPECT_TRUE(throws_error([&] { choose_model(named, ModelRole::TextDetection); }, ErrorCode::ModelFormat, "scripts/setup.sh"));
}

TEST_F(ModelCatalog, NamesAndDirectoriesWinOverVersionAndLanguage) {
  install({"PP-OCRv4_mobile_det", "PP-OCRv4_mobile_rec", "PP-OCRv5_mobile_det", "PP-OCRv5_mobile_rec", "ch_ppocr_mobile_v2.0_cls"});
  install({default_model_name(ModelRole::TextDetection).c_str()});
  OcrOptions o;
  o.ocr_version = "PP-OCRv5";
  o.lang = "fr";  // no French recogniser installed, but a named model makes lang irrelevant (as in PaddleOCR)
  o.text_recognition_model_name = "PP-OCRv4_mobile_rec";
  EXPECT_TRUE(models_named(o));
  EXPECT_EQ(chosen(o, ModelRole::TextRecognition), "PP-OCRv4_mobile_rec");
  EXPECT_TRUE(choose_model(o, ModelRole::TextRecognition).name_given);
  EXPECT_EQ(chosen(o, ModelRole::TextDetection), default_model_name(ModelRole::TextDetection));
  o.text_recognition_model_name.clear();
  o.text_recognition_model_dir = "/somewhere/my_rec";
  const ModelChoice c = choose_model(o, ModelRole::TextRecognition);
  EXPECT_EQ(c.dir, "/somewhere/my_rec");
  EXPECT_FALSE(c.name_given);
  EXPECT_EQ(model_dir(o, ModelRole::TextRecognition), "/somewhere/my_rec");
}

TEST_F(ModelCatalog, InstalledFamiliesAreListed) {
  install({"PP-OCRv4_mobile_det", "PP-OCRv4_mobile_rec"});
  const auto lines = describe_installed_families();
  ASSERT_EQ(lines.size(), model_families().size());
  EXPECT_NE(lines[0].find("PP-OCRv4"), std::string::npos);
  EXPECT_NE(lines[0].find("PP-OCRv4_mobile_rec"), std::string::npos);
  for (size_t i = 1; i < lines.size(); ++i) EXPECT_NE(lines[i].find("not installed"), std::string::npos) << lines[i];
}

}  // namespace
}  // namespace hpocr
