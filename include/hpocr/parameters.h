// The one table of pipeline parameters (PaddleOCR 3.x names). Every front end loops over it: the CLI's options
// and help, the PaddleX pipeline YAML, the Python keywords (constructor and per call), the server's camelCase
// request fields, validation, the result JSON's `text_det_params` and docs/parameters.md. A new parameter is one
// entry in src/core/parameters.cpp plus its use in the model code.
#pragma once
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "hpocr/options.h"

namespace hpocr {

/// The names of the parameters that other records share: the engine settings and selection records, the
/// result's model_settings, backend_config's precision, the PaddleX YAML key and the messages that name an
/// option. Spelled once, here; the table's entries use them too.
namespace param_names {
inline constexpr char kDevice[] = "device";
inline constexpr char kEnableHpi[] = "enable_hpi";
inline constexpr char kHpiConfig[] = "hpi_config";
inline constexpr char kCpuThreads[] = "cpu_threads";
inline constexpr char kPrecision[] = "precision";
inline constexpr char kUseTextlineOrientation[] = "use_textline_orientation";
inline constexpr char kUseDocOrientationClassify[] = "use_doc_orientation_classify";
}  // namespace param_names

/// How a value is written: CLI text, YAML scalar, Python object, JSON value.
enum class ParamType { Bool, Int, Float, String, Path, Mapping };

/// Where a parameter may be set.
enum class ParamScope {
  Init,       ///< when the pipeline is created (CLI, YAML, constructor)
  PerCall,    ///< also per predict() call and per server request
  Module,     ///< only on the single-model class of its module (e.g. TextDetection's max_candidates)
};

/// A value as front ends hand it over; Mapping values are JSON objects.
using ParamValue = std::variant<bool, std::int64_t, double, std::string, nlohmann::json>;

struct ParamSpec {
  std::string_view name;         ///< PaddleOCR name: --name, Python keyword, options JSON key
  ParamType type;
  ParamScope scope;
  std::string_view module;       ///< TextDetection | TextRecognition | TextLineOrientation; empty for the pipeline
  /// Name in the PaddleX YAML (under SubModules.<module> when `module` is set) and in the module's own settings
  /// (result `text_det_params`, the single-model classes' keywords); empty: not read from YAML.
  std::string_view key;
  std::string_view help;
  std::string_view expected;     ///< the accepted values, as error messages word them (empty: any value of the type)
  double min = 0, max = 0;       ///< range for Int/Float when `expected` is set and `choices` empty
  bool min_open = false;         ///< (min, max] instead of [min, max]
  std::span<const std::string_view> choices;  ///< accepted strings (String)
  std::string_view unavailable;  ///< a PaddleOCR feature hpocr lacks: only false is accepted; says what it is
  ParamValue (*get)(const OcrOptions&) = nullptr;
  void (*set)(OcrOptions&, const ParamValue&) = nullptr;
  /// Per-call parameters: copies the effective value into the call's overrides.
  void (*to_call)(const OcrOptions&, PredictParams&) = nullptr;
};

/// Every parameter, in the order of docs/parameters.md (also the order in which they are applied: hpi_config
/// before precision, which wins over it).
std::span<const ParamSpec> parameters();
/// The parameter called `name` (PaddleOCR name), or nullptr.
const ParamSpec* find_parameter(std::string_view name);
/// The parameter of `module` whose module key is `key` (e.g. TextDetection, limit_side_len), or nullptr.
const ParamSpec* find_module_parameter(std::string_view module, std::string_view key);
/// The engine settings every single-model class (TextDetection, ...) takes too: device, enable_hpi, hpi_config,
/// cpu_threads.
bool is_engine_parameter(const ParamSpec& spec);
/// A parameter that picks the module's model (*_model_dir, *_model_name) rather than tuning it.
bool is_model_selector(const ParamSpec& spec);
/// The server's field name: text_det_thresh -> textDetThresh.
std::string camel_case(std::string_view name);

/// Parameter values by spec, applied in table order.
using ParamValues = std::vector<std::pair<const ParamSpec*, ParamValue>>;

/// PaddleOCR-style boolean text: True/False, true/false, 1/0, yes/no, on/off (any case); nullopt otherwise.
std::optional<bool> bool_from_text(std::string_view text);
/// A value from text (CLI argument, YAML scalar): booleans True/False, true/false, 1/0, yes/no, on/off.
/// Error(InvalidArgument) naming the parameter when the text is not of its type.
ParamValue parse_param(const ParamSpec& spec, std::string_view text);
/// A JSON value for an error message: its type and (shortened) text, e.g. `string "64"`, `integer 3`.
std::string describe_json_value(const nlohmann::json& value);
/// A value from JSON: numbers for Int must be integral (64.0 is 64), Float any finite number in float range.
/// Error(InvalidArgument) "<shown_name> must be <kind>, got <type and value>" otherwise.
ParamValue param_from_json(const ParamSpec& spec, const nlohmann::json& value, std::string_view shown_name);
/// The value as JSON (floats as the shortest decimal that reads back as the same float).
nlohmann::json param_to_json(const ParamSpec& spec, const ParamValue& value);
/// The value as text, as --help shows defaults.
std::string param_text(const ParamSpec& spec, const ParamValue& value);

/// The value in `options` as --help and the docs show defaults (unset model dirs: $HPOCR_HOME/models/<default>).
std::string default_text(const ParamSpec& spec, const OcrOptions& options);
/// Error(InvalidArgument) "<name>=<value> is invalid: expected <expected>" when the value is outside the range
/// or choices, or "... is not available" for an unavailable feature turned on; wrong types too.
void check_param(const ParamSpec& spec, const ParamValue& value);
/// check_param, then stores the value in `options`.
void set_param(OcrOptions& options, const ParamSpec& spec, const ParamValue& value);
/// Applies every value in table order (so precision wins over hpi_config).
void apply_params(OcrOptions& options, const ParamValues& values);
/// The overrides of one predict() call (or server request) over `base`: each value must be a PerCall parameter
/// (Error(InvalidArgument) otherwise) and is checked.
PredictParams predict_params(const OcrOptions& base, const ParamValues& values);

/// The effective options as JSON, every Init and PerCall parameter by name (model dirs as given).
nlohmann::json options_to_json(const OcrOptions& options);
/// `text_det_params` of a result: the TextDetection parameters by module key, in PaddleOCR's order.
nlohmann::ordered_json text_det_params_json(const TextDetParams& params);
/// The Markdown table of docs/parameters.md (name, type, default, accepted values, per call, YAML key, server field,
/// meaning); `hpocr parameters` prints it.
std::string parameters_markdown();

}  // namespace hpocr
