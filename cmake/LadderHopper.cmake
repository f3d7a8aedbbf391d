# Chapter 09's kernels use wgmma and setmaxnreg, which exist only in sm_90a: the
# arch-specific target of compute capability 9.0, whose code runs on no other GPU
# and has no PTX to JIT elsewhere. So only chapter 09's rung objects are built
# for it, and only when this build is for a compute capability 9.0 GPU at all.
#
#   ladder_target_sm90a(ch09_rungs)
#
# compiles the target for sm_90a alone and defines LADDER_HAVE_SM90A in it when
# CMAKE_CUDA_ARCHITECTURES names 90 (90, 90-real, 90a, ...), is all or
# all-major, or is native on a machine with a compute capability 9.0 GPU.
# Otherwise the target builds for the usual list, its kernels compile to traps,
# and its rungs skip with the reason (common/gemm: GemmRequirements).
function(ladder_target_sm90a target)
  set(wanted FALSE)
  foreach(arch IN LISTS CMAKE_CUDA_ARCHITECTURES)
    if(arch MATCHES "^90" OR arch MATCHES "^all")
      set(wanted TRUE)
    elseif(arch STREQUAL "native")
      find_program(LADDER_NVIDIA_SMI nvidia-smi)
      if(LADDER_NVIDIA_SMI)
        execute_process(COMMAND ${LADDER_NVIDIA_SMI} --query-gpu=compute_cap --format=csv,noheader
                        OUTPUT_VARIABLE caps ERROR_QUIET)
        if(caps MATCHES "9\\.0")
          set(wanted TRUE)
        endif()
      endif()
    endif()
  endforeach()
  if(wanted)
    set_property(TARGET ${target} PROPERTY CUDA_ARCHITECTURES 90a)
    target_compile_definitions(${target} PRIVATE LADDER_HAVE_SM90A=1)
    message(STATUS "Kernel Ladder: ${target} builds for sm_90a (wgmma, TMA)")
  else()
    message(STATUS "Kernel Ladder: ${target} has no sm_90a in this build (CMAKE_CUDA_ARCHITECTURES="
                   "${CMAKE_CUDA_ARCHITECTURES}); its rungs will skip with the reason")
  endif()
endfunction()
