// The single-model classes (PaddleX "modules"): text detection, text recognition and textline orientation
// on their own. Inputs are taken from Python with the GIL held, then decoded and run without it.
#include <span>

#include <pybind11/stl.h>

#include "bindings.h"
#include "hpocr/error.h"
#include "hpocr/image_decode.h"
#include "hpocr/models.h"

namespace hpocr::python {
namespace {

/// One input image: a file path, encoded bytes or pixels (copied), read from Python with the GIL held.
struct ImageSource {
  std::string path;
  std::string bytes;
  cv::Mat pixels;

  /// Decodes to 8-bit BGR; needs no GIL.
  cv::Mat load() const {
    if (!pixels.empty()) return pixels.type() == CV_8UC3 ? pixels : to_bgr8(pixels);
    if (!path.empty()) return decode_image(read_file(path), kDefaultMaxImagePixels, path);
    return decode_image(std::span(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size()), kDefaultMaxImagePixels, "<bytes>");
  }
};

std::vector<ImageSource> sources_from(const py::list& inputs) {
  std::vector<ImageSource> out(inputs.size());
  for (size_t i = 0; i < out.size(); ++i) {
    py::handle item = inputs[i];
    if (py::isinstance<py::str>(item)) out[i].path = item.cast<std::string>();
    else if (py::isinstance<py::bytes>(item)) out[i].bytes = item.cast<std::string>();
    else out[i].pixels = array_to_mat(item, "input " + std::to_string(i));
  }
  return out;
}

int batch_size_from(const py::handle& v) {
  int b = cast_option<int>(v, "batch_size", "an integer");
  if (b < 1 || b > 1024) throw Error(ErrorCode::InvalidArgument, "batch_size=" + std::to_string(b) + " is invalid: expected 1..1024");
  return b;
}

/// The engine settings, with the module's model_name ("" = the default) set for its role.
OcrOptions module_options(const py::dict& engine, ModelRole role, const std::string& model_name) {
  OcrOptions o = engine_options_from(engine);
  given_model_name(o, role) = model_name;
  return o;
}

class Detector {
 public:
  Detector(const std::string& model_name, const std::string& model_dir, const py::dict& engine) {
    const OcrOptions options = module_options(engine, ModelRole::TextDetection, model_name);
    py::gil_scoped_release nogil;
    model_ = std::make_unique<TextDetectionModel>(model_dir, options);
  }

  const SingleModel& info() const { return *model_; }

  /// The module's defaults (TextDetector::model_params: inference.yml as PaddleX reads it), by module key.
  py::dict default_params() const {
    OcrOptions o;
    o.text_det = model_->model_params();
    py::dict d;
    for (const ParamSpec& spec : parameters())
      if (spec.module == role_name(ModelRole::TextDetection) && !is_model_selector(spec)) d[py::str(std::string(spec.key))] = param_to_py(spec.get(o));
    return d;
  }

  /// Per input: (polys int32 (N, 4, 2), scores list), boxes in the detector's order.
  py::list predict(const py::list& inputs, const py::dict& params) const {
    OcrOptions o;
    for (auto item : params) {
      const std::string key = py::str(item.first);
      const ParamSpec* spec = find_module_parameter(role_name(ModelRole::TextDetection), key);
      if (!spec || spec->type == ParamType::Path) throw Error(ErrorCode::InvalidArgument, "unknown text detection parameter '" + key + "'");
      set_param(o, *spec, param_from_py(*spec, item.second));
    }
    const TextDetParams& p = o.text_det;
    auto sources = sources_from(inputs);
    std::vector<std::vector<DetBox>> boxes(sources.size());
    {
      py::gil_scoped_release nogil;
      for (size_t i = 0; i < sources.size(); ++i) boxes[i] = model_->detect(sources[i].load(), p);
    }
    py::list out;
    for (const auto& image_boxes : boxes) {
      py::array_t<std::int32_t> polys({static_cast<py::ssize_t>(image_boxes.size()), py::ssize_t{4}, py::ssize_t{2}});
      auto w = polys.mutable_unchecked<3>();
      py::list scores;
      for (size_t b = 0; b < image_boxes.size(); ++b) {
        for (size_t k = 0; k < 4; ++k) {
          w(b, k, 0) = image_boxes[b].quad[k].x;
          w(b, k, 1) = image_boxes[b].quad[k].y;
        }
        scores.append(image_boxes[b].score);
      }
      out.append(py::make_tuple(polys, scores));
    }
    return out;
  }

 private:
  std::unique_ptr<TextDetectionModel> model_;
};

class Recognizer {
 public:
  Recognizer(const std::string& model_name, const std::string& model_dir, const py::dict& engine) {
    const OcrOptions options = module_options(engine, ModelRole::TextRecognition, model_name);
    py::gil_scoped_release nogil;
    model_ = std::make_unique<TextRecognitionModel>(model_dir, options);
  }

  const SingleModel& info() const { return *model_; }

  /// Per input: (text, score). Crops are batched `batch_size` at a time, sorted by aspect ratio.
  py::list predict(const py::list& inputs, const py::handle& batch_size) const {
    const int batch = batch_size_from(batch_size);
    auto sources = sources_from(inputs);
    std::vector<Recognition> texts;
    {
      py::gil_scoped_release nogil;
      std::vector<cv::Mat> crops;
      crops.reserve(sources.size());
      for (const auto& s : sources) crops.push_back(s.load());
      texts = model_->recognize(crops, batch);
    }
    py::list out;
    for (const auto& t : texts) out.append(py::make_tuple(t.text, t.score));
    return out;
  }

 private:
  std::unique_ptr<TextRecognitionModel> model_;
};

class Classifier {
 public:
  Classifier(const std::string& model_name, const std::string& model_dir, const py::dict& engine) {
    const OcrOptions options = module_options(engine, ModelRole::TextLineOrientation, model_name);
    py::gil_scoped_release nogil;
    model_ = std::make_unique<TextLineOrientationModel>(model_dir, options);
  }

  const SingleModel& info() const { return *model_; }
  const std::vector<std::string>& labels() const { return model_->labels(); }

  /// Per input: (class_id, score, label name); class ids index the model's label_list.
  py::list predict(const py::list& inputs, const py::handle& batch_size) const {
    const int batch = batch_size_from(batch_size);
    auto sources = sources_from(inputs);
    std::vector<TextlineOrientation> found;
    {
      py::gil_scoped_release nogil;
      std::vector<cv::Mat> crops;
      crops.reserve(sources.size());
      for (const auto& s : sources) crops.push_back(s.load());
      found = model_->classify(crops, batch);
    }
    py::list out;
    for (const auto& o : found) out.append(py::make_tuple(o.class_id, o.score, o.label));
    return out;
  }

 private:
  std::unique_ptr<TextLineOrientationModel> model_;
};

template <class T>
void bind_model_info(py::class_<T>& c) {
  c.def_property_readonly("model_name", [](const T& m) { return m.info().model_name(); })
      .def_property_readonly("model_dir", [](const T& m) { return m.info().model_dir().string(); });
}

}  // namespace

void bind_models(py::module_& m) {
  py::class_<Detector> det(m, "TextDetector", "DB text detector (use hpocr.TextDetection).");
  det.def(py::init<const std::string&, const std::string&, const py::dict&>(), py::arg("model_name"), py::arg("model_dir"),
               py::arg("engine"))
      .def("default_params", &Detector::default_params, "The model's defaults from inference.yml.")
      .def("predict", &Detector::predict, py::arg("inputs"), py::arg("params"));
  bind_model_info(det);

  py::class_<Recognizer> rec(m, "TextRecognizer", "CTC text recogniser (use hpocr.TextRecognition).");
  rec.def(py::init<const std::string&, const std::string&, const py::dict&>(), py::arg("model_name"), py::arg("model_dir"),
               py::arg("engine"))
      .def("predict", &Recognizer::predict, py::arg("inputs"), py::arg("batch_size"));
  bind_model_info(rec);

  py::class_<Classifier> cls(m, "TextlineClassifier", "0/180 degree textline classifier (use hpocr.TextLineOrientationClassification).");
  cls.def(py::init<const std::string&, const std::string&, const py::dict&>(), py::arg("model_name"), py::arg("model_dir"),
               py::arg("engine"))
      .def_property_readonly("labels", &Classifier::labels)
      .def("predict", &Classifier::predict, py::arg("inputs"), py::arg("batch_size"));
  bind_model_info(cls);
}

}  // namespace hpocr::python
