// POST /ocr request validation (apps/serve/request) and the server's response shapes and metrics text,
// without models: a corpus of malformed requests, each refused with its HTTP status and a clear message.
#include <gtest/gtest.h>

#include <regex>
#include <set>
#include <sstream>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "hpocr/base64.h"
#include "serve/metrics.h"
#include "serve/request.h"
#include "serve/server.h"
#include "support/bad_inputs.h"
#include "support/pdf_writer.h"
#include "unit_helpers.h"

namespace hpocr::test {
namespace {

using nlohmann::json;
using serve::HttpError;
using serve::parse_ocr_request;

serve::RequestPolicy policy() {
  serve::RequestPolicy p;
  p.defaults.max_image_pixels = kCorpusMaxPixels;
  p.defaults.max_pdf_pages = 2;
  return p;
}

std::string image_b64(int w = 64, int h = 32, const std::string& ext = ".png") {
  return base64_encode(encode(cv::Mat(h, w, CV_8UC3, cv::Scalar(255, 255, 255)), ext));
}

/// A PDF of `pages` white 64x32 pages.
std::string pdf_b64(int pages) {
  return base64_encode(make_pdf(std::vector<cv::Mat>(pages, cv::Mat(32, 64, CV_8UC3, cv::Scalar(255, 255, 255)))));
}

/// A valid request with `extra` merged in (a null value removes the key).
std::string request(const json& extra = json::object()) {
  json j{{"file", image_b64()}, {"fileType", 1}};
  for (const auto& [k, v] : extra.items()) {
    if (v.is_null()) j.erase(k);
    else j[k] = v;
  }
  return j.dump();
}

/// Success when parsing `body` throws HttpError(status) whose message contains `needle`.
testing::AssertionResult refused(const std::string& body, int status, std::string_view needle,
                                 const serve::RequestPolicy& p = policy()) {
  try {
    parse_ocr_request(body, p);
  } catch (const HttpError& e) {
    if (e.status() != status) return testing::AssertionFailure() << "status " << e.status() << ": " << e.what();
    if (std::string_view(e.what()).find(needle) == std::string_view::npos)
      return testing::AssertionFailure() << "message lacks '" << needle << "': " << e.what();
    return testing::AssertionSuccess();
  } catch (const std::exception& e) {
    return testing::AssertionFailure() << "not an HttpError: " << e.what();
  }
  return testing::AssertionFailure() << "accepted; expected " << status << " '" << needle << "'";
}

TEST(ServeRequest, AcceptsAValidRequestWithDefaults) {
  auto r = parse_ocr_request(request(), policy());
  EXPECT_EQ(r.header.format, "png");
  EXPECT_EQ(r.header.width, 64);
  EXPECT_TRUE(r.visualize);
  EXPECT_FALSE(r.params.text_det.has_value());
  EXPECT_FALSE(r.params.text_rec_score_thresh.has_value());
  EXPECT_FALSE(r.params.use_textline_orientation.has_value());
  // fileType may be left out (inferred) or null, and so may every optional field.
  EXPECT_NO_THROW(parse_ocr_request(request({{"fileType", nullptr}}), policy()));
  EXPECT_NO_THROW(parse_ocr_request(json{{"file", image_b64()}, {"fileType", nullptr}, {"textDetThresh", nullptr}}.dump(), policy()));
}

TEST(ServeRequest, PaddleOcrParametersBecomePerCallOverrides) {
  auto r = parse_ocr_request(request({{"textDetLimitSideLen", 960}, {"textDetLimitType", "max"}, {"textDetThresh", 0.2},
                                      {"textDetBoxThresh", 0.5}, {"textDetUnclipRatio", 2.0}, {"textRecScoreThresh", 0.4},
                                      {"useTextlineOrientation", false}, {"visualize", false},
                                      {"useDocOrientationClassify", false}, {"useDocUnwarping", false}}),
                             policy());
  ASSERT_TRUE(r.params.text_det.has_value());
  EXPECT_EQ(r.params.text_det->limit_side_len, 960);
  EXPECT_EQ(r.params.text_det->limit_type, LimitType::Max);
  EXPECT_FLOAT_EQ(r.params.text_det->thresh, 0.2f);
  EXPECT_FLOAT_EQ(r.params.text_det->box_thresh, 0.5f);
  EXPECT_FLOAT_EQ(r.params.text_det->unclip_ratio, 2.0f);
  EXPECT_EQ(r.params.text_det->max_side_limit, TextDetParams{}.max_side_limit);  // untouched fields keep the defaults
  EXPECT_FLOAT_EQ(*r.params.text_rec_score_thresh, 0.4f);
  EXPECT_EQ(*r.params.use_textline_orientation, false);
  EXPECT_FALSE(r.visualize);
  EXPECT_EQ(parse_ocr_request(request({{"textDetLimitSideLen", 64.0}}), policy()).params.text_det->limit_side_len, 64);
}

TEST(ServeRequest, MalformedBodiesAreRefusedWithTheirStatus) {
  struct Case {
    std::string body;
    int status;
    std::string needle;
  };
  const std::string b64 = image_b64();
  const std::vector<Case> cases = {
      // malformed JSON
      {"", 400, "empty request body"},
      {"{", 400, "not valid JSON"},
      {"{\"file\": \"abc\",}", 400, "not valid JSON"},
      {"{'file': 'x'}", 400, "not valid JSON"},
      {"file=abc", 400, "not valid JSON"},
      {"{\"file\": \"" + b64 + "\"} trailing", 400, "not valid JSON"},
      {"\xff\xfe{}", 400, "not valid JSON"},
      {"{\"textDetThresh\": 1e309}", 400, "not valid JSON"},  // fuzz finding: number overflow escaped as out_of_range
      {std::string(100, '[') + std::string(100, ']'), 400, "nests deeper than 32"},
      // not an object
      {"[]", 422, "must be a JSON object"},
      {"\"file\"", 422, "must be a JSON object"},
      {"null", 422, "must be a JSON object"},
      {"42", 422, "must be a JSON object"},
      // file
      {"{}", 422, "missing field 'file'"},
      {request({{"file", nullptr}}), 422, "missing field 'file'"},
      {request({{"file", 12}}), 422, "file must be a string"},
      {request({{"file", json::array({1, 2})}}), 422, "file must be a string"},
      {request({{"file", ""}}), 422, "file is empty"},
      {request({{"file", "http://example.com/a.png"}}), 400, "does not fetch URLs"},
      {request({{"file", "https://example.com/a.png"}}), 400, "does not fetch URLs"},
      // wrong base64
      {request({{"file", "abc"}}), 400, "not a multiple of 4"},
      {request({{"file", "!!!!"}}), 400, "not in the base64 alphabet"},
      {request({{"file", "data:image/png;base64," + b64}}), 400, "data URI"},
      {request({{"file", "@" + b64.substr(1)}}), 400, "'@' at position 0 is not in the base64 alphabet"},
      {request({{"file", b64.substr(0, b64.size() - 1)}}), 400, "invalid base64"},
      {request({{"file", "Zg==" + b64}}), 400, "padding"},
      // base64 of something that is no (acceptable) image
      {request({{"file", base64_encode(std::vector<unsigned char>{'h', 'i', '!'})}}), 400, "not an image"},
      {request({{"file", base64_encode(std::vector<unsigned char>{'%', 'P', 'D', 'F', '-', '1'})}, {"fileType", nullptr}}), 400, "corrupt, truncated"},
      {request({{"file", base64_encode(std::vector<unsigned char>{'%', 'P', 'D', 'F', '-', '1'})}, {"fileType", 0}}), 400, "corrupt, truncated"},
      {request({{"file", pdf_b64(1)}}), 422, "fileType is 1 (image) but file holds a PDF"},
      {request({{"fileType", 0}}), 422, "fileType is 0 (PDF) but file is not a PDF"},
      {request({{"file", pdf_b64(3)}, {"fileType", 0}}), 413, "the PDF has 3 pages, above the server's limit of 2 pages"},
      {request({{"file", base64_encode(make_blank_pdf(1000, 1000))}, {"fileType", 0}}), 413,
       "PDF page 1 is 2000x2000 pixels at 144 DPI, above the server's limit of 1000000 pixels"},
      {request({{"file", image_b64(2000, 2000)}}), 413, "above the server's limit of 1000000 pixels"},
      // wrong fileType
      {request({{"fileType", 2}}), 422, "fileType must be 0 (PDF) or 1 (image)"},
      {request({{"fileType", -1}}), 422, "fileType must be 0"},
      {request({{"fileType", "1"}}), 422, "fileType must be 0"},
      {request({{"fileType", 1.0}}), 422, "fileType must be 0"},
      {request({{"fileType", true}}), 422, "fileType must be 0"},
      // unknown fields
      {request({{"textDetThreshold", 0.3}}), 422, "unknown field 'textDetThreshold'"},
      {request({{"inferenceParams", json::object()}}), 422, "unknown field 'inferenceParams'"},
      {request({{"", 1}}), 422, "unknown field ''"},
      // huge, negative and mistyped parameters
      {request({{"textDetLimitSideLen", -1}}), 422, "textDetLimitSideLen: text_det_limit_side_len=-1"},
      {request({{"textDetLimitSideLen", 0}}), 422, "textDetLimitSideLen"},
      {request({{"textDetLimitSideLen", 1e12}}), 422, "textDetLimitSideLen is out of range"},
      {request({{"textDetLimitSideLen", 99999999}}), 422, "expected 1..16384"},
      {request({{"textDetLimitSideLen", 64.5}}), 422, "must be an integer"},
      {request({{"textDetLimitSideLen", "64"}}), 422, "must be an integer, got string"},
      {request({{"textDetLimitType", "huge"}}), 422, "textDetLimitType"},
      {request({{"textDetLimitType", 1}}), 422, "textDetLimitType must be a string"},
      {request({{"textDetThresh", -0.1}}), 422, "textDetThresh"},
      {request({{"textDetThresh", 1.5}}), 422, "textDetThresh"},
      {request({{"textDetThresh", 1e300}}), 422, "textDetThresh is out of range"},
      {request({{"textDetThresh", "0.3"}}), 422, "textDetThresh must be a number"},
      {request({{"textDetBoxThresh", -5}}), 422, "textDetBoxThresh"},
      {request({{"textDetUnclipRatio", 0}}), 422, "textDetUnclipRatio"},
      {request({{"textDetUnclipRatio", 1e6}}), 422, "textDetUnclipRatio"},
      {request({{"textRecScoreThresh", 2}}), 422, "textRecScoreThresh: text_rec_score_thresh=2.000000 is invalid: expected a number in [0, 1]"},
      {request({{"textRecScoreThresh", -1e-9}}), 422, "textRecScoreThresh"},
      {request({{"visualize", "yes"}}), 422, "visualize must be true or false"},
      {request({{"useTextlineOrientation", 1}}), 422, "useTextlineOrientation must be true or false"},
      {request({{"useDocUnwarping", true}}), 422, "not available in this build"},
      {request({{"returnWordBox", "true"}}), 422, "returnWordBox must be true or false"},
  };
  EXPECT_GE(cases.size(), 50u);
  for (const auto& c : cases) EXPECT_TRUE(refused(c.body, c.status, c.needle)) << c.body.substr(0, 120);
}

TEST(ServeRequest, EveryBadImageOfTheCorpusIsRefusedOrAccepted) {
  // The header checks run before queueing: entries that must fail never reach a worker, whose full decode
  // handles the rest.
  for (const auto& c : bad_image_corpus()) {
    SCOPED_TRACE(c.name);
    std::string body = json{{"file", base64_encode(c.bytes)}}.dump();
    try {
      parse_ocr_request(body, policy());
    } catch (const HttpError& e) {
      EXPECT_GE(e.status(), 400);
      EXPECT_LT(e.status(), 500);
      EXPECT_GT(std::string_view(e.what()).size(), 10u);
      continue;
    }
    // Accepted: only data that may decode (bit flips, formats whose end is not checked) passes the header checks.
    EXPECT_FALSE(c.must_fail) << "accepted";
  }
}

TEST(ServeRequest, OrientationNeedsTheClassifier) {
  auto p = policy();
  p.classifier_loaded = false;
  EXPECT_TRUE(refused(request({{"useTextlineOrientation", true}}), 422, "without the textline orientation model", p));
  EXPECT_NO_THROW(parse_ocr_request(request({{"useTextlineOrientation", false}}), p));
}

TEST(ServeResponse, ErrorBodyAndLogIdFollowPaddleX) {
  auto id = serve::new_log_id();
  EXPECT_TRUE(std::regex_match(id, std::regex("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"))) << id;
  EXPECT_NE(serve::new_log_id(), id);
  auto j = json::parse(serve::error_body(id, 422, "bad \xff value"));  // invalid UTF-8 must not break the JSON
  EXPECT_EQ(j["logId"], id);
  EXPECT_EQ(j["errorCode"], 422);
  EXPECT_NE(j["errorMsg"].get<std::string>().find("bad"), std::string::npos);
}

TEST(ServeResponse, SuccessBodyHasPrunedResultAndImages) {
  OcrResult r;
  r.input_path = "file";
  r.image = cv::Mat(40, 100, CV_8UC3, cv::Scalar(255, 255, 255));
  r.rec_texts = {"abc"};
  r.rec_scores = {0.9f};
  r.rec_polys = {Quad{cv::Point{1, 1}, {50, 1}, {50, 20}, {1, 20}}};
  r.rec_boxes = {{1, 1, 50, 20}};
  r.dt_polys = r.rec_polys;
  r.textline_orientation_angles = {-1};
  auto j = json::parse(serve::success_body("id", {r}, false, true, {}));
  EXPECT_EQ(j["errorCode"], 0);
  EXPECT_EQ(j["errorMsg"], "Success");
  const auto& item = j["result"]["ocrResults"][0];
  EXPECT_FALSE(item["prunedResult"].contains("input_path"));
  EXPECT_EQ(item["prunedResult"]["rec_texts"][0], "abc");
  EXPECT_EQ(j["result"]["dataInfo"], json({{"width", 100}, {"height", 40}, {"type", "image"}}));
  for (const char* key : {"ocrImage", "inputImage"}) {
    auto jpeg = base64_decode(item[key].get<std::string>());
    cv::Mat decoded = cv::imdecode(jpeg, cv::IMREAD_COLOR);
    ASSERT_FALSE(decoded.empty()) << key;
    EXPECT_EQ(decoded.rows, 40) << key;
  }
  auto plain = json::parse(serve::success_body("id", {r}, false, false, {}));
  EXPECT_TRUE(plain["result"]["ocrResults"][0]["ocrImage"].is_null());
  EXPECT_FALSE(plain["result"]["ocrResults"][0].contains("inputImage"));
}

TEST(ServeRequest, PdfIsAcceptedWithItsPageCount) {
  for (json type : {json(0), json(nullptr)}) {
    auto r = parse_ocr_request(request({{"file", pdf_b64(2)}, {"fileType", type}}), policy());
    EXPECT_EQ(r.pdf_pages, 2);
  }
  EXPECT_EQ(parse_ocr_request(request(), policy()).pdf_pages, 0);
}

TEST(ServeResponse, PdfBodyHasOneResultPerPageAndPdfDataInfo) {
  std::vector<OcrResult> pages(2);
  pages[0].image = cv::Mat(40, 100, CV_8UC3);
  pages[1].image = cv::Mat(60, 30, CV_8UC3);
  for (int i = 0; i < 2; ++i) {
    pages[i].input_path = "file";
    pages[i].page_index = i;
  }
  auto j = json::parse(serve::success_body("id", pages, true, false, {}));
  ASSERT_EQ(j["result"]["ocrResults"].size(), 2u);
  EXPECT_EQ(j["result"]["ocrResults"][1]["prunedResult"]["page_index"], 1);
  EXPECT_EQ(j["result"]["dataInfo"],
            json({{"numPages", 2}, {"pages", {{{"width", 100}, {"height", 40}}, {{"width", 30}, {"height", 60}}}}, {"type", "pdf"}}));
}

TEST(ServeMetrics, PrometheusTextHasCountersHistogramAndGauges) {
  serve::Metrics m;
  m.count_response("/ocr", 200);
  m.count_response("/ocr", 200);
  m.count_response("/ocr", 503);
  m.count_response("/no/such/path?x=1", 404);
  m.observe_ocr_latency(0.003);
  m.observe_ocr_latency(0.2);
  m.observe_ocr_latency(100);
  std::string text = m.render({3, 8, 1, 4, 2});
  for (const char* line :
       {"hpocr_http_requests_total{path=\"/ocr\",code=\"200\"} 2\n", "hpocr_http_requests_total{path=\"/ocr\",code=\"503\"} 1\n",
        "hpocr_http_requests_total{path=\"other\",code=\"404\"} 1\n", "hpocr_http_request_errors_total{path=\"/ocr\"} 1\n",
        "hpocr_ocr_request_duration_seconds_bucket{le=\"0.005\"} 1\n", "hpocr_ocr_request_duration_seconds_bucket{le=\"0.25\"} 2\n",
        "hpocr_ocr_request_duration_seconds_bucket{le=\"60\"} 2\n", "hpocr_ocr_request_duration_seconds_bucket{le=\"+Inf\"} 3\n",
        "hpocr_ocr_request_duration_seconds_count 3\n", "hpocr_queue_depth 3\n", "hpocr_queue_capacity 8\n",
        "hpocr_ocr_in_progress 1\n", "hpocr_http_requests_in_flight 4\n", "hpocr_workers 2\n",
        "# TYPE hpocr_ocr_request_duration_seconds histogram\n"})
    EXPECT_NE(text.find(line), std::string::npos) << line << "\n" << text;
  // Every sample line is `name{labels} value` or `name value`.
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') continue;
    EXPECT_TRUE(std::regex_match(line, std::regex(R"([a-z_]+(\{[^}]*\})? [-+0-9.e]+)"))) << line;
  }
}

TEST(ServeOptions, EveryBadValueIsNamed) {
  auto bad = [](auto change, const char* needle) {
    serve::ServeOptions o;
    change(o);
    return throws_error([&] { o.validate(); }, ErrorCode::InvalidArgument, needle);
  };
  EXPECT_NO_THROW(serve::ServeOptions{}.validate());
  EXPECT_TRUE(bad([](auto& o) { o.port = 70000; }, "port"));
  EXPECT_TRUE(bad([](auto& o) { o.workers = 0; }, "workers"));
  EXPECT_TRUE(bad([](auto& o) { o.max_queue = -1; }, "max_queue"));
  EXPECT_TRUE(bad([](auto& o) { o.request_timeout_s = 0; }, "request_timeout"));
  EXPECT_TRUE(bad([](auto& o) { o.max_body_bytes = 10; }, "max_body_bytes"));
  EXPECT_TRUE(bad([](auto& o) { o.host = ""; }, "host"));
}

}  // namespace
}  // namespace hpocr::test
