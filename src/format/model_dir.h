// A model directory: the model file plus its PaddleX-style inference.yml description.
#pragma once
#include <filesystem>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

namespace hpocr {

enum class ModelFormat { Onnx, PaddleLegacy, PaddlePir };

/// "onnx", "paddle (inference.pdmodel)", "paddle (inference.json, PIR)"
std::string to_string(ModelFormat f);

struct ModelDir {
  std::filesystem::path dir;
  std::filesystem::path model_file;  ///< inference.onnx, or the user's .onnx file
  ModelFormat format = ModelFormat::Onnx;
  std::string model_name;            ///< Global.model_name, else the directory name
  /// The Paddle program beside an inference.onnx (inference.json or inference.pdmodel, with
  /// inference.pdiparams); empty when there is none. Backends that read Paddle models may use it instead.
  std::filesystem::path paddle_model_file;
  YAML::Node config;                 ///< parsed inference.yml; null when the directory has none

  /// The parameters of PreProcess.transform_ops entry `op` (e.g. "NormalizeImage"); null node if absent.
  YAML::Node transform(std::string_view op) const;
  /// The PostProcess section; null node if absent.
  YAML::Node postprocess() const;
  /// The Paddle format of the program this directory holds (model_file, or paddle_model_file beside an
  /// ONNX model); Onnx when it holds none.
  ModelFormat paddle_format() const;
  /// This directory seen as its Paddle model (format and model_file switched); itself when it is one.
  ModelDir as_paddle() const;
};

/// The node at root[k0][k1]...; a null node when any level is missing or not a mapping (never throws,
/// unlike chained operator[] on a missing key).
YAML::Node yaml_at(const YAML::Node& root, std::initializer_list<const char*> keys);

/// Converts YAML to JSON; scalars become bool/int/float where they read as such, else strings. Error(InvalidArgument)
/// for non-scalar mapping keys and nesting deeper than 64 levels (recursive aliases).
nlohmann::json yaml_to_json(const YAML::Node& node);

/// Opens a model directory (or a .onnx file) for the model of `role` ("text detection", ...).
/// Throws Error(ModelFormat) with what is missing and how to fix it.
ModelDir open_model_dir(const std::filesystem::path& path, std::string_view role);

}  // namespace hpocr
