// The OCR pipeline: detection -> (textline orientation) -> recognition.
#pragma once
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>

#include <opencv2/core.hpp>

#include "hpocr/options.h"
#include "hpocr/result.h"

namespace hpocr {

/// Loads the three models once; predict() is const and safe to call from several threads.
class OcrPipeline {
 public:
  /// Validates options and loads the models; throws Error on bad options or model dirs.
  explicit OcrPipeline(OcrOptions options);
  ~OcrPipeline();
  OcrPipeline(OcrPipeline&&) noexcept;
  OcrPipeline& operator=(OcrPipeline&&) noexcept;

  /// OCR of a decoded image (8-bit BGR, gray or BGRA; other depths are converted).
  /// Bad overrides in `params` give Error(InvalidArgument).
  OcrResult predict(const cv::Mat& image, const std::string& input_path = "", const PredictParams& params = {}) const;
  /// Reads, validates and decodes a file, then OCR. Throws Error(InvalidInput) for bad files.
  OcrResult predict_file(const std::filesystem::path& path, const PredictParams& params = {}) const;
  /// Decodes in-memory encoded image bytes, then OCR.
  OcrResult predict_bytes(std::span<const unsigned char> bytes, const std::string& input_path = "",
                          const PredictParams& params = {}) const;

  /// Receives each page's result as soon as the page is done.
  using PageSink = std::function<void(OcrResult&&)>;
  /// OCR of a file that may hold several pages: an image gives one result, a PDF one per page (page_index set;
  /// rendered at 144 DPI as PaddleOCR does, each page within max_image_pixels, at most max_pdf_pages pages),
  /// passed to `sink` page by page so that a long document needs memory for one page. Error(InvalidInput) for
  /// bad files; the pages before a bad page have been delivered.
  void predict_document(const std::filesystem::path& path, const PageSink& sink, const PredictParams& params = {}) const;
  /// predict_document on in-memory bytes (an encoded image or a PDF).
  void predict_document_bytes(std::span<const unsigned char> bytes, const std::string& input_path, const PageSink& sink,
                              const PredictParams& params = {}) const;

  const OcrOptions& options() const;
  /// One line per model: name, directory, backend and its settings.
  std::string describe() const;
  /// Per loaded model (detection, orientation if loaded, recognition): {model_name, model_dir, backend, selection}.
  nlohmann::json model_settings() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace hpocr
