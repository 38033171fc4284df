/* A stand-in for libnvinfer.so: only the version entry point hpocr probes (NvInferRuntime.h:
 * extern "C" int32_t getInferLibVersion(), e.g. 100300 for TensorRT 10.3.0). */
#include <stdint.h>

__attribute__((visibility("default"))) int32_t getInferLibVersion(void) { return 100300; }
