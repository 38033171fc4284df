/* A stand-in for libopenvino_c.so with the published signatures of the functions hpocr calls
 * (the openvino/c headers), so the binding code runs for real in tests. Its "model" doubles its input:
 * output 0 = input 0 * 2, same shape, float32. A model path containing "bad" fails to read.
 * Infer requests detect concurrent use (REQUEST_BUSY), so a missing lock in the engine shows up. */
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define EXPORT __attribute__((visibility("default")))

typedef int ov_status_e; /* OK 0, GENERAL_ERROR -1, PARAMETER_MISMATCH -4, OUT_OF_BOUNDS -6, REQUEST_BUSY -8, INVALID_C_PARAM -14 */
typedef unsigned ov_element_type_e; /* F32 = 4 since 2025.1 (5 before) */
enum { OK = 0, GENERAL_ERROR = -1, PARAMETER_MISMATCH = -4, OUT_OF_BOUNDS = -6, REQUEST_BUSY = -8, INVALID_C_PARAM = -14 };
enum { F32 = 4 };
#define MAX_RANK 8

typedef struct { const char* buildNumber; const char* description; } ov_version_t;
typedef struct { int64_t rank; int64_t* dims; } ov_shape_t;
typedef struct { int64_t min; int64_t max; } ov_dimension_t;
typedef struct { ov_dimension_t rank; ov_dimension_t* dims; } ov_partial_shape_t;

typedef struct ov_core { int unused; } ov_core_t;
typedef struct ov_model { int unused; } ov_model_t;
typedef struct ov_compiled_model { int unused; } ov_compiled_model_t;
typedef struct ov_output_const_port { int is_input; } ov_output_const_port_t;
typedef struct ov_tensor {
  ov_element_type_e type;
  int64_t rank, dims[MAX_RANK];
  void* data;
  int owns_data;
} ov_tensor_t;
typedef struct ov_infer_request {
  int busy;
  const ov_tensor_t* input; /* what the caller bound (its data is the caller's) */
  ov_tensor_t output;       /* owned by the request, reused by the next infer */
} ov_infer_request_t;

EXPORT const char* ov_property_key_inference_num_threads = "INFERENCE_NUM_THREADS";
EXPORT const char* ov_property_key_hint_performance_mode = "PERFORMANCE_HINT";
EXPORT const char* ov_property_key_cache_dir = "CACHE_DIR";
EXPORT const char* ov_property_key_hint_inference_precision = "INFERENCE_PRECISION_HINT";
EXPORT const char* ov_property_key_num_streams = "NUM_STREAMS";

static __thread char last_error[512];
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static char compile_properties[1024];
static int requests_created;

static ov_status_e fail(ov_status_e status, const char* message) {
  snprintf(last_error, sizeof last_error, "%s", message);
  return status;
}

static int64_t numel(const ov_tensor_t* t) {
  int64_t n = 1;
  for (int64_t i = 0; i < t->rank; ++i) n *= t->dims[i];
  return n;
}

/* Test hooks (not OpenVINO API): the properties of the last compile, and how many requests were made. */
EXPORT const char* fake_ov_compile_properties(void) { return compile_properties; }
EXPORT int fake_ov_requests_created(void) {
  pthread_mutex_lock(&lock);
  int n = requests_created;
  pthread_mutex_unlock(&lock);
  return n;
}

EXPORT ov_status_e ov_get_openvino_version(ov_version_t* version) {
  if (!version) return INVALID_C_PARAM;
  version->buildNumber = "fake-1.0"; /* no release number: hpocr takes the current element-type values */
  version->description = "hpocr test fake of the OpenVINO C API";
  return OK;
}
EXPORT const char* ov_get_error_info(ov_status_e status) {
  switch (status) {
    case GENERAL_ERROR: return "GENERAL_ERROR";
    case PARAMETER_MISMATCH: return "PARAMETER_MISMATCH";
    case OUT_OF_BOUNDS: return "OUT_OF_BOUNDS";
    case REQUEST_BUSY: return "REQUEST_BUSY";
    case INVALID_C_PARAM: return "INVALID_C_PARAM";
    default: return "UNKNOWN";
  }
}
/* As the real one: a heap copy of the message, for ov_free. */
EXPORT const char* ov_get_last_err_msg(void) { return strdup(last_error); }
EXPORT void ov_free(const char* content) { free((void*)content); }

EXPORT ov_status_e ov_core_create(ov_core_t** core) {
  if (!core) return INVALID_C_PARAM;
  *core = calloc(1, sizeof(ov_core_t));
  return OK;
}
EXPORT void ov_core_free(ov_core_t* core) { free(core); }

EXPORT ov_status_e ov_core_read_model(const ov_core_t* core, const char* model_path, const char* bin_path, ov_model_t** model) {
  (void)bin_path;
  if (!core || !model_path || !model) return INVALID_C_PARAM;
  FILE* f = fopen(model_path, "rb");
  if (!f) return fail(GENERAL_ERROR, "fake: model file does not exist");
  fclose(f);
  if (strstr(model_path, "bad")) return fail(GENERAL_ERROR, "fake: cannot read a model whose path says bad");
  *model = calloc(1, sizeof(ov_model_t));
  return OK;
}
EXPORT void ov_model_free(ov_model_t* model) { free(model); }

EXPORT ov_status_e ov_core_compile_model(const ov_core_t* core, const ov_model_t* model, const char* device_name,
                                         const size_t property_args_size, ov_compiled_model_t** compiled_model, ...) {
  if (!core || !model || !device_name || !compiled_model) return INVALID_C_PARAM;
  if (strcmp(device_name, "CPU") != 0) return fail(GENERAL_ERROR, "fake: only the CPU device exists");
  if (property_args_size % 2) return fail(INVALID_C_PARAM, "fake: properties come in key/value pairs");
  va_list args;
  va_start(args, compiled_model);
  pthread_mutex_lock(&lock);
  compile_properties[0] = 0;
  for (size_t i = 0; i < property_args_size / 2; ++i) {
    const char* key = va_arg(args, const char*);
    const char* value = va_arg(args, const char*);
    size_t used = strlen(compile_properties);
    snprintf(compile_properties + used, sizeof compile_properties - used, "%s=%s;", key, value);
  }
  pthread_mutex_unlock(&lock);
  va_end(args);
  *compiled_model = calloc(1, sizeof(ov_compiled_model_t));
  return OK;
}
EXPORT void ov_compiled_model_free(ov_compiled_model_t* compiled_model) { free(compiled_model); }

EXPORT ov_status_e ov_compiled_model_inputs_size(const ov_compiled_model_t* m, size_t* size) {
  if (!m || !size) return INVALID_C_PARAM;
  *size = 1;
  return OK;
}
EXPORT ov_status_e ov_compiled_model_outputs_size(const ov_compiled_model_t* m, size_t* size) {
  return ov_compiled_model_inputs_size(m, size);
}
static ov_status_e port(const ov_compiled_model_t* m, size_t index, int is_input, ov_output_const_port_t** out) {
  if (!m || !out) return INVALID_C_PARAM;
  if (index != 0) return fail(OUT_OF_BOUNDS, "fake: one input and one output");
  *out = calloc(1, sizeof(ov_output_const_port_t));
  (*out)->is_input = is_input;
  return OK;
}
EXPORT ov_status_e ov_compiled_model_input_by_index(const ov_compiled_model_t* m, const size_t i, ov_output_const_port_t** p) {
  return port(m, i, 1, p);
}
EXPORT ov_status_e ov_compiled_model_output_by_index(const ov_compiled_model_t* m, const size_t i, ov_output_const_port_t** p) {
  return port(m, i, 0, p);
}
EXPORT void ov_output_const_port_free(ov_output_const_port_t* p) { free(p); }

EXPORT ov_status_e ov_port_get_any_name(const ov_output_const_port_t* p, char** name) {
  if (!p || !name) return INVALID_C_PARAM;
  const char* n = p->is_input ? "x" : "fetch_0";
  *name = malloc(strlen(n) + 1);
  strcpy(*name, n);
  return OK;
}
EXPORT ov_status_e ov_port_get_element_type(const ov_output_const_port_t* p, ov_element_type_e* type) {
  if (!p || !type) return INVALID_C_PARAM;
  *type = F32;
  return OK;
}
/* [?, 3, ?, ?]: dynamic dimensions are {0, -1}, as OpenVINO reports an unbounded ov::Dimension. */
EXPORT ov_status_e ov_port_get_partial_shape(const ov_output_const_port_t* p, ov_partial_shape_t* shape) {
  if (!p || !shape) return INVALID_C_PARAM;
  shape->rank.min = shape->rank.max = 4;
  shape->dims = malloc(4 * sizeof(ov_dimension_t));
  for (int i = 0; i < 4; ++i) shape->dims[i] = (ov_dimension_t){0, -1};
  shape->dims[1] = (ov_dimension_t){3, 3};
  return OK;
}
EXPORT void ov_partial_shape_free(ov_partial_shape_t* shape) {
  if (shape) free(shape->dims), shape->dims = NULL;
}

EXPORT ov_status_e ov_shape_create(const int64_t rank, const int64_t* dims, ov_shape_t* shape) {
  if (!shape || rank <= 0 || rank > MAX_RANK) return INVALID_C_PARAM;
  shape->rank = rank;
  shape->dims = calloc((size_t)rank, sizeof(int64_t));
  if (dims) memcpy(shape->dims, dims, (size_t)rank * sizeof(int64_t));
  return OK;
}
EXPORT ov_status_e ov_shape_free(ov_shape_t* shape) {
  if (!shape) return INVALID_C_PARAM;
  free(shape->dims);
  shape->dims = NULL;
  return OK;
}

EXPORT ov_status_e ov_tensor_create_from_host_ptr(const ov_element_type_e type, const ov_shape_t shape, void* host_ptr,
                                                  ov_tensor_t** tensor) {
  if (!tensor || !host_ptr || shape.rank <= 0 || shape.rank > MAX_RANK) return INVALID_C_PARAM;
  ov_tensor_t* t = calloc(1, sizeof(ov_tensor_t));
  t->type = type;
  t->rank = shape.rank;
  memcpy(t->dims, shape.dims, (size_t)shape.rank * sizeof(int64_t));
  t->data = host_ptr;
  *tensor = t;
  return OK;
}
EXPORT ov_status_e ov_tensor_get_shape(const ov_tensor_t* tensor, ov_shape_t* shape) {
  if (!tensor) return INVALID_C_PARAM;
  return ov_shape_create(tensor->rank, tensor->dims, shape);
}
EXPORT ov_status_e ov_tensor_get_element_type(const ov_tensor_t* tensor, ov_element_type_e* type) {
  if (!tensor || !type) return INVALID_C_PARAM;
  *type = tensor->type;
  return OK;
}
EXPORT ov_status_e ov_tensor_get_byte_size(const ov_tensor_t* tensor, size_t* size) {
  if (!tensor || !size) return INVALID_C_PARAM;
  *size = (size_t)numel(tensor) * sizeof(float);
  return OK;
}
EXPORT ov_status_e ov_tensor_data(const ov_tensor_t* tensor, void** data) {
  if (!tensor || !data) return INVALID_C_PARAM;
  *data = tensor->data;
  return OK;
}
EXPORT void ov_tensor_free(ov_tensor_t* tensor) {
  if (tensor && tensor->owns_data) free(tensor->data);
  free(tensor);
}

EXPORT ov_status_e ov_compiled_model_create_infer_request(const ov_compiled_model_t* m, ov_infer_request_t** request) {
  if (!m || !request) return INVALID_C_PARAM;
  *request = calloc(1, sizeof(ov_infer_request_t));
  pthread_mutex_lock(&lock);
  ++requests_created;
  pthread_mutex_unlock(&lock);
  return OK;
}
EXPORT void ov_infer_request_free(ov_infer_request_t* request) {
  if (request) free(request->output.data);
  free(request);
}
EXPORT ov_status_e ov_infer_request_set_input_tensor_by_index(ov_infer_request_t* request, const size_t idx,
                                                              const ov_tensor_t* tensor) {
  if (!request || !tensor) return INVALID_C_PARAM;
  if (idx != 0) return fail(OUT_OF_BOUNDS, "fake: one input");
  if (tensor->type != F32) return fail(PARAMETER_MISMATCH, "fake: the input must be f32");
  request->input = tensor;
  return OK;
}
EXPORT ov_status_e ov_infer_request_infer(ov_infer_request_t* request) {
  if (!request) return INVALID_C_PARAM;
  if (__atomic_exchange_n(&request->busy, 1, __ATOMIC_ACQ_REL)) return fail(REQUEST_BUSY, "fake: request used by two threads");
  ov_status_e status = OK;
  if (!request->input) {
    status = fail(GENERAL_ERROR, "fake: no input tensor set");
  } else {
    const ov_tensor_t* in = request->input;
    free(request->output.data);
    request->output = *in;
    request->output.owns_data = 0;
    request->output.data = malloc((size_t)numel(in) * sizeof(float) + 1);
    const float* src = in->data;
    float* dst = request->output.data;
    for (int64_t i = 0; i < numel(in); ++i) dst[i] = src[i] * 2.0f;
    struct timespec pause = {0, 2000000}; /* 2 ms: long enough for concurrent callers to overlap */
    nanosleep(&pause, NULL);
  }
  __atomic_store_n(&request->busy, 0, __ATOMIC_RELEASE);
  return status;
}
EXPORT ov_status_e ov_infer_request_get_output_tensor_by_index(const ov_infer_request_t* request, const size_t idx,
                                                               ov_tensor_t** tensor) {
  if (!request || !tensor) return INVALID_C_PARAM;
  if (idx != 0) return fail(OUT_OF_BOUNDS, "fake: one output");
  if (!request->output.data) return fail(GENERAL_ERROR, "fake: no inference has run");
  ov_tensor_t* t = malloc(sizeof(ov_tensor_t));
  *t = request->output; /* a view: the data stays the request's */
  *tensor = t;
  return OK;
}
