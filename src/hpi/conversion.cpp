#include "hpi/conversion.h"

#include <fstream>
#include <memory>
#include <mutex>

#include <onnx/onnx_pb.h>

#include "core/file_util.h"
#include "hpocr/error.h"
#include "hpocr/logging.h"
#include "hpocr/version.h"

namespace hpocr::hpi {
namespace fs = std::filesystem;
namespace {

/// True when `file` parses as an ONNX model (a truncated or overwritten cache entry does not).
bool readable_onnx(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  onnx::ModelProto proto;
  return in && proto.ParseFromIstream(&in) && proto.has_graph();
}

}  // namespace

ModelDir converted_to_onnx(const ModelDir& model, int opset) {
  if (model.format == ModelFormat::Onnx) return model;
  const fs::path params = model.dir / "inference.pdiparams";
  const std::string key = file_fingerprint(model.model_file) + "|" + file_fingerprint(params) + "|" + kVersion + "|opset" +
                          std::to_string(opset);
  const fs::path entry = cache_root_for(model.dir) / ("paddle2onnx-" + hash_hex(key));
  ModelDir out = model;
  out.format = ModelFormat::Onnx;
  out.model_file = entry / "inference.onnx";
  if (fs::exists(out.model_file)) {
    if (readable_onnx(out.model_file)) {
      log::info("{}: using the converted ONNX model cached in {}", model.model_name, entry.string());
      return out;
    }
    log::warn("{}: the cached converted model in {} is corrupt; converting again", model.model_name, entry.string());
    std::error_code ec;
    fs::remove_all(entry, ec);
  }
  log::info("{}: converting {} to ONNX (opset {}); the result is cached in {}", model.model_name, model.model_file.string(), opset,
            entry.string());
  convert::ConvertOptions options;
  options.opset = opset;
  options.model_name = model.model_name;
  const auto write = [&](const fs::path& dir) { convert::convert_model_dir(model.dir, dir / "inference.onnx", options); };
  if (publish_directory(entry, write)) return out;
  // No writable cache: convert for this run only. The engine reads the file while loading, so a temporary
  // directory that lives as long as the process is enough (models load in parallel: hence the lock).
  static std::mutex uncached_mutex;
  static std::vector<std::unique_ptr<TempDirectory>> uncached;
  fs::path dir;
  {
    std::lock_guard lock(uncached_mutex);
    dir = uncached.emplace_back(std::make_unique<TempDirectory>("hpocr-paddle2onnx"))->path();
  }
  write(dir);
  out.model_file = dir / "inference.onnx";
  return out;
}

}  // namespace hpocr::hpi
