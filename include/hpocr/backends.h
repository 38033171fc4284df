// The inference backends this build knows, and whether each can run here (`hpocr info`, `hpi-info`,
// `install_hpi_deps`).
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "hpocr/device.h"

namespace hpocr {

/// Whether a backend can run on a device.
struct Availability {
  bool available = false;
  std::string version;  ///< library version when available
  std::string reason;   ///< why not, in one line, when unavailable
};

struct BackendStatus {
  std::string name;  ///< "onnxruntime", "opencv", "openvino", "paddle", "tensorrt"
  Availability availability;
};

/// The name of the reference backend (ONNX Runtime): the plain engine with enable_hpi off, the INT8 runner, and
/// the runtime `hpocr install_hpi_deps` installs under $HPOCR_HOME/runtime/<name>.
std::string_view reference_backend_name();
/// Every registered backend probed on `device`, in registration order (loads each runtime library once).
std::vector<BackendStatus> probe_backends(const Device& device);
/// The named backend probed on `device`; Error(InvalidArgument) for an unknown name.
Availability probe_backend(std::string_view name, const Device& device);

}  // namespace hpocr
