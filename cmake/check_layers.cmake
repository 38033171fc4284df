# Fails when a file includes a header of a layer above its own (docs/architecture.md, "Layers").
#   cmake -DSRC=<dir with one folder per layer> [-DINCLUDE=<dir holding hpocr/>] [-DAPPS=<dir>;<dir>...]
#         [-DSTAMP=<file to touch on success>] -P cmake/check_layers.cmake
# - a file of src/<layer>/ may include the internal headers of the layers it uses, and the public headers
#   (hpocr/...) of those layers;
# - a public header may include only public headers of its layer or below, never an internal one;
# - the apps, bindings and tools (APPS) may include public headers only.
# The build runs it before compiling the library, so such an include breaks the build; the Architecture.*
# tests run it on planted violations.
cmake_minimum_required(VERSION 3.25)
if(NOT SRC)
  message(FATAL_ERROR "check_layers.cmake: pass -DSRC=<source directory>")
endif()
get_filename_component(SRC "${SRC}" ABSOLUTE)

# Each layer and the layers it may include (its own included).
set(allowed_core      core)
set(allowed_format    core format)
set(allowed_convert   core format convert)
set(allowed_backend   core format backend)
set(allowed_hpi       core format convert backend hpi)
set(allowed_models    core format backend hpi models)
set(allowed_io        core io)
set(allowed_quant     core format convert backend hpi models io quant)
set(allowed_pipeline  core format backend hpi models io quant pipeline)
set(allowed_benchmark core format backend hpi models io quant pipeline benchmark)
set(layers core format convert backend hpi models io quant pipeline benchmark)

# The layer whose library implements each public header (include/hpocr/<name>.h).
set(public_core      base64 device error huge_pages image_decode logging model_catalog options parameters result temp_directory
                     text_metrics version)
set(public_io        pdf_document result_io sample_page text_renderer)
set(public_convert   convert)
set(public_backend   backends)
set(public_hpi       hpi_plan)
set(public_models    models)
set(public_quant     int8)
set(public_pipeline  pipeline pipeline_config quantize)
set(public_benchmark benchmark)

set(violations "")

# The layer of "hpocr/<name>.h", or "" when no layer declares it.
function(public_layer name out)
  set(found "")
  foreach(layer IN LISTS layers)
    if(name IN_LIST public_${layer})
      set(found ${layer})
    endif()
  endforeach()
  set(${out} "${found}" PARENT_SCOPE)
endfunction()

# Checks the quoted includes of `file` for a file that may use the layers in `allowed` and, when `internal`
# is true, their internal headers too; appends to `violations`.
function(check_file file rel allowed internal)
  file(STRINGS "${file}" includes REGEX "^[ \t]*#[ \t]*include[ \t]+\"[a-z_]+/")
  foreach(line IN LISTS includes)
    string(REGEX REPLACE "^[ \t]*#[ \t]*include[ \t]+\"([a-z_]+)/.*" "\\1" target "${line}")
    string(STRIP "${line}" line)
    list(JOIN allowed ", " may_use)
    if(target STREQUAL "hpocr")
      string(REGEX REPLACE "^#[ \t]*include[ \t]+\"hpocr/([a-z_0-9]+)\\.h\".*" "\\1" name "${line}")
      public_layer("${name}" owner)
      if(owner STREQUAL "")
        list(APPEND violations "  ${rel}: ${line} (no layer declares this public header in cmake/check_layers.cmake)")
      elseif(NOT owner IN_LIST allowed)
        list(APPEND violations "  ${rel}: ${line} (a public header of layer ${owner}, this file may use: ${may_use})")
      endif()
    elseif(target IN_LIST layers)
      if(NOT internal)
        list(APPEND violations "  ${rel}: ${line} (an internal header, only include/hpocr/ is open here)")
      elseif(NOT target IN_LIST allowed)
        list(APPEND violations "  ${rel}: ${line} (layer ${target}, this file may use: ${may_use})")
      endif()
    endif()
  endforeach()
  set(violations "${violations}" PARENT_SCOPE)
endfunction()

foreach(layer IN LISTS layers)
  file(GLOB_RECURSE files "${SRC}/${layer}/*.h" "${SRC}/${layer}/*.cpp" "${SRC}/${layer}/*.cpp.in")
  foreach(file IN LISTS files)
    file(RELATIVE_PATH rel "${SRC}" "${file}")
    check_file("${file}" "${rel}" "${allowed_${layer}}" TRUE)
  endforeach()
endforeach()

if(INCLUDE)
  get_filename_component(INCLUDE "${INCLUDE}" ABSOLUTE)
  file(GLOB headers "${INCLUDE}/hpocr/*.h")
  foreach(file IN LISTS headers)
    get_filename_component(name "${file}" NAME_WE)
    public_layer("${name}" owner)
    if(owner STREQUAL "")
      list(APPEND violations "  hpocr/${name}.h: no layer declares this public header in cmake/check_layers.cmake")
    else()
      check_file("${file}" "hpocr/${name}.h" "${allowed_${owner}}" FALSE)
    endif()
  endforeach()
endif()

foreach(dir IN LISTS APPS)
  get_filename_component(dir "${dir}" ABSOLUTE)
  file(GLOB_RECURSE files "${dir}/*.h" "${dir}/*.cpp")
  foreach(file IN LISTS files)
    get_filename_component(root "${SRC}" DIRECTORY)
    file(RELATIVE_PATH rel "${root}" "${file}")
    check_file("${file}" "${rel}" "${layers}" FALSE)
  endforeach()
endforeach()

if(violations)
  list(JOIN violations "\n" text)
  message(FATAL_ERROR "includes that break the layers (a lower layer must not use a higher one, and only "
                      "include/hpocr/ is public; see docs/architecture.md):\n${text}")
endif()
if(STAMP)
  file(TOUCH "${STAMP}")
endif()
