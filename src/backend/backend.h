// The inference boundary: a Backend is a factory registered by name, an Engine is one loaded model.
// Everything above this layer sees only Tensors, never a backend's own types.
#pragma once
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/tensor.h"
#include "format/model_dir.h"
#include "hpocr/backends.h"
#include "hpocr/device.h"

namespace hpocr {

/// Name, element type and shape (-1 = dynamic) of one model input or output.
struct TensorInfo {
  std::string name;
  DataType dtype = DataType::Float32;
  std::vector<int64_t> shape;
};

struct ModelSignature {
  std::vector<TensorInfo> inputs;
  std::vector<TensorInfo> outputs;
};

/// How to build an engine. An empty backend_config means the backend's plain defaults (the HPI-off baseline).
struct EngineOptions {
  Device device;
  int cpu_threads = 0;            ///< 0 = backend default; backend_config.cpu_num_threads wins
  nlohmann::json backend_config = nlohmann::json::object();  ///< backend-specific keys (PaddleX names where they exist)
  /// Engine cache entry for this model + backend + settings (empty = no cache). The backend reuses what it
  /// finds there and otherwise builds it and publishes it atomically (see core/file_util.h).
  std::filesystem::path cache_dir;
  /// A representative input shape (e.g. [1, 3, 48, 320] for a recogniser): backends that can only tell
  /// whether they run a model by running it (OpenCV DNN) do one trial run with it at load time.
  std::vector<int64_t> sample_input_shape;
};

/// One model loaded on one backend.
class Engine {
 public:
  virtual ~Engine() = default;
  /// Runs the model. Thread-safe. Inputs in signature order; throws Error(Inference) on failure.
  virtual std::vector<Tensor> run(std::span<const Tensor> inputs) const = 0;
  virtual const ModelSignature& signature() const = 0;
  /// Backend name and effective settings, for logs and model_settings.
  virtual nlohmann::json settings() const = 0;
};

/// What every engine reports first in settings(): backend name, library version and device; each engine adds
/// its own keys (the effective backend_config).
nlohmann::json base_settings(std::string_view backend, const std::string& version, const Device& device);
/// A thread count as engines report it: the number, or "default" (0: the library decides).
nlohmann::json threads_setting(int threads);

/// A factory for engines of one backend.
class Backend {
 public:
  virtual ~Backend() = default;
  virtual std::string_view name() const = 0;
  /// Is the library installed and usable on `device`? Never throws.
  virtual Availability probe(const Device& device) const = 0;
  virtual bool accepts(ModelFormat format) const = 0;
  /// Loads the model; throws Error(ModelFormat | BackendUnavailable | UnsupportedOp) with the reason.
  virtual std::unique_ptr<Engine> load(const ModelDir& model, const EngineOptions& options) const = 0;
};

/// The registered backends now, in registration order (the built-in ones first). Backends live as long as the
/// process, so the pointers stay valid.
std::vector<const Backend*> backends();
/// The backend called `name`, or nullptr.
const Backend* find_backend(std::string_view name);
/// The reference backend (ONNX Runtime): the plain default engine when enable_hpi is off, the runner of hpocr's
/// INT8 (QDQ ONNX) models and of quantisation; Error(BackendUnavailable) if it is not registered.
const Backend& reference_backend();
/// Adds a backend, or replaces the one of the same name for later lookups (tests register fakes); a replaced
/// backend is kept alive, since other threads may still hold it. Thread-safe.
void register_backend(std::unique_ptr<Backend> backend);

}  // namespace hpocr
