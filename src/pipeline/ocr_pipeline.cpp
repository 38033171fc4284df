#include <future>

#include <nlohmann/json.hpp>
#include <opencv2/imgproc.hpp>

#include "core/timer.h"
#include "hpocr/error.h"
#include "hpocr/image_decode.h"
#include "hpocr/logging.h"
#include "hpocr/model_catalog.h"
#include "hpocr/pdf_document.h"
#include "hpocr/pipeline.h"
#include "models/doc_orientation.h"
#include "models/geometry.h"
#include "models/text_detector.h"
#include "models/text_recognizer.h"
#include "models/textline_classifier.h"
#include "models/word_boxes.h"
#include "pipeline/int8_first_use.h"
#include "hpocr/parameters.h"

namespace hpocr {
namespace {

/// Readings scored below this are checked in the other orientation (check_orientation; docs/accuracy.md).
constexpr float kOrientationCheckScore = 0.9f;

/// The pipeline's models, without the options.
struct PipelineModels {
  std::unique_ptr<DocOrientationClassifier> doc_orientation;  // only when use_doc_orientation_classify
  TextDetector detector;
  std::unique_ptr<TextlineClassifier> classifier;  // only when use_textline_orientation
  TextRecognizer recognizer;
};

/// Loads the models in parallel: creating an engine (reading or optimising the graph, pre-packing the
/// weights, converting a Paddle model) is single-threaded work per model, so the start of every process is
/// shorter. Errors are reported in the order of a sequential load: detection, recognition, orientation.
PipelineModels load_models(const OcrOptions& o) {
  log_model_choices(o);
  build_int8_on_first_use(o);  // precision int8 without a cached INT8 version: build it now (first use)
  auto detector = std::async(std::launch::async, [&o] {
    return TextDetector(model_dir(o, ModelRole::TextDetection), load_request(o, ModelRole::TextDetection));
  });
  auto recognizer = std::async(std::launch::async, [&o] {
    return TextRecognizer(model_dir(o, ModelRole::TextRecognition), load_request(o, ModelRole::TextRecognition));
  });
  std::future<std::unique_ptr<DocOrientationClassifier>> doc_orientation;
  if (o.use_doc_orientation_classify)
    doc_orientation = std::async(std::launch::async, [&o] {
      return std::make_unique<DocOrientationClassifier>(model_dir(o, ModelRole::DocOrientationClassify),
                                                        load_request(o, ModelRole::DocOrientationClassify));
    });
  std::future<std::unique_ptr<TextlineClassifier>> classifier;
  if (o.use_textline_orientation)
    classifier = std::async(std::launch::async, [&o] {
      return std::make_unique<TextlineClassifier>(model_dir(o, ModelRole::TextLineOrientation),
                                                  load_request(o, ModelRole::TextLineOrientation));
    });
  // get() in this order; when one throws, the other futures' destructors wait for their loads to finish.
  TextDetector det = detector.get();
  TextRecognizer rec = recognizer.get();
  auto cls = classifier.valid() ? classifier.get() : nullptr;
  return {doc_orientation.valid() ? doc_orientation.get() : nullptr, std::move(det), std::move(cls), std::move(rec)};
}

}  // namespace

struct OcrPipeline::Impl : PipelineModels {
  OcrOptions options;

  explicit Impl(OcrOptions o) : PipelineModels(load_models((o.validate(), o))), options(std::move(o)) {}
  /// Turns the page upright (with the document orientation stage), detects its lines and puts them in reading order.
  void detect(const OcrOptions& o, const std::string& name, OcrResult& r) const;
  /// Crops the detected lines, sets each upright and reads it (with the orientation check).
  void read(const OcrOptions& o, OcrResult& r) const;
};

OcrPipeline::OcrPipeline(OcrOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}
OcrPipeline::~OcrPipeline() = default;
OcrPipeline::OcrPipeline(OcrPipeline&&) noexcept = default;
OcrPipeline& OcrPipeline::operator=(OcrPipeline&&) noexcept = default;

const OcrOptions& OcrPipeline::options() const { return impl_->options; }

nlohmann::json OcrPipeline::model_settings() const {
  nlohmann::json j = nlohmann::json::array();
  if (impl_->doc_orientation) j.push_back(impl_->doc_orientation->model().settings());
  j.push_back(impl_->detector.model().settings());
  if (impl_->classifier) j.push_back(impl_->classifier->model().settings());
  j.push_back(impl_->recognizer.model().settings());
  return j;
}

std::string OcrPipeline::describe() const {
  std::string out;
  for (const auto& m : model_settings())
    out += m["model_name"].get<std::string>() + " [" + m["model_dir"].get<std::string>() + "]: " + m["backend"].dump() +
           (m["selection"].contains("reason") ? " (" + m["selection"]["reason"].get<std::string>() + ")" : "") + "\n";
  return out;
}

namespace {

/// The crops' images, sharing their pixels.
std::vector<cv::Mat> images_of(const std::vector<TextCrop>& crops) {
  std::vector<cv::Mat> images;
  images.reserve(crops.size());
  for (const auto& c : crops) images.push_back(c.image);
  return images;
}

/// The orientation check: lines read with a score below kOrientationCheckScore are read again turned by 180°,
/// and the more confident reading is kept (its angle recorded). The classifier turns some upright lines (those
/// heavy in descenders) with a high score, and misses some upside-down ones; their readings are garbage with low
/// scores, while a line read the right way up scores high. Confident readings are not re-read, which bounds the
/// cost. The time counts as orientation (cls) time.
void check_orientation(const TextRecognizer& recognizer, int batch_size, float space_thresh, std::vector<TextCrop>& crops,
                       std::vector<Recognition>& texts, OcrResult& r) {
  Timer timer;
  std::vector<size_t> doubtful;
  std::vector<cv::Mat> turned;
  for (size_t i = 0; i < texts.size(); ++i) {
    if (texts[i].score >= kOrientationCheckScore) continue;
    doubtful.push_back(i);
    turned.emplace_back();
    cv::rotate(crops[i].image, turned.back(), cv::ROTATE_180);
  }
  if (doubtful.empty()) return;
  auto again = recognizer.recognize(turned, batch_size, nullptr, space_thresh);
  size_t flipped = 0;
  for (size_t k = 0; k < doubtful.size(); ++k) {
    const size_t i = doubtful[k];
    if (again[k].score <= texts[i].score) continue;
    texts[i] = std::move(again[k]);
    crops[i].rotate_180();
    r.textline_orientation_angles[i] = r.textline_orientation_angles[i] == 1 ? 0 : 1;
    ++flipped;
  }
  r.timings.cls += timer.lap();
  log::debug("orientation check: {} of {} lines re-read, {} turned", doubtful.size(), texts.size(), flipped);
}

/// Decodes an encoded image and runs OCR; a PDF is refused with the way to read it.
OcrResult predict_encoded(const OcrPipeline& pipeline, std::span<const unsigned char> bytes, const std::string& input_path,
                          const std::string& name, const PredictParams& params) {
  if (looks_like_pdf(bytes))
    throw Error(ErrorCode::InvalidInput, name + ": holds a PDF; PDFs give one result per page (predict_document)");
  Timer timer;
  cv::Mat image = decode_image(bytes, pipeline.options().max_image_pixels, name);
  double decode = timer.lap();
  OcrResult r = pipeline.predict(image, input_path, params);
  r.timings.decode = decode;
  r.timings.total += decode;
  return r;
}

}  // namespace

OcrResult OcrPipeline::predict_file(const std::filesystem::path& path, const PredictParams& params) const {
  return predict_encoded(*this, read_file(path), path.string(), path.string(), params);
}

OcrResult OcrPipeline::predict_bytes(std::span<const unsigned char> bytes, const std::string& input_path,
                                     const PredictParams& params) const {
  return predict_encoded(*this, bytes, input_path, input_path.empty() ? "<bytes>" : input_path, params);
}

void OcrPipeline::predict_document(const std::filesystem::path& path, const PageSink& sink, const PredictParams& params) const {
  predict_document_bytes(read_file(path), path.string(), sink, params);
}

void OcrPipeline::predict_document_bytes(std::span<const unsigned char> bytes, const std::string& input_path,
                                         const PageSink& sink, const PredictParams& params) const {
  const std::string name = input_path.empty() ? "<bytes>" : input_path;
  if (!looks_like_pdf(bytes)) return sink(predict_encoded(*this, bytes, input_path, name, params));
  Timer timer;
  PdfDocument pdf(bytes, name);
  const int pages = pdf.page_count();
  const int limit = impl_->options.max_pdf_pages;
  if (limit > 0 && pages > limit)
    throw Error(ErrorCode::InvalidInput, name + ": the PDF has " + std::to_string(pages) + " pages, above max_pdf_pages (" +
                                             std::to_string(limit) + ")");
  double open = timer.lap();
  for (int i = 0; i < pages; ++i) {
    cv::Mat page = pdf.render(i, impl_->options.max_image_pixels);
    double decode = timer.lap() + (i == 0 ? open : 0.0);
    OcrResult r = predict(page, input_path, params);
    r.page_index = i;
    r.timings.decode = decode;
    r.timings.total += decode;
    sink(std::move(r));
    timer.lap();  // the sink's own time is not the next page's decoding
  }
}

namespace {

/// The effective options of one call: the pipeline's, with the call's overrides, checked against what is loaded.
OcrOptions call_options(const OcrOptions& pipeline, const PredictParams& params, bool classifier_loaded, bool doc_orientation_loaded) {
  OcrOptions o = pipeline;
  if (params.text_det) o.text_det = *params.text_det;
  if (params.text_rec_score_thresh) o.text_rec_score_thresh = *params.text_rec_score_thresh;
  if (params.use_textline_orientation) o.use_textline_orientation = *params.use_textline_orientation;
  if (params.return_word_box) o.return_word_box = *params.return_word_box;
  if (params.use_doc_orientation_classify) o.use_doc_orientation_classify = *params.use_doc_orientation_classify;
  o.validate();
  if (o.use_textline_orientation && !classifier_loaded)
    throw Error(ErrorCode::InvalidArgument, std::string(param_names::kUseTextlineOrientation) + "=True needs a pipeline created with " +
                                                param_names::kUseTextlineOrientation + "=True (the classifier model is not loaded)");
  if (o.use_doc_orientation_classify && !doc_orientation_loaded)
    throw Error(ErrorCode::InvalidArgument, std::string(param_names::kUseDocOrientationClassify) + "=True needs a pipeline created with " +
                                                param_names::kUseDocOrientationClassify + "=True (the document orientation model is not loaded)");
  return o;
}

/// Keeps the readings scored at least the threshold, with their boxes (and word boxes when asked for).
void keep_readings(const OcrOptions& o, std::vector<Recognition>& texts, const std::vector<TextCrop>& crops, OcrResult& r) {
  for (size_t i = 0; i < texts.size(); ++i) {
    if (texts[i].score < o.text_rec_score_thresh) continue;
    if (!o.paddle_compat) trim_spaces(texts[i]);
    if (o.return_word_box) {
      WordBoxes words = word_boxes(texts[i], crops[i]);
      r.text_word.push_back(std::move(words.texts));
      r.text_word_region.push_back(std::move(words.regions));
    }
    r.rec_texts.push_back(std::move(texts[i].text));
    r.rec_scores.push_back(texts[i].score);
    r.rec_polys.push_back(r.dt_polys[i]);
    r.rec_boxes.push_back(bounding_box(r.dt_polys[i]));
  }
}

}  // namespace

void OcrPipeline::Impl::detect(const OcrOptions& o, const std::string& name, OcrResult& r) const {
  if (o.use_doc_orientation_classify) {  // PaddleOCR's document preprocessor: the page turned upright first
    const PageOrientation page = doc_orientation->classify(r.image, &r.timings);
    log::debug("{}: page orientation {} ({:.3f}), turned by {}", name, page.model_angle, page.score, page.angle);
    r.doc_orientation_angle = page.angle;
    r.image = turn_counter_clockwise(r.image, page.angle);
  }
  auto boxes = detector.detect(r.image, o.text_det, &r.timings);
  if (!o.paddle_compat) {  // DB splits widely spaced lines into words; the recogniser reads whole lines better
    Timer join;
    boxes = join_line_fragments(std::move(boxes), r.image.size());
    r.timings.det_post += join.lap();
  }
  std::vector<Quad> quads;
  quads.reserve(boxes.size());
  for (const auto& b : boxes) quads.push_back(b.quad);
  // PaddleOCR sorts every page top to bottom, left to right; a page of vertical columns is read right to left.
  const bool vertical = !o.paddle_compat && vertical_page(quads);
  for (size_t i : vertical ? vertical_reading_order(quads) : reading_order(quads)) {
    r.dt_polys.push_back(boxes[i].quad);
    r.dt_scores.push_back(boxes[i].score);
  }
}

void OcrPipeline::Impl::read(const OcrOptions& o, OcrResult& r) const {
  Timer timer;
  std::vector<TextCrop> crops;
  crops.reserve(r.dt_polys.size());
  const float margin = o.paddle_compat ? 0.f : recognition_margin(r.image.size(), det_input_size(r.image.size(), o.text_det));
  const auto margins = recognition_margins(r.dt_polys, margin);
  for (size_t i = 0; i < r.dt_polys.size(); ++i) crops.push_back(crop_text_region(r.image, r.dt_polys[i], margins[i]));
  r.timings.crop += timer.lap();

  r.textline_orientation_angles.assign(crops.size(), -1);
  if (o.use_textline_orientation && !crops.empty()) {
    auto orient = classifier->classify(images_of(crops), o.textline_orientation_batch_size, &r.timings);
    for (size_t i = 0; i < crops.size(); ++i) {
      r.textline_orientation_angles[i] = orient[i].class_id;
      if (orient[i].class_id == 1) crops[i].rotate_180();
    }
  }
  const float space_thresh = o.paddle_compat ? 0.f : o.text_rec_space_thresh;
  auto texts = recognizer.recognize(images_of(crops), o.text_recognition_batch_size, &r.timings, space_thresh);
  if (o.use_textline_orientation && !o.paddle_compat)
    check_orientation(recognizer, o.text_recognition_batch_size, space_thresh, crops, texts, r);
  keep_readings(o, texts, crops, r);
}

OcrResult OcrPipeline::predict(const cv::Mat& input, const std::string& input_path, const PredictParams& params) const {
  const OcrOptions o = call_options(impl_->options, params, impl_->classifier != nullptr, impl_->doc_orientation != nullptr);
  const std::string name = input_path.empty() ? "<image>" : input_path;
  if (input.empty()) throw Error(ErrorCode::InvalidInput, name + ": empty image");
  if (static_cast<int64_t>(input.total()) > o.max_image_pixels)
    throw Error(ErrorCode::InvalidInput, name + ": image exceeds max_image_pixels (" + std::to_string(o.max_image_pixels) + ")");
  Timer total;
  OcrResult r;
  r.input_path = input_path;
  r.image = input.type() == CV_8UC3 ? input : to_bgr8(input);
  r.text_det_params = o.text_det;
  r.text_rec_score_thresh = o.text_rec_score_thresh;
  r.use_textline_orientation = o.use_textline_orientation;
  r.return_word_box = o.return_word_box;
  if (input.cols < kMinImageSide || input.rows < kMinImageSide) {  // legal, but too small to hold a text line
    if (o.use_doc_orientation_classify) r.doc_orientation_angle = 0;
    r.timings.total = total.lap();
    return r;
  }
  impl_->detect(o, name, r);
  impl_->read(o, r);
  r.timings.total = total.lap();
  const auto& t = r.timings;
  log::info("{}: {} boxes, {} texts; doc_ori {:.1f} ms, det {:.1f}/{:.1f}/{:.1f} ms, crop {:.1f}, cls {:.1f}, rec {:.1f}/{:.1f}/{:.1f}, total {:.1f} ms",
            name, r.dt_polys.size(), r.rec_texts.size(), t.doc_ori, t.det_pre, t.det_infer, t.det_post, t.crop, t.cls, t.rec_pre,
            t.rec_infer, t.rec_post, t.total);
  return r;
}

}  // namespace hpocr
