// A model directory together with its inference engine; what every PP-OCR model class holds.
#pragma once
#include <memory>
#include <string_view>

#include <nlohmann/json.hpp>

#include "backend/backend.h"
#include "hpi/engine_loader.h"
#include "hpocr/options.h"

namespace hpocr {

struct LoadedModel {
  ModelDir dir;
  std::unique_ptr<Engine> engine;
  nlohmann::json selection;  ///< which backend was chosen and why (hpi/engine_loader.h): the record, for reports
  std::optional<RunSchedule> schedule;  ///< how to feed the engine, when HPI's prior knowledge says
  std::function<void(const Tensor&)> input_observer;  ///< LoadRequest::input_observer

  /// Opens the directory and loads the engine; errors name the role (role_label).
  /// `sample_shape` is a typical input, for backends that validate a model by a trial run.
  static LoadedModel open(const std::filesystem::path& path, ModelRole role, LoadRequest request,
                          std::vector<int64_t> sample_shape);
  /// {"model_name", "model_dir", "backend": settings, "selection": why}
  nlohmann::json settings() const;
  /// Runs one float input and returns the first output; checks its rank.
  Tensor run_single(const Tensor& input, size_t expected_rank) const;
};

}  // namespace hpocr
