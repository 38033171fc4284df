// The generated bad-image corpus through the CLI and the library pipeline: one clear error line per refused
// file, a clean result or a clean error for the others, and the process always finishes normally.
#include <fstream>
#include <regex>

#include "hpocr/error.h"
#include "pipeline_fixture.h"
#include "support/bad_inputs.h"

namespace fs = std::filesystem;

namespace hpocr::test {
namespace {

using BadInputCorpus = PipelineTest;

TEST_F(BadInputCorpus, CliDirectoryRunReportsEveryBadFileAndFinishes) {
  fs::path dir = temp_dir("corpus");
  auto corpus = bad_image_corpus();
  size_t must_fail = 0;
  for (const auto& c : corpus) {
    std::ofstream(dir / (c.name + c.ext), std::ios::binary).write(reinterpret_cast<const char*>(c.bytes.data()), c.bytes.size());
    must_fail += c.must_fail;
  }
  CommandResult r = run_cli("ocr -i " + dir.string() + " --max_image_pixels " + std::to_string(kCorpusMaxPixels));
  EXPECT_EQ(r.exit_code, 1) << r.out;  // 1: inputs failed; a crash would be 128 + signal
  for (const auto& c : corpus) {
    if (!c.must_fail) continue;
    EXPECT_NE(r.out.find("error: " + (dir / (c.name + c.ext)).string() + ": "), std::string::npos) << c.name << "\n" << r.out;
  }
  std::smatch m;
  ASSERT_TRUE(std::regex_search(r.out, m, std::regex(R"((\d+) of (\d+) inputs failed)"))) << r.out;
  EXPECT_EQ(std::stoul(m[2]), corpus.size());
  EXPECT_GE(std::stoul(m[1]), must_fail);
  EXPECT_EQ(r.out.find("terminate called"), std::string::npos) << r.out;
}

TEST_F(BadInputCorpus, PipelineGivesAResultOrInvalidInput) {
  for (const auto& c : bad_image_corpus()) {
    // The bombs are within the default 100 M pixel limit and would only cost seconds of OCR on blank pixels;
    // the decoder and CLI tests refuse them under the corpus limit.
    if (c.name.find("bomb") != std::string::npos) continue;
    SCOPED_TRACE(c.name);
    try {
      pipeline().predict_document_bytes(c.bytes, c.name, [&](OcrResult&& r) {
        EXPECT_FALSE(c.must_fail) << "accepted";
        EXPECT_EQ(r.rec_texts.size(), r.rec_scores.size());
      });
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::InvalidInput) << e.what();
    }
  }
}

}  // namespace
}  // namespace hpocr::test
