# Fails when a source file includes a header of a layer above its own (docs/architecture.md, "Layers").
#   cmake -DSRC=<dir with one folder per layer> [-DSTAMP=<file to touch on success>] -P cmake/check_layers.cmake
# The build runs it before compiling the library, so an upward include breaks the build; the test
# Architecture.UpwardIncludeFailsTheLayerCheck runs it on a planted violation.
cmake_minimum_required(VERSION 3.25)
if(NOT SRC)
  message(FATAL_ERROR "check_layers.cmake: pass -DSRC=<source directory>")
endif()

get_filename_component(SRC "${SRC}" ABSOLUTE)

# Each layer and the layers it may include (its own included). Public headers (hpocr/...) are open to all.
set(allowed_core     core)
set(allowed_format   core format)
set(allowed_convert  core format convert)
set(allowed_backend  core format backend)
set(allowed_hpi      core format convert backend hpi)
set(allowed_models   core format backend hpi models)
set(allowed_io       core io)
set(allowed_pipeline core format backend hpi models io quant pipeline)
set(allowed_quant    core format convert backend hpi models io quant)
set(layers core format convert backend hpi models io pipeline quant)

set(violations "")
foreach(layer IN LISTS layers)
  file(GLOB_RECURSE files "${SRC}/${layer}/*.h" "${SRC}/${layer}/*.cpp" "${SRC}/${layer}/*.cpp.in")
  foreach(file IN LISTS files)
    file(STRINGS "${file}" includes REGEX "^[ \t]*#[ \t]*include[ \t]+\"[a-z_]+/")
    foreach(line IN LISTS includes)
      string(REGEX REPLACE "^[ \t]*#[ \t]*include[ \t]+\"([a-z_]+)/.*" "\\1" target "${line}")
      if(target IN_LIST layers AND NOT target IN_LIST allowed_${layer})
        file(RELATIVE_PATH rel "${SRC}" "${file}")
        string(STRIP "${line}" line)
        list(JOIN allowed_${layer} ", " may_use)
        list(APPEND violations "  ${rel}: ${line} (layer ${layer} may use: ${may_use})")
      endif()
    endforeach()
  endforeach()
endforeach()

if(violations)
  list(JOIN violations "\n" text)
  message(FATAL_ERROR "upward includes (a lower layer must not use a higher one; see docs/architecture.md):\n${text}")
endif()
if(STAMP)
  file(TOUCH "${STAMP}")
endif()
