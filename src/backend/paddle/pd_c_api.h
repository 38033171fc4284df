// The part of the Paddle Inference C API (pd_inference_api.h) that hpocr uses, declared here because the
// library is loaded at run time and its headers are not installed on the build machine.
//
// Checked against PaddlePaddle/Paddle paddle/fluid/inference/capi_exp/ (Paddle 2.5 - 3.x develop):
//   pd_common.h @ 1595849d (PD_Bool = int8_t, PD_DataType = int32_t: UNK -1, FLOAT32 0, INT32 1, INT64 2, UINT8 3)
//   pd_types.h @ 1941b3a9 (PD_OneDimArrayInt32/Int64/Cstr, PD_Cstr, PD_IOInfo, PD_IOInfos layouts)
//   pd_config.h @ 31673b86, pd_predictor.h @ 7cce4837 (const char* PD_GetVersion(); PD_PredictorGet*Infos),
//   pd_tensor.h @ 8286ca68, pd_utils.h @ 0f482313; pd_predictor.cc @ 7f9c21ca and pd_utils.cc for ownership.
// Errors inside Paddle are C++ exceptions (PADDLE_ENFORCE) that cross these C functions; the engine catches them.
#pragma once
#include <cstddef>
#include <cstdint>

extern "C" {

typedef int8_t PD_Bool;
typedef int32_t PD_DataType;
enum : int32_t { PD_DATA_UNK = -1, PD_DATA_FLOAT32 = 0, PD_DATA_INT32 = 1, PD_DATA_INT64 = 2, PD_DATA_UINT8 = 3 };

typedef struct PD_Config PD_Config;
typedef struct PD_Predictor PD_Predictor;
typedef struct PD_Tensor PD_Tensor;

typedef struct PD_OneDimArrayInt32 {
  size_t size;
  int32_t* data;
} PD_OneDimArrayInt32;

typedef struct PD_OneDimArrayInt64 {
  size_t size;
  int64_t* data;
} PD_OneDimArrayInt64;

typedef struct PD_OneDimArrayCstr {
  size_t size;
  char** data;
} PD_OneDimArrayCstr;

typedef struct PD_Cstr {
  size_t size;
  char* data;
} PD_Cstr;

typedef struct PD_IOInfo {
  PD_Cstr* name;
  PD_OneDimArrayInt64* shape;
  PD_DataType dtype;
} PD_IOInfo;

typedef struct PD_IOInfos {
  size_t size;
  PD_IOInfo** io_info;
} PD_IOInfos;

}  // extern "C"

namespace hpocr::pd {

// Function types, named after the C functions (same parameter lists as the headers above).
using get_version_fn = const char* (*)();
using config_create_fn = PD_Config* (*)();
using config_destroy_fn = void (*)(PD_Config*);
using config_set_model_fn = void (*)(PD_Config*, const char* prog_file_path, const char* params_file_path);
using config_set_cpu_math_library_num_threads_fn = void (*)(PD_Config*, int32_t);
using config_switch_ir_optim_fn = void (*)(PD_Config*, PD_Bool);
using config_enable_mkldnn_fn = void (*)(PD_Config*);
using config_set_mkldnn_cache_capacity_fn = void (*)(PD_Config*, int32_t capacity);  // looked up, not required
using config_enable_use_gpu_fn = void (*)(PD_Config*, uint64_t memory_pool_init_size_mb, int32_t device_id);
using predictor_create_fn = PD_Predictor* (*)(PD_Config*);  // takes the config
using predictor_clone_fn = PD_Predictor* (*)(PD_Predictor*);
using predictor_destroy_fn = void (*)(PD_Predictor*);
using predictor_get_names_fn = PD_OneDimArrayCstr* (*)(PD_Predictor*);
using predictor_get_infos_fn = PD_IOInfos* (*)(PD_Predictor*);  // Paddle >= 2.5: looked up, not required
using predictor_get_handle_fn = PD_Tensor* (*)(PD_Predictor*, const char* name);
using predictor_run_fn = PD_Bool (*)(PD_Predictor*);
using tensor_destroy_fn = void (*)(PD_Tensor*);
using tensor_reshape_fn = void (*)(PD_Tensor*, size_t shape_size, int32_t* shape);
using tensor_copy_from_cpu_float_fn = void (*)(PD_Tensor*, const float*);
using tensor_copy_from_cpu_int64_fn = void (*)(PD_Tensor*, const int64_t*);
using tensor_copy_from_cpu_int32_fn = void (*)(PD_Tensor*, const int32_t*);
using tensor_copy_from_cpu_uint8_fn = void (*)(PD_Tensor*, const uint8_t*);
using tensor_copy_to_cpu_float_fn = void (*)(PD_Tensor*, float*);
using tensor_copy_to_cpu_int64_fn = void (*)(PD_Tensor*, int64_t*);
using tensor_copy_to_cpu_int32_fn = void (*)(PD_Tensor*, int32_t*);
using tensor_copy_to_cpu_uint8_fn = void (*)(PD_Tensor*, uint8_t*);
using tensor_get_shape_fn = PD_OneDimArrayInt32* (*)(PD_Tensor*);
using tensor_get_data_type_fn = PD_DataType (*)(PD_Tensor*);
using one_dim_array_int32_destroy_fn = void (*)(PD_OneDimArrayInt32*);
using one_dim_array_cstr_destroy_fn = void (*)(PD_OneDimArrayCstr*);
using io_infos_destroy_fn = void (*)(PD_IOInfos*);

}  // namespace hpocr::pd
