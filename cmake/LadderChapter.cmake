# Helpers that turn a chapter folder into targets, so chapters never repeat CMake.
#
#   ladder_add_rungs(ch01_rungs CHAPTER 1 SOURCES naive_gemm.cu)
#       An OBJECT library of kernels. Each source registers its rungs with
#       LADDER_REGISTER_GEMM; linking the objects directly (not through a
#       static archive) keeps those registrations alive.
#
#   ladder_add_chapter(NUMBER 01 NAME naive_gemm MAIN main.cu TESTS test_naive_gemm.cu [CONV])
#       The executable chNN_NAME (in <build>/bin), linked with the rungs of
#       every chapter up to NN so it prints the ladder so far, and its tests,
#       labelled gpu and chNN. CONV: a convolution chapter (its command line
#       and shared tests are the conv ones).
#
#   ladder_add_gtest(NAME LABELS cpu|gpu ... SOURCES ... LIBRARIES ...)
#       A GoogleTest executable whose tests are registered with CTest.

# Extra flags for every kernel: keep line info for the profiler and
# compute-sanitizer; a kernel that spills registers to local memory fails to
# compile (ptxas -warn-spills with -Werror), since spills are a silent slowdown.
# Not in Debug builds: -G keeps every variable in local memory on purpose (and
# carries its own line info).
set(LADDER_CUDA_FLAGS --expt-relaxed-constexpr
                      $<$<NOT:$<CONFIG:Debug>>:-lineinfo$<SEMICOLON>-Xptxas=-warn-spills,-warn-lmem-usage,-Werror>)

function(ladder_add_rungs target)
  cmake_parse_arguments(ARG "SOLUTION;EXERCISE" "CHAPTER" "SOURCES" ${ARGN})
  add_library(${target} OBJECT ${ARG_SOURCES})
  target_link_libraries(${target} PUBLIC ladder_common)
  target_compile_options(${target} PRIVATE "$<$<COMPILE_LANGUAGE:CUDA>:${LADDER_CUDA_FLAGS};-Xptxas=-v>")
  # ptxas's resource report (-v) of each kernel goes to <object>.ptxas, for the
  # lessons' tables (tools/ptxas_report.py), instead of flooding the build log.
  # Run through bash: a copied checkout may have lost the executable bit.
  find_program(LADDER_BASH bash REQUIRED)
  set_property(TARGET ${target} PROPERTY CUDA_COMPILER_LAUNCHER ${LADDER_BASH} ${PROJECT_SOURCE_DIR}/tools/ptxas_log.sh
                                                                ${CMAKE_CUDA_COMPILER_LAUNCHER})
  # Remembered globally, in chapter order, so chapter N can link chapters 1..N.
  if(ARG_SOLUTION)
    set_property(GLOBAL APPEND PROPERTY LADDER_SOLUTION_RUNGS_${ARG_CHAPTER} ${target})
  elseif(ARG_EXERCISE)
    set_property(GLOBAL APPEND PROPERTY LADDER_EXERCISE_RUNGS_${ARG_CHAPTER} ${target})
  else()
    set_property(GLOBAL APPEND PROPERTY LADDER_CHAPTER_RUNGS ${target})
    set_property(TARGET ${target} PROPERTY LADDER_CHAPTER ${ARG_CHAPTER})
  endif()
  set_property(GLOBAL APPEND PROPERTY LADDER_ALL_RUNGS ${target})
  ladder_add_to_kernels(${target})
endfunction()

# `cmake --build <dir> --target ladder_kernels` compiles every kernel: the
# quick way to check spills on other architectures. With Ninja it names the
# kernel libraries' object files, so it compiles those and nothing else; a
# dependency on the libraries themselves would also build what they link
# (ladder_common's host code: half the time, and no kernel). Make builds only
# targets, so there it depends on the libraries.
function(ladder_add_to_kernels target)
  if(NOT TARGET ladder_kernels)
    add_custom_target(ladder_kernels)
  endif()
  if(CMAKE_GENERATOR MATCHES "Ninja")
    add_custom_target(${target}_objects DEPENDS $<TARGET_OBJECTS:${target}>)
    add_dependencies(ladder_kernels ${target}_objects)
  else()
    add_dependencies(ladder_kernels ${target})
  endif()
endfunction()

# The chapter rung libraries of chapters 1..number, in order.
function(ladder_rungs_up_to number out_var)
  get_property(all GLOBAL PROPERTY LADDER_CHAPTER_RUNGS)
  set(result)
  foreach(lib IN LISTS all)
    get_property(chapter TARGET ${lib} PROPERTY LADDER_CHAPTER)
    if(chapter LESS_EQUAL number)
      list(APPEND result ${lib})
    endif()
  endforeach()
  set(${out_var} ${result} PARENT_SCOPE)
endfunction()

# SERIAL: ctest runs these tests alone, for tests that time the GPU against itself (another
# process's kernels time-share it and would land inside their events).
# TIMEOUT seconds: each test's own limit, in place of ctest --timeout's (a test that waits on
# something outside the project, such as NCCL's start, gets a shorter one).
function(ladder_add_gtest name)
  cmake_parse_arguments(ARG "SERIAL" "TIMEOUT" "SOURCES;LIBRARIES;LABELS" ${ARGN})
  if(NOT LADDER_BUILD_TESTS)
    return()
  endif()
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_LIBRARIES} GTest::gtest GTest::gtest_main)
  target_compile_options(${name} PRIVATE $<$<COMPILE_LANGUAGE:CUDA>:${LADDER_CUDA_FLAGS}>)
  set_target_properties(${name} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${PROJECT_BINARY_DIR}/tests)
  # PRE_TEST: list the tests when ctest runs, not at build time, so building
  # never needs to execute anything (nor a GPU).
  # GoogleTest's discovery flattens a list-valued LABELS property to its first
  # element, so it gets the kind (cpu/gpu) alone and the rest (the chapter)
  # goes on the directory, whose LABELS every test in it inherits.
  list(POP_FRONT ARG_LABELS kind)
  if(kind STREQUAL "cpu")
    set_property(GLOBAL APPEND PROPERTY LADDER_HOST_TEST_TARGETS ${name})
  endif()
  set(serial FALSE)
  if(ARG_SERIAL)
    set(serial TRUE)
  endif()
  set(timeout)
  if(ARG_TIMEOUT)
    set(timeout TIMEOUT ${ARG_TIMEOUT})
  endif()
  # DISCOVERY_TIMEOUT: listing takes well under a second, but on a loaded
  # two-core CI machine a cold start once took longer than the default 5 s.
  gtest_discover_tests(${name} DISCOVERY_MODE PRE_TEST DISCOVERY_TIMEOUT 120 PROPERTIES LABELS ${kind} RUN_SERIAL ${serial} ${timeout})
  if(ARG_LABELS)
    set_property(DIRECTORY APPEND PROPERTY LABELS ${ARG_LABELS})
  endif()
endfunction()

# Runs `command...` under CTest and checks its exit status and output (ExpectExit.cmake).
function(ladder_add_exit_test name labels expected_status output_regex)
  cmake_parse_arguments(ARG "SUCCESS_ALSO_PASSES" "" "COMMAND" ${ARGN})
  if(NOT LADDER_BUILD_TESTS)
    return()
  endif()
  add_test(NAME ${name}
           COMMAND ${CMAKE_COMMAND} -DEXPECTED_STATUS=${expected_status} -DOUTPUT_REGEX=${output_regex}
                   -DSUCCESS_ALSO_PASSES=${ARG_SUCCESS_ALSO_PASSES} -DWORK_DIR=${CMAKE_CURRENT_BINARY_DIR}
                   -P ${PROJECT_SOURCE_DIR}/cmake/ExpectExit.cmake -- ${ARG_COMMAND})
  set_tests_properties(${name} PROPERTIES LABELS "${labels}")
endfunction()

# The command-line contract of a GEMM chapter executable, checked on any machine.
# Every chapter executable shares its command line and runner (common/gemm), so
# the first one also joins the host_tests target (below); the others carry the
# label links_kernels: building them compiles every kernel up to their chapter.
function(ladder_add_cli_tests exe label)
  get_property(earlier GLOBAL PROPERTY LADDER_CHAPTER_EXECUTABLES)
  if(earlier)
    set(labels "cpu;${label};links_kernels")
  else()
    set(labels "cpu;${label}")
    set_property(GLOBAL APPEND PROPERTY LADDER_HOST_TEST_TARGETS ${exe})
  endif()
  ladder_add_exit_test(${exe}_help "${labels}" 0 "--m.*--json" COMMAND $<TARGET_FILE:${exe}> --help)
  ladder_add_exit_test(${exe}_rejects_zero "${labels}" 2 "--m: 0 is out of range" COMMAND $<TARGET_FILE:${exe}> --m 0)
  ladder_add_exit_test(${exe}_rejects_text "${labels}" 2 "--k: 'abc' is not a whole number"
                       COMMAND $<TARGET_FILE:${exe}> --k abc)
  ladder_add_exit_test(${exe}_rejects_huge "${labels}" 2 "--k: 99999999 is out of range"
                       COMMAND $<TARGET_FILE:${exe}> --k 99999999)
  ladder_add_exit_test(${exe}_rejects_negative_energy_window "${labels}" 2 "--energy-seconds"
                       COMMAND $<TARGET_FILE:${exe}> --energy-seconds -1)
  # On a GPU this runs a small problem; without one it must say so in one line and exit 1.
  ladder_add_exit_test(${exe}_small_run_or_no_gpu "${labels}" 1 "needs an NVIDIA GPU" SUCCESS_ALSO_PASSES
                       COMMAND $<TARGET_FILE:${exe}> --m 65 --n 33 --k 17 --repeat 1 --warmup 0 --no-ceilings
                               --energy-seconds 0)
endfunction()

# The command-line contract of a convolution chapter executable (common/conv/options.hpp).
function(ladder_add_conv_cli_tests exe label)
  set(labels "cpu;${label};links_kernels")
  ladder_add_exit_test(${exe}_help "${labels}" 0 "--layer.*--stride.*--json" COMMAND $<TARGET_FILE:${exe}> --help)
  ladder_add_exit_test(${exe}_rejects_zero "${labels}" 2 "--c: 0 is out of range" COMMAND $<TARGET_FILE:${exe}> --c 0)
  ladder_add_exit_test(${exe}_rejects_text "${labels}" 2 "--k: 'abc' is not a whole number"
                       COMMAND $<TARGET_FILE:${exe}> --k abc)
  ladder_add_exit_test(${exe}_rejects_unknown_layer "${labels}" 2 "--layer vgg: no such layer"
                       COMMAND $<TARGET_FILE:${exe}> --layer vgg)
  ladder_add_exit_test(${exe}_rejects_filter_larger_than_input "${labels}" 2 "larger than the padded"
                       COMMAND $<TARGET_FILE:${exe}> --h 5 --w 5 --r 7 --s 7 --pad 0)
  # On a GPU this runs a small layer; without one it must say so in one line and exit 1. No
  # energy window and no peak measurement: each would add seconds per rung to a correctness run.
  ladder_add_exit_test(${exe}_small_run_or_no_gpu "${labels}" 1 "needs an NVIDIA GPU" SUCCESS_ALSO_PASSES
                       COMMAND $<TARGET_FILE:${exe}> --layer lenet-conv2 --n 3 --repeat 1 --warmup 0
                               --energy-seconds 0 --no-peaks)
endfunction()

# What kind of ladder program `exe` of chapter `number` is: GEMM, or
# convolution when `conv` is true. Adds the matching command-line tests and
# names the shared rung-test library its tests link, in `testing_lib_var`.
function(ladder_add_program_kind exe number conv testing_lib_var)
  if(conv)
    target_link_libraries(${exe} PRIVATE ladder_conv)
    ladder_add_conv_cli_tests(${exe} ch${number})
    set(${testing_lib_var} ladder_conv_testing PARENT_SCOPE)
  else()
    ladder_add_cli_tests(${exe} ch${number})
    set(${testing_lib_var} ladder_gemm_testing PARENT_SCOPE)
  endif()
endfunction()

function(ladder_add_chapter)
  cmake_parse_arguments(ARG "CONV" "NUMBER;NAME;MAIN" "TESTS;EXERCISES" ${ARGN})
  math(EXPR chapter "${ARG_NUMBER}")
  set(exe ch${ARG_NUMBER}_${ARG_NAME})
  ladder_rungs_up_to(${chapter} rung_libs)
  get_property(exercise_libs GLOBAL PROPERTY LADDER_EXERCISE_RUNGS_${chapter})
  add_executable(${exe} ${ARG_MAIN})
  target_link_libraries(${exe} PRIVATE ladder_common ${rung_libs} ${exercise_libs})
  target_compile_definitions(${exe} PRIVATE LADDER_CHAPTER=${chapter})
  ladder_add_program_kind(${exe} ${ARG_NUMBER} "${ARG_CONV}" testing_lib)
  set_property(GLOBAL APPEND PROPERTY LADDER_CHAPTER_EXECUTABLES ${exe})
  set_property(GLOBAL APPEND PROPERTY LADDER_PROGRAMS ${exe})
  if(ARG_TESTS)
    get_property(this_chapter_libs GLOBAL PROPERTY LADDER_CHAPTER_RUNGS)
    set(own)
    foreach(lib IN LISTS this_chapter_libs)
      get_property(c TARGET ${lib} PROPERTY LADDER_CHAPTER)
      if(c EQUAL chapter)
        list(APPEND own ${lib})
      endif()
    endforeach()
    ladder_add_gtest(test_${exe} SOURCES ${ARG_TESTS}
                     LIBRARIES ${testing_lib} ${own} ${exercise_libs}
                     LABELS "gpu;ch${ARG_NUMBER}")
  endif()
endfunction()

# Worked solutions to chapter NN's exercises: an executable solNN_NAME that
# prints the chapter's ladder plus the solution rungs, and their tests.
function(ladder_add_solutions)
  cmake_parse_arguments(ARG "CONV" "NUMBER;NAME;MAIN" "TESTS" ${ARGN})
  math(EXPR chapter "${ARG_NUMBER}")
  set(exe sol${ARG_NUMBER}_${ARG_NAME})
  ladder_rungs_up_to(${chapter} rung_libs)
  get_property(solution_libs GLOBAL PROPERTY LADDER_SOLUTION_RUNGS_${chapter})
  add_executable(${exe} ${ARG_MAIN})
  target_link_libraries(${exe} PRIVATE ladder_common ${rung_libs} ${solution_libs})
  target_compile_definitions(${exe} PRIVATE LADDER_CHAPTER=${chapter})
  ladder_add_program_kind(${exe} ${ARG_NUMBER} "${ARG_CONV}" testing_lib)
  set_property(GLOBAL APPEND PROPERTY LADDER_PROGRAMS ${exe})
  ladder_add_gtest(test_${exe} SOURCES ${ARG_TESTS} LIBRARIES ${testing_lib} ${solution_libs}
                   LABELS "gpu;ch${ARG_NUMBER};solutions")
endfunction()
