# Run by the kernels_compile_without_spills test (cmake -P): configures a
# kernels-only build of the source tree for ARCHITECTURES in BINARY_DIR (with
# the parent build's compilers and dependency locations from INITIAL_CACHE) and
# builds the ladder_kernels target, which compiles every rung and chapter 14's
# GPU layers with the project's ptxas flags (a spill is an error).
foreach(var SOURCE_DIR BINARY_DIR ARCHITECTURES GENERATOR INITIAL_CACHE)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "CompileKernels.cmake: -D${var}=... is required")
  endif()
endforeach()
execute_process(
  COMMAND ${CMAKE_COMMAND} -C ${INITIAL_CACHE} -S ${SOURCE_DIR} -B ${BINARY_DIR} -G ${GENERATOR} -DCMAKE_BUILD_TYPE=Release
          "-DCMAKE_CUDA_ARCHITECTURES=${ARCHITECTURES}" -DLADDER_BUILD_TESTS=OFF -DLADDER_BUILD_BENCHMARKS=OFF
          -DLADDER_BUILD_DOCS=OFF
  RESULT_VARIABLE configure_status)
if(NOT configure_status EQUAL 0)
  message(FATAL_ERROR "configuring the kernels-only build for ${ARCHITECTURES} failed")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} --build ${BINARY_DIR} --target ladder_kernels RESULT_VARIABLE build_status)
if(NOT build_status EQUAL 0)
  message(FATAL_ERROR "a kernel does not compile (or spills) for one of ${ARCHITECTURES}: see the ptxas lines above")
endif()
message(STATUS "every kernel compiles for ${ARCHITECTURES} without spilling")
