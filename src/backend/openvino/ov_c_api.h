// The part of the OpenVINO C API (openvino/c/openvino.h) that hpocr uses, declared here because the
// library is loaded at run time and its headers are not installed on the build machine.
//
// Checked against openvinotoolkit/openvino src/bindings/c/include/openvino/c/ (2024-2025 master):
//   ov_common.h @ bba4dc2e (status codes, element types, ov_get_last_err_msg)
//   ov_core.h, ov_compiled_model.h, ov_model.h, ov_shape.h, ov_partial_shape.h @ 3a33e0d0
//   ov_node.h @ a185b420, ov_tensor.h @ b0d5b195, ov_infer_request.h @ ba2cfac4,
//   ov_dimension.h @ 34ea0872, ov_rank.h @ 1476e014, ov_property.h @ d4823932.
// Element type values moved in 2025.1, when UNDEFINED was dropped from the front of the enum (F32 5 -> 4,
// I32 10 -> 9, I64 11 -> 10; checked against the 2026.4.1 wheel's headers): the engine picks the numbering
// from the library's version. Only f32, i32 and i64 are named; any other type is reported as unsupported.
#pragma once
#include <cstddef>
#include <cstdint>

extern "C" {

// C enums are int-sized; a fixed underlying type keeps every value the library may return well-defined here.
enum ov_status_e : int { OV_OK = 0 };  // OK(0); every other value is an error (GENERAL_ERROR = -1, ...)

enum ov_element_type_e : unsigned {};  // values: OvElementTypes in ov_engine.cpp (they depend on the release)

typedef struct ov_core ov_core_t;
typedef struct ov_model ov_model_t;
typedef struct ov_compiled_model ov_compiled_model_t;
typedef struct ov_infer_request ov_infer_request_t;
typedef struct ov_output_const_port ov_output_const_port_t;
typedef struct ov_tensor ov_tensor_t;

typedef struct ov_version {
  const char* buildNumber;
  const char* description;
} ov_version_t;

typedef struct {
  int64_t rank;
  int64_t* dims;
} ov_shape_t;

typedef struct ov_dimension {
  int64_t min;  // a static dimension has min == max; a dynamic one has max == -1 (or a range)
  int64_t max;
} ov_dimension_t;
typedef ov_dimension_t ov_rank_t;

typedef struct ov_partial_shape {
  ov_rank_t rank;
  ov_dimension_t* dims;
} ov_partial_shape_t;

}  // extern "C"

namespace hpocr::ov {

// Function types, named after the C functions (same parameter lists as the headers above).
using get_openvino_version_fn = ov_status_e (*)(ov_version_t*);
using core_create_fn = ov_status_e (*)(ov_core_t**);
using core_free_fn = void (*)(ov_core_t*);
using core_read_model_fn = ov_status_e (*)(const ov_core_t*, const char* model_path, const char* bin_path, ov_model_t**);
/// ov_core_compile_model(core, model, device_name, property_args_size, compiled_model, ...key, value pairs)
using core_compile_model_fn = ov_status_e (*)(const ov_core_t*, const ov_model_t*, const char*, const size_t,
                                              ov_compiled_model_t**, ...);
using model_free_fn = void (*)(ov_model_t*);
using compiled_model_size_fn = ov_status_e (*)(const ov_compiled_model_t*, size_t*);
using compiled_model_port_fn = ov_status_e (*)(const ov_compiled_model_t*, const size_t, ov_output_const_port_t**);
using compiled_model_create_infer_request_fn = ov_status_e (*)(const ov_compiled_model_t*, ov_infer_request_t**);
using compiled_model_free_fn = void (*)(ov_compiled_model_t*);
using port_get_any_name_fn = ov_status_e (*)(const ov_output_const_port_t*, char**);
using port_get_partial_shape_fn = ov_status_e (*)(const ov_output_const_port_t*, ov_partial_shape_t*);
using port_get_element_type_fn = ov_status_e (*)(const ov_output_const_port_t*, ov_element_type_e*);
using output_const_port_free_fn = void (*)(ov_output_const_port_t*);
using partial_shape_free_fn = void (*)(ov_partial_shape_t*);
using free_fn = void (*)(const char*);
using shape_create_fn = ov_status_e (*)(const int64_t, const int64_t*, ov_shape_t*);
using shape_free_fn = ov_status_e (*)(ov_shape_t*);
using tensor_create_from_host_ptr_fn = ov_status_e (*)(const ov_element_type_e, const ov_shape_t, void*, ov_tensor_t**);
using tensor_get_shape_fn = ov_status_e (*)(const ov_tensor_t*, ov_shape_t*);
using tensor_get_element_type_fn = ov_status_e (*)(const ov_tensor_t*, ov_element_type_e*);
using tensor_get_byte_size_fn = ov_status_e (*)(const ov_tensor_t*, size_t*);
using tensor_data_fn = ov_status_e (*)(const ov_tensor_t*, void**);
using tensor_free_fn = void (*)(ov_tensor_t*);
using infer_request_set_input_tensor_by_index_fn = ov_status_e (*)(ov_infer_request_t*, const size_t, const ov_tensor_t*);
using infer_request_infer_fn = ov_status_e (*)(ov_infer_request_t*);
using infer_request_get_output_tensor_by_index_fn = ov_status_e (*)(const ov_infer_request_t*, const size_t, ov_tensor_t**);
using infer_request_free_fn = void (*)(ov_infer_request_t*);
using get_error_info_fn = const char* (*)(ov_status_e);
using get_last_err_msg_fn = const char* (*)();  // OpenVINO >= 2024.0 only: looked up, not required; a copy to ov_free

}  // namespace hpocr::ov
