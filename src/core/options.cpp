#include <cmath>
#include <cstdlib>

#include "core/device.h"
#include "hpocr/error.h"
#include "hpocr/options.h"

namespace hpocr {
namespace {

[[noreturn]] void bad(const std::string& name, const std::string& value, const std::string& expected) {
  throw Error(ErrorCode::InvalidArgument, name + "=" + value + " is invalid: expected " + expected);
}

void check_unit(const char* name, float v, bool allow_one = true) {
  if (!std::isfinite(v) || v < 0.f || v > 1.f || (!allow_one && v == 1.f))
    bad(name, std::to_string(v), "a number in [0, 1]");
}

}  // namespace

void TextDetParams::validate() const {
  if (limit_side_len < 1 || limit_side_len > 16384) bad("text_det_limit_side_len", std::to_string(limit_side_len), "1..16384");
  if (limit_type != "min" && limit_type != "max" && limit_type != "resize_long")
    bad("text_det_limit_type", limit_type, "'min', 'max' or 'resize_long'");
  if (max_side_limit < 32 || max_side_limit > 16384) bad("text_det_max_side_limit", std::to_string(max_side_limit), "32..16384");
  check_unit("text_det_thresh", thresh);
  check_unit("text_det_box_thresh", box_thresh);
  if (!std::isfinite(unclip_ratio) || unclip_ratio <= 0.f || unclip_ratio > 10.f)
    bad("text_det_unclip_ratio", std::to_string(unclip_ratio), "a number in (0, 10]");
  if (max_candidates < 1 || max_candidates > 100000) bad("max_candidates", std::to_string(max_candidates), "1..100000");
}

void OcrOptions::validate() const {
  text_det.validate();
  Device::parse(device);
  if (cpu_threads < 0 || cpu_threads > 1024) bad("cpu_threads", std::to_string(cpu_threads), "0 (auto) .. 1024");
  if (!std::isfinite(text_rec_score_thresh) || text_rec_score_thresh < 0.f || text_rec_score_thresh > 1.f)
    bad("text_rec_score_thresh", std::to_string(text_rec_score_thresh), "a number in [0, 1]");
  if (text_recognition_batch_size < 0 || text_recognition_batch_size > 1024)
    bad("text_recognition_batch_size", std::to_string(text_recognition_batch_size), "0 (auto) .. 1024");
  if (textline_orientation_batch_size < 1 || textline_orientation_batch_size > 1024)
    bad("textline_orientation_batch_size", std::to_string(textline_orientation_batch_size), "1..1024");
  if (max_image_pixels < 1) bad("max_image_pixels", std::to_string(max_image_pixels), "a positive pixel count");
  if (max_pdf_pages < 0) bad("max_pdf_pages", std::to_string(max_pdf_pages), "a page count >= 0 (0: no limit)");
  hpi_config.validate();
  for (const auto& [module, config] : module_hpi_config) {
    if (module != "TextDetection" && module != "TextRecognition" && module != "TextLineOrientation")
      bad("module_hpi_config", module, "TextDetection, TextRecognition or TextLineOrientation");
    config.validate();
  }
}

void OcrOptions::set_precision(const std::string& precision) {
  if (precision != "fp32" && precision != "fp16" && precision != "int8")
    throw Error(ErrorCode::InvalidArgument, "precision='" + precision + "' is invalid: expected fp32, fp16 or int8");
  hpi_config.backend_config["precision"] = precision;
  for (auto& [module, config] : module_hpi_config) config.backend_config["precision"] = precision;
}

std::filesystem::path hpocr_home() {
  if (const char* env = std::getenv("HPOCR_HOME"); env && *env) return env;
  const char* home = std::getenv("HOME");
  return std::filesystem::path(home && *home ? home : "/tmp") / ".cache" / "hpocr";
}

}  // namespace hpocr
