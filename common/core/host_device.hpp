/// \file common/core/host_device.hpp
/// \brief LADDER_HOST_DEVICE: marks a function that both the kernels and the CPU tests call.
///
/// Layout and index functions are written once and compiled twice: by nvcc for
/// the device, where the kernels call them, and by g++ for the CPU tests that
/// check them against their definitions. Under g++ the CUDA keywords do not
/// exist, so the macro expands to nothing there.
#pragma once

#ifndef LADDER_HOST_DEVICE
#ifdef __CUDACC__
#define LADDER_HOST_DEVICE __host__ __device__
#else
#define LADDER_HOST_DEVICE
#endif
#endif
