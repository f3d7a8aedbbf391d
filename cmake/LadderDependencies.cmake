# Third-party libraries. Each is taken from the system when find_package finds
# it, otherwise fetched at a pinned release with FetchContent, so a user
# without them still builds.
#
# Offline: point FetchContent at a local copy with the standard override, e.g.
#   cmake -DFETCHCONTENT_SOURCE_DIR_GOOGLETEST=/usr/src/googletest ...
#   cmake -DFETCHCONTENT_SOURCE_DIR_BENCHMARK=/path/to/benchmark ...
# or forbid downloads entirely with -DFETCHCONTENT_FULLY_DISCONNECTED=ON.
# tools/device_kit.sh packs all four for a machine without a network, and
# benchmarks/run_gpu.sh uses that kit when it is there.
include(FetchContent)

# Command-line parsing (CLI11) and JSON output (nlohmann_json): header-only.
find_package(CLI11 2.1 QUIET)
if(NOT CLI11_FOUND)
  FetchContent_Declare(cli11 GIT_REPOSITORY https://github.com/CLIUtils/CLI11.git GIT_TAG v2.4.2
                       GIT_SHALLOW TRUE)
  FetchContent_MakeAvailable(cli11)
endif()
find_package(nlohmann_json 3.10 QUIET)
if(NOT nlohmann_json_FOUND)
  FetchContent_Declare(json GIT_REPOSITORY https://github.com/nlohmann/json.git GIT_TAG v3.11.3
                       GIT_SHALLOW TRUE)
  FetchContent_MakeAvailable(json)
endif()

if(LADDER_BUILD_TESTS)
  find_package(GTest 1.10 QUIET)
  if(NOT GTest_FOUND)
    set(INSTALL_GTEST OFF CACHE BOOL "" FORCE)
    FetchContent_Declare(googletest GIT_REPOSITORY https://github.com/google/googletest.git
                         GIT_TAG v1.14.0 GIT_SHALLOW TRUE)
    FetchContent_MakeAvailable(googletest)
  endif()
  include(GoogleTest)
endif()

if(LADDER_BUILD_BENCHMARKS)
  find_package(benchmark 1.6 QUIET)
  if(NOT benchmark_FOUND)
    set(BENCHMARK_ENABLE_TESTING OFF CACHE BOOL "" FORCE)
    set(BENCHMARK_ENABLE_INSTALL OFF CACHE BOOL "" FORCE)
    set(BENCHMARK_ENABLE_GTEST_TESTS OFF CACHE BOOL "" FORCE)
    set(BENCHMARK_ENABLE_WERROR OFF CACHE BOOL "" FORCE)  # a newer compiler's new warning must not stop our build
    FetchContent_Declare(benchmark GIT_REPOSITORY https://github.com/google/benchmark.git
                         GIT_TAG v1.8.3 GIT_SHALLOW TRUE)
    FetchContent_MakeAvailable(benchmark)
  endif()
endif()
