// INT8 quantisation's inputs: calibration and validation images, the quantiser's options and the accuracy
// guard's thresholds (docs/int8.md). hpocr/quantize.h runs the build.
#pragma once
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>
#include <opencv2/core.hpp>

#include "hpocr/options.h"
#include "hpocr/result.h"

namespace hpocr::quant {

enum class CalibMethod { MinMax, Percentile, Entropy };
/// "minmax" | "percentile" | "entropy"; Error(InvalidArgument) otherwise.
CalibMethod parse_calib_method(std::string_view name);
std::string to_string(CalibMethod m);

struct QuantOptions {
  CalibMethod method = CalibMethod::MinMax;
  bool per_channel = true;
  std::set<std::string> exclude;  ///< node names kept in fp32
  int cpu_threads = 0;            ///< ONNX Runtime threads for calibration runs (0 = all cores)
  /// 7-bit weights ([-63, 63]). Without VNNI, x86 int8 GEMMs (VPMADDUBSW) add pairs of u8*s8 products in
  /// 16 bits, which saturate with full-range weights; 255*63*2 fits. Default: on when the CPU lacks VNNI.
  bool reduce_range = default_reduce_range();
  /// Element-wise chains between integer kernels (HardSwish, affine, ReLU, Clip, HardSigmoid, Sigmoid) become
  /// one uint8 table each (the ai.hpocr.LookupTable custom operator), so activations stay uint8.
  bool lookup_tables = true;
  static bool default_reduce_range();
};

/// An image with the text drawn on it, top to bottom (empty for users' own calibration images).
struct LabelledImage {
  std::string name;
  cv::Mat image;  ///< 8-bit BGR
  std::vector<std::string> lines;
  /// Each line's box (document pages); empty where only the texts are known (generated images, users' images).
  std::vector<Quad> boxes;
};

/// The guard: INT8 end-to-end CER within `max_cer_increase` (fraction: 0.005 = 0.5 points) of fp32; on images
/// whose labels carry boxes (document pages) detection Hmean against them at most `max_hmean_drop` below fp32's,
/// on the others detection boxes agreeing with fp32's (IoU >= min_iou) for at least `min_box_agreement` of them.
struct GuardThresholds {
  double max_cer_increase = 0.005;
  double min_box_agreement = 0.99;
  double min_iou = 0.5;
  double max_hmean_drop = 0.01;
};

struct GuardVerdict {
  bool passed = false;
  double cer_fp32 = 0, cer_int8 = 0;  ///< character error rates (spaces ignored), fractions
  double box_agreement = 1;           ///< share of boxes matched both ways on images without labelled boxes (1: none)
  size_t boxes_fp32 = 0, boxes_int8 = 0;
  size_t labelled_boxes = 0;          ///< label boxes of the set (0: no document pages, no Hmean)
  double hmean_fp32 = 1, hmean_int8 = 1;  ///< detection Hmean against the labelled boxes
  std::string reason;                 ///< why it failed, or a summary when it passed
  nlohmann::json to_json() const;
};

/// The images of a directory (sorted), decoded with the usual checks. Error(InvalidInput) when the directory
/// is missing or empty, or holds no decodable image; files that fail to decode are reported and skipped.
std::vector<LabelledImage> load_image_dir(const std::filesystem::path& dir, int64_t max_image_pixels);

/// `count` images (about three pages to one line image) drawn from `seed`. Calibration and validation use
/// different seeds (kCalibrationSeed, kValidationSeed), so their texts and layouts differ.
std::vector<LabelledImage> make_calibration_set(int count, uint32_t seed);

constexpr uint32_t kCalibrationSeed = 1001, kValidationSeed = 2002;

/// Which half of the document pages a set draws from: calibration and validation never share a page.
enum class PageSplit { Calibration, Validation };

/// $HPOCR_HOME/documents: the typeset PDFs scripts/fetch_documents.sh takes from Debian's documentation packages.
std::filesystem::path default_document_dir();

/// Up to `count` real document pages from the PDFs in `dir` (sorted; unreadable ones skipped with a warning):
/// pages with at least 5 lines of upright text, rendered at 144 DPI, labelled from the PDF's text layer (texts
/// and boxes), drawn round robin over the documents in a fixed order. Every third page is made to look scanned
/// (grey, turned up to 1.5 degrees, blurred, noisy, JPEG), every third after it photographed (perspective,
/// uneven light, JPEG). The same directory gives the same pages on every machine. Empty when `dir` holds no PDF.
std::vector<LabelledImage> make_document_page_set(const std::filesystem::path& dir, int count, PageSplit split);

/// Adds `count` document pages of `split` from `dir` to `set`, spread evenly among its images (calibration keeps
/// only the first inputs of each model, so the pages must not all come last). Returns how many it added; when
/// `dir` gives none it says so in a warning (the guard then judges on generated images alone).
size_t add_document_pages(std::vector<LabelledImage>& set, const std::filesystem::path& dir, int count, PageSplit split);

struct BuildRequest {
  std::vector<std::filesystem::path> model_dirs;  ///< models to quantise; empty = the three default models
  std::vector<LabelledImage> calibration;
  std::vector<LabelledImage> validation;          ///< labelled, disjoint from calibration
  QuantOptions options;
  GuardThresholds guard;
  int max_sensitivity_rounds = 3;                 ///< guard retries, each leaving more sensitive layers in fp32
  /// The models the guard's pipeline uses for the roles not being quantised; the default models where a role
  /// is missing. A pipeline building its INT8 models on first use passes its own.
  std::map<ModelRole, std::filesystem::path> context_dirs;
  /// Called with a one-line account of each phase (calibration, each model's guard rounds), for progress output.
  std::function<void(const std::string&)> progress;
};

}  // namespace hpocr::quant
