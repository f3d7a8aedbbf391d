# Chooses the GPU architectures to compile for, before project() enables CUDA.
#
# * If the user (or a preset) set CMAKE_CUDA_ARCHITECTURES, it is respected.
# * If a GPU is visible (nvidia-smi answers), use "native": fastest build, and
#   the binary matches the card it will run on.
# * Otherwise (a laptop, CI) "native" would fail, so fall back to an explicit
#   list: Ampere (sm_80) and Hopper (sm_90).
if(DEFINED CMAKE_CUDA_ARCHITECTURES OR DEFINED ENV{CUDAARCHS})
  return()
endif()
find_program(LADDER_NVIDIA_SMI nvidia-smi)
set(_ladder_gpu_found FALSE)
if(LADDER_NVIDIA_SMI)
  execute_process(COMMAND ${LADDER_NVIDIA_SMI} --query-gpu=compute_cap --format=csv,noheader
                  RESULT_VARIABLE _smi_rc OUTPUT_VARIABLE _smi_out ERROR_QUIET
                  OUTPUT_STRIP_TRAILING_WHITESPACE)
  if(_smi_rc EQUAL 0 AND _smi_out MATCHES "^[0-9]")
    set(_ladder_gpu_found TRUE)
  endif()
endif()
if(_ladder_gpu_found)
  set(CMAKE_CUDA_ARCHITECTURES native CACHE STRING "CUDA architectures")
  message(STATUS "Kernel Ladder: GPU found (compute capability ${_smi_out}); building for native")
else()
  set(CMAKE_CUDA_ARCHITECTURES "80;90" CACHE STRING "CUDA architectures")
  message(STATUS "Kernel Ladder: no GPU visible; building for sm_80 and sm_90 "
                 "(set CMAKE_CUDA_ARCHITECTURES to change)")
endif()
