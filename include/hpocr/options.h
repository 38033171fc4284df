// Pipeline options. Names and defaults follow PaddleOCR 3.x (see docs/parameters.md).
#pragma once
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace hpocr {

/// Images (and rendered PDF pages) above this many pixels are refused by default (OcrOptions::max_image_pixels).
inline constexpr std::int64_t kDefaultMaxImagePixels = 100'000'000;

/// How the detector's input is sized against text_det_limit_side_len (PaddleOCR's limit_type).
enum class LimitType {
  Min,        ///< "min": upscale so the short side >= limit
  Max,        ///< "max": downscale so the long side <= limit
  ResizeLong  ///< "resize_long": scale so the long side == limit
};
/// "min", "max" or "resize_long".
std::string_view to_string(LimitType type);
/// From that name; Error(InvalidArgument) for others.
LimitType parse_limit_type(std::string_view name);

/// DB text detection parameters (PaddleOCR `text_det_*`).
struct TextDetParams {
  int limit_side_len = 64;          ///< side length limit used by limit_type
  LimitType limit_type = LimitType::Min;
  int max_side_limit = 4000;        ///< hard cap on the long side of the detector input
  float thresh = 0.3f;              ///< pixel threshold on the probability map
  float box_thresh = 0.6f;          ///< minimum mean probability inside a box
  float unclip_ratio = 1.5f;        ///< box expansion ratio
  int max_candidates = 1000;        ///< contours considered per image

  /// Throws Error(InvalidArgument) naming the first bad value.
  void validate() const;
};

/// High-performance inference settings (PaddleX `hpi_config` names).
struct HpiConfig {
  std::string backend;             ///< onnxruntime | opencv | openvino | paddle | tensorrt; empty = automatic
  bool auto_config = true;         ///< fill backend_config from the prior-knowledge table; refuse backends it rules out
  bool auto_paddle2onnx = true;    ///< convert Paddle models to ONNX when the chosen backend needs it
  nlohmann::json backend_config = nlohmann::json::object();  ///< e.g. {"cpu_num_threads": 2}

  /// From a PaddleX-style mapping ({backend, auto_config, auto_paddle2onnx, backend_config}); unknown keys
  /// and wrong types give Error(InvalidArgument).
  static HpiConfig from_json(const nlohmann::json& j);
  /// The mapping from_json reads (backend null when automatic).
  nlohmann::json to_json() const;
  /// Throws Error(InvalidArgument) naming the first bad value.
  void validate() const;

  // The backend_config keys hpocr reads itself, typed; the other keys belong to the chosen backend and pass
  // through to it unread.
  /// backend_config.precision: "fp32", "fp16", "int8", or "" when unset (automatic).
  std::string precision() const;
  /// Sets backend_config.precision; Error(InvalidArgument) unless fp32, fp16 or int8.
  void set_precision(const std::string& precision);
  /// backend_config.int8_guard (default true); false runs an INT8 version the accuracy guard refused.
  bool int8_guard() const;
};

/// Options of the OCR pipeline. Models are chosen as PaddleOCR 3.x chooses them (hpocr/model_catalog.h): a model
/// dir wins, then a model name, then ocr_version and lang; empty means the default.
struct OcrOptions {
  std::filesystem::path doc_orientation_classify_model_dir;
  std::filesystem::path text_detection_model_dir;
  std::filesystem::path text_recognition_model_dir;
  std::filesystem::path textline_orientation_model_dir;
  std::string doc_orientation_classify_model_name;
  std::string text_detection_model_name;       ///< a catalog name (or the name of the model in the dir given)
  std::string text_recognition_model_name;
  std::string textline_orientation_model_name;
  std::string ocr_version;                     ///< model family: PP-OCRv4, PP-OCRv5, PP-OCRv6; empty = the default
  std::string lang;                            ///< PaddleOCR language code (ch, en, fr, japan, ...); empty = ch

  std::string device = "cpu";       ///< "cpu" (GPU devices arrive with the HPI layer)
  bool enable_hpi = false;          ///< let the HPI layer choose and tune the backend
  HpiConfig hpi_config;             ///< pipeline-wide HPI settings (used when enable_hpi)
  /// Per-module HPI settings, keyed "TextDetection", "TextRecognition", "TextLineOrientation"; they win over hpi_config.
  std::map<std::string, HpiConfig> module_hpi_config;
  int cpu_threads = 0;              ///< inference threads per model; 0 = number of cores (PaddleOCR uses 8)

  /// Turn the page upright (0/90/180/270) before detection (PaddleOCR's document preprocessor); boxes are given
  /// in the turned page's coordinates, as PaddleOCR gives them.
  bool use_doc_orientation_classify = false;
  bool use_textline_orientation = true;
  TextDetParams text_det;
  float text_rec_score_thresh = 0.0f;
  /// 0 = automatic: with enable_hpi the schedule HPI chose for the recogniser, else 6 (PaddleOCR's default)
  int text_recognition_batch_size = 0;
  int textline_orientation_batch_size = 6;
  bool return_word_box = false;     ///< also give word texts and boxes per line (text_word, text_word_region)
  /// PaddleOCR 3.x's exact behaviour: tight recognition crops and the classifier's orientation as it is.
  /// Off (default): the recogniser sees a margin around each line, and unconfident readings are checked in
  /// the other orientation; dt_polys/rec_polys are the same either way (docs/accuracy.md).
  bool paddle_compat = false;
  /// hpocr only: the CTC space-class probability from which a word gap the greedy decoding dropped is restored;
  /// 0 = off (paddle_compat turns it off too). On the accuracy harness 0.05 restored 87 % of the dropped spaces
  /// with no false space; 0.01 began to insert some (docs/accuracy.md).
  float text_rec_space_thresh = 0.05f;

  std::int64_t max_image_pixels = kDefaultMaxImagePixels;  ///< images (and rendered PDF pages) above this are refused before decoding
  int max_pdf_pages = 0;                         ///< PDFs with more pages are refused before any page is rendered; 0 = no limit

  /// Throws Error(InvalidArgument) naming the first bad value.
  void validate() const;
  /// Sets backend_config.precision ("fp32", "fp16" or "int8") in hpi_config and in every module's hpi_config,
  /// over what they held (the CLI's --precision, the API's precision=). Error(InvalidArgument) for other values.
  void set_precision(const std::string& precision);
};

/// Per-call overrides (PaddleOCR's predict() arguments); unset fields keep the pipeline's options.
struct PredictParams {
  std::optional<TextDetParams> text_det;
  std::optional<float> text_rec_score_thresh;
  std::optional<bool> use_textline_orientation;  ///< true needs a pipeline created with the classifier
  std::optional<bool> use_doc_orientation_classify;  ///< true needs a pipeline created with it
  std::optional<bool> return_word_box;
};

/// Root of hpocr's user data: $HPOCR_HOME, else ~/.cache/hpocr.
std::filesystem::path hpocr_home();

/// The pipeline's stages that run a model, in the order they run. A new stage is one entry here and in the role
/// table of src/core/options.cpp, plus its model class (src/models/) and its step in the pipeline.
enum class ModelRole { DocOrientationClassify, TextDetection, TextLineOrientation, TextRecognition };
inline constexpr ModelRole kModelRoles[] = {ModelRole::DocOrientationClassify, ModelRole::TextDetection,
                                            ModelRole::TextLineOrientation, ModelRole::TextRecognition};
/// PaddleX's module name: "DocOrientationClassify", "TextDetection", "TextLineOrientation", "TextRecognition"
/// (pipeline YAML SubModules, module_hpi_config keys, the parameter table's modules).
std::string_view role_name(ModelRole role);
/// The role in words, for messages: "document orientation", "text detection", ...
std::string_view role_label(ModelRole role);
/// Where the module's settings live in a PaddleX pipeline YAML, e.g. {"SubModules", "TextDetection"}.
std::vector<std::string> role_yaml_path(ModelRole role);
/// Whether `options` run the role's model (the optional stages have a use_* switch).
bool role_used(const OcrOptions& options, ModelRole role);
/// Whether hpocr builds INT8 versions of the role's models (hpocr quantize, precision int8).
bool role_has_int8(ModelRole role);
/// The prefix of the role's parameters: "doc_orientation_classify", "text_detection", ...
std::string param_prefix(ModelRole role);
/// The role's *_model_dir field of `options`.
std::filesystem::path& given_model_dir(OcrOptions& options, ModelRole role);
const std::filesystem::path& given_model_dir(const OcrOptions& options, ModelRole role);
/// The role's *_model_name field of `options`.
std::string& given_model_name(OcrOptions& options, ModelRole role);
const std::string& given_model_name(const OcrOptions& options, ModelRole role);
/// The role's model directory: the one given, else the chosen model's under $HPOCR_HOME/models
/// (choose_model in hpocr/model_catalog.h, whose errors it throws).
std::filesystem::path model_dir(const OcrOptions& options, ModelRole role);

}  // namespace hpocr
