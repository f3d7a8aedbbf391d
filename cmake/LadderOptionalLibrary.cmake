# What every optional vendor library does once it is found (cuDNN: LadderCudnn.cmake; NCCL:
# LadderNccl.cmake), and how a target uses one.
include_guard(GLOBAL)

# ladder_import_library(<target> <library file> <include folder>): the imported target. UNKNOWN:
# CMake links the file by its full path (it may be libcudnn.so.9, with no unversioned name to
# give -l) and adds its folder to the build RPATH.
function(ladder_import_library target library include_dir)
  if(NOT TARGET ${target})
    add_library(${target} UNKNOWN IMPORTED GLOBAL)
  endif()
  set_target_properties(${target} PROPERTIES IMPORTED_LOCATION "${library}" INTERFACE_INCLUDE_DIRECTORIES
                                                                             "${include_dir}")
endfunction()

# ladder_use_optional_library(<target> <imported target> <LADDER_HAVE_X>): links the library into
# <target> when LADDER_HAVE_X is ON, and defines LADDER_HAVE_X as 1 or 0 for its sources, which
# compile to a clear refusal without it.
function(ladder_use_optional_library target imported have_var)
  if(${have_var})
    target_link_libraries(${target} PRIVATE ${imported})
    target_compile_definitions(${target} PRIVATE ${have_var}=1)
  else()
    target_compile_definitions(${target} PRIVATE ${have_var}=0)
  endif()
endfunction()
