#include "models/loaded_model.h"

#include "hpocr/error.h"

namespace hpocr {

LoadedModel LoadedModel::open(const std::filesystem::path& path, ModelRole role, LoadRequest request,
                              std::vector<int64_t> sample_shape) {
  LoadedModel m{open_model_dir(path, role_label(role)), nullptr, nullptr, std::nullopt, request.input_observer};
  // PaddleX refuses a model_name that is not the model in model_dir; a directory without inference.yml has no
  // name of its own to compare.
  if (const std::string& expected = request.expected_model_name;
      !expected.empty() && m.dir.config && expected != m.dir.model_name)
    throw Error(ErrorCode::InvalidArgument, param_prefix(role) + "_model_name '" + expected +
                                                "' does not match the model in " + m.dir.dir.string() + " ('" +
                                                m.dir.model_name + "')");
  request.sample_input_shape = std::move(sample_shape);
  LoadedEngine loaded = load_engine(m.dir, request);
  m.engine = std::move(loaded.engine);
  m.selection = std::move(loaded.selection);
  m.schedule = loaded.schedule;
  const auto& sig = m.engine->signature();
  if (sig.inputs.size() != 1 || sig.outputs.empty() || sig.inputs[0].dtype != DataType::Float32 ||
      sig.inputs[0].shape.size() != 4)
    throw Error(ErrorCode::ModelFormat, std::string(role_label(role)) + " model '" + m.dir.model_name +
                                            "' has an unexpected signature: one float32 NCHW input is required");
  return m;
}

nlohmann::json LoadedModel::settings() const {
  return {{"model_name", dir.model_name}, {"model_dir", dir.dir.string()}, {"backend", engine->settings()},
          {"selection", selection}};
}

Tensor LoadedModel::run_single(const Tensor& input, size_t expected_rank) const {
  if (input_observer) input_observer(input);
  auto out = engine->run(std::span<const Tensor>(&input, 1));
  if (out.empty() || out[0].shape().size() != expected_rank || out[0].dtype() != DataType::Float32)
    throw Error(ErrorCode::Inference, dir.model_name + ": unexpected output " + (out.empty() ? "(none)" : out[0].describe()));
  return std::move(out[0]);
}

}  // namespace hpocr
