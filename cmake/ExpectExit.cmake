# Runs a command and checks its exit status and output; used by the chapter's CTest tests.
#
#   cmake -DEXPECTED_STATUS=2 -DOUTPUT_REGEX=regex -DWORK_DIR=dir -P ExpectExit.cmake -- command args...
#
# With -DSUCCESS_ALSO_PASSES=ON, exit status 0 passes as well: for a run that
# succeeds on a GPU and must fail with a clear line (EXPECTED_STATUS and
# OUTPUT_REGEX) without one. When the environment sets LADDER_REQUIRE_GPU
# (benchmarks/run_gpu.sh does), a GPU is promised, so only exit status 0 passes.
#
# CTest alone can only tell zero from non-zero; a usage error must exit with
# exactly 2 and say which flag is wrong, so both are checked here.
set(command)
set(after_separator FALSE)
foreach(i RANGE 1 ${CMAKE_ARGC})
  if(i EQUAL CMAKE_ARGC)
    break()
  endif()
  if(after_separator)
    list(APPEND command "${CMAKE_ARGV${i}}")
  elseif("${CMAKE_ARGV${i}}" STREQUAL "--")
    set(after_separator TRUE)
  endif()
endforeach()
if(NOT command)
  message(FATAL_ERROR "ExpectExit.cmake: no command after --")
endif()

file(MAKE_DIRECTORY "${WORK_DIR}")
execute_process(COMMAND ${command} WORKING_DIRECTORY "${WORK_DIR}" RESULT_VARIABLE status
                OUTPUT_VARIABLE out ERROR_VARIABLE err)
set(output "${out}${err}")
if(SUCCESS_ALSO_PASSES AND "${status}" STREQUAL "0")
  message(STATUS "exit status 0 (a GPU is present)")
  return()
endif()
if(SUCCESS_ALSO_PASSES AND DEFINED ENV{LADDER_REQUIRE_GPU} AND NOT "$ENV{LADDER_REQUIRE_GPU}" MATCHES "^0?$")
  message(FATAL_ERROR "exit status ${status}: LADDER_REQUIRE_GPU is set, so this run must succeed on the GPU; "
                      "output:\n${out}${err}")
endif()
if(NOT "${status}" STREQUAL "${EXPECTED_STATUS}")
  message(FATAL_ERROR "exit status ${status}, expected ${EXPECTED_STATUS}; output:\n${output}")
endif()
if(NOT output MATCHES "${OUTPUT_REGEX}")
  message(FATAL_ERROR "output does not match '${OUTPUT_REGEX}':\n${output}")
endif()
message(STATUS "exit status ${status} and output as expected")
