# Finds cuDNN 9 for the convolution chapters' vendor rungs (common/conv/cudnn.cu).
#
#   include(cmake/LadderCudnn.cmake)   # after find_package(CUDAToolkit)
#
# LADDER_WITH_CUDNN (cache): AUTO (default) uses cuDNN when it is found and
# builds without it otherwise; ON makes a missing cuDNN a configure error; OFF
# never looks. Without cuDNN the tree still builds: the cuDNN rungs compile to
# stubs and are skipped with the reason.
#
# Where it looks, first match wins (a header and a library in the same place):
#   1. CUDNN_ROOT (a CMake or an environment variable), if set;
#   2. the CUDA toolkit (CUDAToolkit_INCLUDE_DIRS, CUDAToolkit_LIBRARY_DIR);
#   3. the system's default paths (a Debian libcudnn9-dev package);
#   4. the PyPI wheel nvidia-cudnn-cu13 (or -cu12) in the Python3 found here:
#      site-packages/nvidia/cudnn/{include,lib}.
# A place whose cudnn_version.h says a major version below 9 is passed over,
# and the status line says so: common/conv/cudnn.cu uses cuDNN 9's API.
#
# Sets:
#   LADDER_HAVE_CUDNN       ON or OFF
#   LADDER_CUDNN_VERSION    "9.19.0" when found
#   ladder::cudnn           an imported library (header directory and libcudnn) when found
#
# Run time: ladder::cudnn names the library by its full path, so CMake puts its
# directory in the build tree's RPATH of every executable linking it; the wheel's
# lib/ needs no LD_LIBRARY_PATH. libcudnn.so.9 is a small shim that loads its
# sub-libraries (libcudnn_cnn.so.9, ...) from its own directory ($ORIGIN).

include(${CMAKE_CURRENT_LIST_DIR}/LadderOptionalLibrary.cmake)

set(LADDER_WITH_CUDNN AUTO CACHE STRING "Use cuDNN for the convolution baselines: AUTO, ON (required) or OFF")
set_property(CACHE LADDER_WITH_CUDNN PROPERTY STRINGS AUTO ON OFF)
set(LADDER_CUDNN_MIN_MAJOR 9)

set(LADDER_HAVE_CUDNN OFF)
unset(LADDER_CUDNN_VERSION)

string(TOUPPER "${LADDER_WITH_CUDNN}" _ladder_cudnn_mode)
if(_ladder_cudnn_mode MATCHES "^(ON|YES|TRUE|Y|1)$")
  set(_ladder_cudnn_mode ON)
elseif(_ladder_cudnn_mode MATCHES "^(OFF|NO|FALSE|N|0)$")
  set(_ladder_cudnn_mode OFF)
elseif(NOT _ladder_cudnn_mode STREQUAL "AUTO")
  message(FATAL_ERROR "LADDER_WITH_CUDNN is '${LADDER_WITH_CUDNN}'; use AUTO, ON or OFF")
endif()

# The major.minor.patch in <include_dir>/cudnn_version.h, or "" when there is none.
function(_ladder_cudnn_header_version include_dir out_var)
  set(version "")
  if(EXISTS "${include_dir}/cudnn_version.h")
    file(STRINGS "${include_dir}/cudnn_version.h" defines REGEX "^#define CUDNN_(MAJOR|MINOR|PATCHLEVEL) +[0-9]+")
    foreach(part MAJOR MINOR PATCHLEVEL)
      string(REGEX MATCH "CUDNN_${part} +([0-9]+)" matched "${defines}")
      if(NOT matched)
        set(${out_var} "" PARENT_SCOPE)
        return()
      endif()
      list(APPEND version "${CMAKE_MATCH_1}")
    endforeach()
    list(JOIN version "." version)
  endif()
  set(${out_var} "${version}" PARENT_SCOPE)
endfunction()

# Looks for cuDNN in one place: `where` is how the status line names it
# ("the CUDA toolkit"); INCLUDE_DIRS and LIBRARY_DIRS are where to look and
# nothing else (none given: CMake's default paths). On success sets
# _ladder_cudnn_include, _ladder_cudnn_library, _ladder_cudnn_version and
# _ladder_cudnn_where in the caller; otherwise appends why not to _ladder_cudnn_tried.
function(_ladder_try_cudnn where)
  cmake_parse_arguments(ARG "" "" "INCLUDE_DIRS;LIBRARY_DIRS" ${ARGN})
  # find_* with NO_CACHE does not search when its variable is already set, and a
  # function sees its caller's variables: start from nothing.
  unset(found_include)
  unset(found_library)
  if(ARG_INCLUDE_DIRS)
    find_path(found_include cudnn.h PATHS ${ARG_INCLUDE_DIRS} NO_DEFAULT_PATH NO_CACHE)
  else()
    find_path(found_include cudnn.h NO_CACHE)
  endif()
  # The wheel ships only libcudnn.so.9, no unversioned libcudnn.so link.
  set(names cudnn libcudnn.so.${LADDER_CUDNN_MIN_MAJOR})
  if(ARG_LIBRARY_DIRS)
    find_library(found_library NAMES ${names} NAMES_PER_DIR PATHS ${ARG_LIBRARY_DIRS} NO_DEFAULT_PATH NO_CACHE)
  else()
    find_library(found_library NAMES ${names} NAMES_PER_DIR NO_CACHE)
  endif()
  if(NOT found_include OR NOT found_library)
    list(APPEND _ladder_cudnn_tried "${where}: no cudnn.h and libcudnn together")
    set(_ladder_cudnn_tried "${_ladder_cudnn_tried}" PARENT_SCOPE)
    return()
  endif()
  _ladder_cudnn_header_version("${found_include}" version)
  if(NOT version)
    list(APPEND _ladder_cudnn_tried "${where}: no version in ${found_include}/cudnn_version.h")
  elseif(version VERSION_LESS LADDER_CUDNN_MIN_MAJOR)
    list(APPEND _ladder_cudnn_tried
         "${where}: cuDNN ${version} in ${found_include}, older than ${LADDER_CUDNN_MIN_MAJOR}")
  else()
    string(REGEX REPLACE "/+$" "" found_include "${found_include}")  # find_path may end it with a slash
    set(_ladder_cudnn_include "${found_include}" PARENT_SCOPE)
    set(_ladder_cudnn_library "${found_library}" PARENT_SCOPE)
    set(_ladder_cudnn_version "${version}" PARENT_SCOPE)
    set(_ladder_cudnn_where "${where}" PARENT_SCOPE)
  endif()
  set(_ladder_cudnn_tried "${_ladder_cudnn_tried}" PARENT_SCOPE)
endfunction()

if(_ladder_cudnn_mode STREQUAL "OFF")
  message(STATUS "Kernel Ladder: cuDNN not used (LADDER_WITH_CUDNN=OFF); the cuDNN rungs will be skipped")
  return()
endif()

set(_ladder_cudnn_tried "")
set(_ladder_cudnn_library "")

# 1. An explicit root.
if(NOT CUDNN_ROOT AND DEFINED ENV{CUDNN_ROOT})
  set(CUDNN_ROOT "$ENV{CUDNN_ROOT}")
endif()
if(CUDNN_ROOT)
  _ladder_try_cudnn("CUDNN_ROOT (${CUDNN_ROOT})" INCLUDE_DIRS "${CUDNN_ROOT}/include"
                    LIBRARY_DIRS "${CUDNN_ROOT}/lib64" "${CUDNN_ROOT}/lib")
endif()

# 2. The CUDA toolkit (NVIDIA's tarball copied into it, or a toolkit image).
if(NOT _ladder_cudnn_library AND CUDAToolkit_INCLUDE_DIRS AND CUDAToolkit_LIBRARY_DIR)
  _ladder_try_cudnn("the CUDA toolkit" INCLUDE_DIRS ${CUDAToolkit_INCLUDE_DIRS} LIBRARY_DIRS ${CUDAToolkit_LIBRARY_DIR})
endif()

# 3. The system (/usr/include/<arch>, /usr/lib/<arch> for Debian's packages).
if(NOT _ladder_cudnn_library)
  _ladder_try_cudnn("the system paths")
endif()

# 4. The PyPI wheel. nvidia/ is a namespace package shared by every NVIDIA
# wheel, and nvidia.cudnn may be one too, with no __file__; __path__ lists its
# directories either way.
if(NOT _ladder_cudnn_library)
  find_package(Python3 COMPONENTS Interpreter QUIET)
  if(Python3_Interpreter_FOUND)
    execute_process(COMMAND "${Python3_EXECUTABLE}" -c "import nvidia.cudnn as m; print(';'.join(m.__path__))"
                    RESULT_VARIABLE _ladder_wheel_status OUTPUT_VARIABLE _ladder_wheel_dirs ERROR_QUIET
                    OUTPUT_STRIP_TRAILING_WHITESPACE)
    if(_ladder_wheel_status EQUAL 0 AND _ladder_wheel_dirs)
      set(_ladder_wheel_includes "")
      set(_ladder_wheel_libs "")
      foreach(dir IN LISTS _ladder_wheel_dirs)
        list(APPEND _ladder_wheel_includes "${dir}/include")
        list(APPEND _ladder_wheel_libs "${dir}/lib")
      endforeach()
      _ladder_try_cudnn("the nvidia-cudnn wheel of ${Python3_EXECUTABLE}" INCLUDE_DIRS ${_ladder_wheel_includes}
                        LIBRARY_DIRS ${_ladder_wheel_libs})
    else()
      list(APPEND _ladder_cudnn_tried "${Python3_EXECUTABLE}: no nvidia-cudnn wheel (import nvidia.cudnn failed)")
    endif()
  else()
    list(APPEND _ladder_cudnn_tried "no Python 3 to ask for the nvidia-cudnn wheel")
  endif()
endif()

if(NOT _ladder_cudnn_library)
  list(JOIN _ladder_cudnn_tried "; " _ladder_cudnn_reasons)
  if(_ladder_cudnn_mode STREQUAL "ON")
    message(FATAL_ERROR "LADDER_WITH_CUDNN=ON but no cuDNN ${LADDER_CUDNN_MIN_MAJOR} was found (${_ladder_cudnn_reasons}). "
                        "Install cuDNN ${LADDER_CUDNN_MIN_MAJOR} (e.g. pip install nvidia-cudnn-cu13), "
                        "set CUDNN_ROOT, or configure with -DLADDER_WITH_CUDNN=AUTO")
  endif()
  message(STATUS "Kernel Ladder: cuDNN ${LADDER_CUDNN_MIN_MAJOR} not found (${_ladder_cudnn_reasons}); "
                 "the cuDNN rungs will be skipped")
  return()
endif()

ladder_import_library(ladder::cudnn "${_ladder_cudnn_library}" "${_ladder_cudnn_include}")
set(LADDER_HAVE_CUDNN ON)
set(LADDER_CUDNN_VERSION "${_ladder_cudnn_version}")
message(STATUS "Kernel Ladder: cuDNN ${LADDER_CUDNN_VERSION} found in ${_ladder_cudnn_where} (${_ladder_cudnn_library})")
