// The models hpocr knows by name (PaddleX's model names), grouped into families (PP-OCRv4, PP-OCRv5, PP-OCRv6),
// and PaddleOCR 3.x's way of choosing among them: ocr_version, lang and the *_model_name / *_model_dir options.
// A new model is one entry of the table in src/core/model_catalog.cpp (plus its inference.yml under models/ and
// its line in the fetch script).
#pragma once
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "hpocr/options.h"

namespace hpocr {

/// One model the catalog knows.
struct CatalogModel {
  std::string_view name;    ///< PaddleX model name, also its directory name under $HPOCR_HOME/models
  ModelRole role;
  std::string_view families;  ///< the families it belongs to, space separated: "PP-OCRv5 PP-OCRv6"
  std::string_view size;    ///< "mobile", "server", "small", "tiny", ...
  /// Recognisers: the `lang` codes the model reads, space separated (PaddleOCR's codes); empty for other roles.
  std::string_view langs;
};

/// Every known model, each family's preferred model of a role (and language) first.
std::span<const CatalogModel> model_catalog();
/// The entry called `name`, or nullptr.
const CatalogModel* find_catalog_model(std::string_view name);
/// The families, oldest first.
std::vector<std::string> model_families();
/// The family used when neither ocr_version nor a model is given (chosen by measurement: docs/accuracy.md).
std::string_view default_ocr_version();
/// The default family's preferred installed model of `role` (for `lang` ch); its preferred one when none is.
std::string default_model_name(ModelRole role);
/// Error(InvalidArgument) listing the families unless `version` is empty or one of them.
void check_ocr_version(std::string_view version);
/// The language used when `lang` is not given: "ch", as PaddleOCR.
inline constexpr std::string_view kDefaultLang = "ch";
/// True when `$HPOCR_HOME/models/<name>` holds a model (inference.onnx or a Paddle program).
bool model_installed(std::string_view name);

/// The model a pipeline uses for one role, and why.
struct ModelChoice {
  std::string name;             ///< the model's name; empty when only a directory was given
  std::filesystem::path dir;    ///< where it is read from
  bool name_given = false;      ///< the user named it (*_model_name): the directory must hold that model
  std::string reason;           ///< "text_recognition_model_dir", "ocr_version PP-OCRv5, lang en", ...
};

/// Whether a detection or recognition model is given by name or directory (then, as in PaddleOCR, lang and
/// ocr_version are ignored).
bool models_named(const OcrOptions& options);

/// PaddleOCR 3.x's rules: a *_model_dir wins (with its *_model_name, checked against the directory's
/// inference.yml when loaded); else *_model_name; else the model of `ocr_version` (default: default_ocr_version)
/// for `lang` (default "ch"), preferring the family's first installed model. `lang` and `ocr_version` are ignored
/// (with a warning, as PaddleOCR) once a detection or recognition model is named or given by directory.
/// Error(InvalidArgument) with one line listing what is available for an unknown name, version or language, or a
/// language the family does not read; Error(ModelFormat) when the chosen model is not installed.
ModelChoice choose_model(const OcrOptions& options, ModelRole role);

/// Logs the models `options` choose and why (info), and warns when lang or ocr_version are ignored, as PaddleOCR.
void log_model_choices(const OcrOptions& options);

/// The installed models of each family, for `hpocr info`: "PP-OCRv5: PP-OCRv5_mobile_det, ...".
std::vector<std::string> describe_installed_families();

}  // namespace hpocr
