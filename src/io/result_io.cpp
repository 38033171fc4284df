#include "hpocr/result_io.h"

#include <fstream>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "hpocr/error.h"
#include "hpocr/parameters.h"
#include "hpocr/text_renderer.h"

namespace fs = std::filesystem;

namespace hpocr {
namespace {

nlohmann::ordered_json polys_json(const std::vector<Quad>& quads) {
  auto out = nlohmann::ordered_json::array();
  for (const auto& q : quads) {
    auto poly = nlohmann::ordered_json::array();
    for (const auto& p : q) poly.push_back({p.x, p.y});
    out.push_back(std::move(poly));
  }
  return out;
}

fs::path prepare_dir(const fs::path& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw Error(ErrorCode::Io, "cannot create output directory '" + dir.string() + "': " + ec.message());
  return dir;
}

cv::Scalar box_color(size_t i) {
  // Fixed, well-separated hues so the same result always looks the same.
  static const cv::Scalar palette[] = {{255, 128, 0}, {0, 160, 255}, {60, 180, 75}, {200, 50, 200}, {0, 90, 230},
                                       {180, 160, 0}, {128, 0, 255}, {0, 200, 200}, {230, 50, 50},  {90, 90, 200}};
  return palette[i % std::size(palette)];
}

}  // namespace

nlohmann::ordered_json to_json(const OcrResult& r) {
  nlohmann::ordered_json j;
  j["input_path"] = r.input_path.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(r.input_path);
  j["page_index"] = r.page_index ? nlohmann::ordered_json(*r.page_index) : nlohmann::ordered_json(nullptr);
  j["model_settings"] = {{"use_doc_preprocessor", r.doc_orientation_angle.has_value()},
                         {param_names::kUseTextlineOrientation, r.use_textline_orientation}};
  if (r.doc_orientation_angle)  // PaddleOCR's record of its document preprocessor
    j["doc_preprocessor_res"] = {{"input_path", nullptr},
                                 {"page_index", nullptr},
                                 {"model_settings", {{param_names::kUseDocOrientationClassify, true}, {"use_doc_unwarping", false}}},
                                 {"angle", *r.doc_orientation_angle}};
  j["dt_polys"] = polys_json(r.dt_polys);
  j["text_det_params"] = text_det_params_json(r.text_det_params);
  j["text_type"] = "general";
  j["textline_orientation_angles"] = r.textline_orientation_angles;
  const ParamSpec& score = *find_parameter("text_rec_score_thresh");
  j[std::string(score.name)] = param_to_json(score, static_cast<double>(r.text_rec_score_thresh));
  j["return_word_box"] = r.return_word_box;
  j["rec_texts"] = r.rec_texts;
  j["rec_scores"] = r.rec_scores;
  j["rec_polys"] = polys_json(r.rec_polys);
  j["rec_boxes"] = r.rec_boxes;
  if (r.return_word_box) {
    j["text_word"] = r.text_word;
    auto regions = nlohmann::ordered_json::array();
    for (const auto& line : r.text_word_region) regions.push_back(polys_json(line));
    j["text_word_region"] = regions;
  }
  return j;
}

cv::Mat render_visualization(const OcrResult& r, const fs::path& font) {
  const cv::Mat& img = r.image;
  cv::Mat canvas(img.rows, img.cols * 2, CV_8UC3, cv::Scalar(255, 255, 255));
  cv::Mat left = canvas(cv::Rect(0, 0, img.cols, img.rows)), right = canvas(cv::Rect(img.cols, 0, img.cols, img.rows));
  img.copyTo(left);
  cv::Mat fill = left.clone();
  std::unique_ptr<TextRenderer> text;
  if (!font.empty()) text = std::make_unique<TextRenderer>(font);
  for (size_t i = 0; i < r.rec_polys.size(); ++i) {
    std::vector<cv::Point> poly(r.rec_polys[i].begin(), r.rec_polys[i].end());
    cv::fillPoly(fill, std::vector<std::vector<cv::Point>>{poly}, box_color(i));
    cv::polylines(right, poly, true, box_color(i), 1, cv::LINE_AA);
    if (!text) continue;
    const auto& b = r.rec_boxes[i];
    int box_w = b[2] - b[0], box_h = b[3] - b[1];
    int height = std::max(8, static_cast<int>(std::min(box_h * 0.8, 64.0)));
    cv::Size s = text->measure(r.rec_texts[i], height);
    if (s.width > box_w && s.width > 0) height = std::max(8, height * box_w / s.width);
    text->draw(right, r.rec_texts[i], {b[0], b[1] + std::max(0, (box_h - height) / 2)}, height, cv::Scalar(0, 0, 0));
  }
  cv::addWeighted(fill, 0.4, left, 0.6, 0, left);
  for (size_t i = 0; i < r.rec_polys.size(); ++i)
    cv::polylines(left, std::vector<cv::Point>(r.rec_polys[i].begin(), r.rec_polys[i].end()), true, box_color(i), 2,
                  cv::LINE_AA);
  return canvas;
}

std::string output_stem(const OcrResult& r) {
  auto stem = fs::path(r.input_path).stem().string();
  if (stem.empty()) stem = "image";
  // A PDF page is named like PaddleX's results: <stem>_<page_index>.
  return r.page_index ? stem + "_" + std::to_string(*r.page_index) : stem;
}

fs::path save_json(const OcrResult& r, const fs::path& dir) {
  fs::path out = prepare_dir(dir) / (output_stem(r) + "_res.json");
  std::ofstream f(out);
  f << to_json(r).dump(2) << "\n";
  if (!f) throw Error(ErrorCode::Io, "cannot write " + out.string());
  return out;
}

void write_image_file(const fs::path& path, const cv::Mat& image) {
  bool ok = false;
  try {
    ok = cv::imwrite(path.string(), image);
  } catch (const cv::Exception& e) {
    throw Error(ErrorCode::Io, "cannot write " + path.string() + ": " + e.err);
  }
  if (!ok) throw Error(ErrorCode::Io, "cannot write " + path.string());
}

fs::path save_visualization(const OcrResult& r, const fs::path& dir, const fs::path& font) {
  fs::path out = prepare_dir(dir) / (output_stem(r) + "_ocr_res_img.png");
  write_image_file(out, render_visualization(r, font));
  return out;
}

}  // namespace hpocr
