// Locating and loading libonnxruntime once per process.
#pragma once
#include <string>

struct OrtApi;

namespace hpocr::ort {

struct Library {
  const OrtApi* api = nullptr;  ///< null when loading failed
  std::string path;             ///< the file that was loaded (or tried last)
  std::string version;
  std::string error;            ///< why loading failed, for the user
};

/// Loads on first call: $HPOCR_ORT_LIBRARY, else $HPOCR_HOME/runtime/onnxruntime/lib/libonnxruntime.so.1,
/// else the system search path. Also initialises the ORT C++ API. Thread-safe.
const Library& library();

}  // namespace hpocr::ort
