# Finds NCCL for chapter 14's data parallelism (--gpus N, common/nn/gpu/data_parallel.cu).
#
#   include(cmake/LadderNccl.cmake)   # after find_package(CUDAToolkit)
#
# LADDER_WITH_NCCL (cache): AUTO (default) uses NCCL when it is found and builds without it
# otherwise (--gpus above 1 then says so); ON makes a missing NCCL a configure error; OFF never
# looks. Where it looks, first match wins (nccl.h and libnccl together):
#   1. the CUDA toolkit (CUDAToolkit_INCLUDE_DIRS, CUDAToolkit_LIBRARY_DIR);
#   2. the system's default paths;
#   3. the PyPI wheel nvidia-nccl-cu13 in the Python3 found here: site-packages/nvidia/nccl.
#
# Sets LADDER_HAVE_NCCL (ON or OFF) and, when found, the imported library ladder::nccl.

include(${CMAKE_CURRENT_LIST_DIR}/LadderOptionalLibrary.cmake)

set(LADDER_WITH_NCCL AUTO CACHE STRING "Use NCCL for chapter 14's data parallelism: AUTO, ON (required) or OFF")
set_property(CACHE LADDER_WITH_NCCL PROPERTY STRINGS AUTO ON OFF)
set(LADDER_HAVE_NCCL OFF)
string(TOUPPER "${LADDER_WITH_NCCL}" _ladder_nccl_mode)
if(_ladder_nccl_mode STREQUAL "OFF")
  message(STATUS "Kernel Ladder: NCCL not used (LADDER_WITH_NCCL=OFF); --gpus above 1 will say so")
  return()
endif()

# Each place is "name|include dirs|library dirs"; a folder list inside it is joined with "," so that the
# places stay one CMake list (CUDAToolkit_INCLUDE_DIRS is itself a list: include and include/cccl).
string(REPLACE ";" "," _ladder_toolkit_includes "${CUDAToolkit_INCLUDE_DIRS}")
set(_ladder_nccl_places "the CUDA toolkit|${_ladder_toolkit_includes}|${CUDAToolkit_LIBRARY_DIR}" "the system paths||")
find_package(Python3 COMPONENTS Interpreter QUIET)
if(Python3_Interpreter_FOUND)
  execute_process(COMMAND "${Python3_EXECUTABLE}" -c "import nvidia.nccl as m; print(list(m.__path__)[0])"
                  RESULT_VARIABLE _ladder_nccl_status OUTPUT_VARIABLE _ladder_nccl_wheel ERROR_QUIET
                  OUTPUT_STRIP_TRAILING_WHITESPACE)
  if(_ladder_nccl_status EQUAL 0 AND _ladder_nccl_wheel)
    list(APPEND _ladder_nccl_places
         "the nvidia-nccl wheel|${_ladder_nccl_wheel}/include|${_ladder_nccl_wheel}/lib")
  endif()
endif()

foreach(place IN LISTS _ladder_nccl_places)
  string(REPLACE "|" ";" parts "${place}")
  list(GET parts 0 where)
  list(GET parts 1 include_dirs)
  list(GET parts 2 library_dirs)
  string(REPLACE "," ";" include_dirs "${include_dirs}")
  unset(found_include)
  unset(found_library)
  if(include_dirs)
    find_path(found_include nccl.h PATHS ${include_dirs} NO_DEFAULT_PATH NO_CACHE)
    find_library(found_library NAMES nccl libnccl.so.2 NAMES_PER_DIR PATHS ${library_dirs} NO_DEFAULT_PATH NO_CACHE)
  else()
    find_path(found_include nccl.h NO_CACHE)
    find_library(found_library NAMES nccl libnccl.so.2 NAMES_PER_DIR NO_CACHE)
  endif()
  if(found_include AND found_library)
    ladder_import_library(ladder::nccl "${found_library}" "${found_include}")
    set(LADDER_HAVE_NCCL ON)
    message(STATUS "Kernel Ladder: NCCL found in ${where} (${found_library})")
    return()
  endif()
endforeach()

if(_ladder_nccl_mode STREQUAL "ON")
  message(FATAL_ERROR "LADDER_WITH_NCCL=ON but no NCCL was found in the CUDA toolkit, the system paths or the "
                      "nvidia-nccl-cu13 wheel (pip install nvidia-nccl-cu13)")
endif()
message(STATUS "Kernel Ladder: NCCL not found (toolkit, system, nvidia-nccl wheel); --gpus above 1 will say so")
