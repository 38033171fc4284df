// Builds the inference engine for one model. With enable_hpi the backend is chosen from the plan
// (hpi/selection.h) and configured from the prior knowledge, with an engine cache; without it a plain
// default ONNX Runtime engine is built, the baseline HPI is measured against.
#pragma once
#include <functional>
#include <memory>
#include <optional>

#include <nlohmann/json.hpp>

#include "backend/backend.h"
#include "hpi/prior_knowledge.h"
#include "hpocr/options.h"

namespace hpocr {

struct LoadRequest {
  Device device;
  int cpu_threads = 0;
  bool enable_hpi = false;
  HpiConfig hpi;
  std::vector<int64_t> sample_input_shape;  ///< see EngineOptions::sample_input_shape
  const hpi::PriorKnowledge* knowledge = nullptr;  ///< null = PriorKnowledge::builtin()
  /// Called with every input the loaded model runs on (calibration records the real pre-processed inputs).
  std::function<void(const Tensor&)> input_observer;
  /// The *_model_name the user gave: the directory's model must be that one (empty: any).
  std::string expected_model_name;
};

/// How the pipeline loads the model of `role`: device, threads, HPI switch and the module's own hpi_config if
/// given, else the pipeline's (the deepest level wins, as in PaddleX). Error(InvalidArgument) for a bad device.
LoadRequest load_request(const OcrOptions& options, ModelRole role);

/// How a model class feeds the engine HPI chose (the prior knowledge's `schedule:`, resolved for this engine).
/// Only recognisers have one today (models/text_recognizer.h, RecSchedule holds the defaults).
struct RunSchedule {
  std::optional<int> batch_size;  ///< inputs per run
  std::optional<int> min_width;   ///< batches narrower than this are padded to it (0: no padding beyond the widest)
  int parallel_runs = 1;          ///< runs side by side, each engine run single-threaded when > 1
  /// {"batch_size", "min_width", "parallel_runs"}, as far as set: for the selection record and `hpi-info`.
  nlohmann::json to_json() const;
};

struct LoadedEngine {
  std::unique_ptr<Engine> engine;
  nlohmann::json selection;               ///< {"backend", "reason", "failed": [{backend, error}...]}: the record
  std::optional<RunSchedule> schedule;    ///< the chosen step's schedule, if the prior knowledge gives one
};

/// Walks the plan: the first backend that loads wins; each failure is logged and the next one tried.
/// On CPU with ONNX Runtime the INT8 version from the cache (hpi/int8_cache.h) replaces the model when
/// backend_config.precision is int8, or automatically (enable_hpi + auto_config) when it passed the guard;
/// selection["precision"] and ["precision_reason"] say which and why.
/// Throws Error (the category of the last failure) listing every attempt when none works.
LoadedEngine load_engine(const ModelDir& model, const LoadRequest& request);

}  // namespace hpocr
