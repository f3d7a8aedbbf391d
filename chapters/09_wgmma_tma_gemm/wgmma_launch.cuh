/// \file wgmma_launch.cuh
/// \brief Chapter 09's host side for any configuration: the tensor maps TMA copies through,
/// the launch of the one-tile-per-CTA kernels (09a, 09b) and of the persistent one (09c to
/// 09e), what every rung of the chapter requires, and a configuration's registry entry
/// (wgmma_rung). The chapter's rungs, its exercise and its worked solution all register
/// through it.
#pragma once

#include <cudaTypedefs.h>  // PFN_cuTensorMapEncodeTiled: the driver function's type, no link to libcuda

#include <algorithm>
#include <climits>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <utility>

#include "chapters/09_wgmma_tma_gemm/persistent_gemm.cuh"
#include "chapters/09_wgmma_tma_gemm/wgmma_tma_gemm.cuh"

namespace ladder::wgmma {

// [tensor-map]
/// cuTensorMapEncodeTiled lives in the driver (libcuda), not the runtime. Asking the
/// runtime for it at run time, instead of linking libcuda, keeps every other program and
/// test of the project free of a driver dependency: they build and run their CPU tests on
/// machines without one. Looked up once.
inline PFN_cuTensorMapEncodeTiled_v12000 tensor_map_encoder() {
  static const PFN_cuTensorMapEncodeTiled_v12000 encoder = [] {
    void* function = nullptr;
    cudaDriverEntryPointQueryResult found{};
#if CUDART_VERSION >= 12050  // asks for the function as CUDA 12.0 defined it, whatever the driver's version
    LADDER_CUDA_CHECK(
        cudaGetDriverEntryPointByVersion("cuTensorMapEncodeTiled", &function, 12000, cudaEnableDefault, &found));
#else  // toolkits before 12.5 have only the unversioned lookup, which gives the runtime's own version
    LADDER_CUDA_CHECK(cudaGetDriverEntryPoint("cuTensorMapEncodeTiled", &function, cudaEnableDefault, &found));
#endif
    if (found != cudaDriverEntryPointSuccess || function == nullptr)
      throw std::runtime_error("the CUDA driver has no cuTensorMapEncodeTiled (it needs CUDA 12.0 or newer)");
    return reinterpret_cast<PFN_cuTensorMapEncodeTiled_v12000>(function);
  }();
  return encoder;
}

/// The tensor map of a bf16 matrix at `base` with the 128-byte swizzle, checked first by
/// tensor_map_problem so that a bad shape gets its reason, not the driver's bare error code.
inline CUtensorMap encode_tensor_map(const hopper::TensorMapParams& params, const void* base) {
  if (const auto why = hopper::tensor_map_problem(params, reinterpret_cast<std::uintptr_t>(base)))
    throw std::invalid_argument("tensor map: " + *why);
  cuuint64_t dims[hopper::kTensorMapMaxRank], strides[hopper::kTensorMapMaxRank - 1];
  cuuint32_t box[hopper::kTensorMapMaxRank], element_strides[hopper::kTensorMapMaxRank];
  for (std::uint32_t i = 0; i < params.rank; ++i) {
    dims[i] = params.global_dim[i];
    box[i] = params.box_dim[i];
    element_strides[i] = params.element_stride[i];
    if (i + 1 < params.rank) strides[i] = params.global_stride[i];
  }
  CUtensorMap map;
  // OOB_FILL_NONE: the parts of a box outside the matrix arrive as zeros, so ragged edges
  // multiply as zeros. L2 promotion: fetch 256-byte lines, as the boxes' rows are 128 bytes.
  const CUresult status = tensor_map_encoder()(
      &map, CU_TENSOR_MAP_DATA_TYPE_BFLOAT16, params.rank, const_cast<void*>(base), dims, strides, box, element_strides,
      CU_TENSOR_MAP_INTERLEAVE_NONE, static_cast<CUtensorMapSwizzle>(params.swizzle),
      CU_TENSOR_MAP_L2_PROMOTION_L2_256B, CU_TENSOR_MAP_FLOAT_OOB_FILL_NONE);
  if (status != CUDA_SUCCESS)
    throw CudaError("cuTensorMapEncodeTiled failed with CUresult " + std::to_string(static_cast<int>(status)));
  return map;
}
// [tensor-map]

// [launch]
/// A launch of the persistent kernel in clusters of kCluster CTAs (1 for 09c). The
/// attribute lives beside the configuration that points at it.
template <class Cfg>
struct ClusterLaunch {
  cudaLaunchAttribute cluster{};
  cudaLaunchConfig_t config{};
  ClusterLaunch(unsigned ctas, cudaStream_t stream) {
    cluster.id = cudaLaunchAttributeClusterDimension;
    cluster.val.clusterDim.x = Cfg::kCluster;
    cluster.val.clusterDim.y = cluster.val.clusterDim.z = 1;
    config.gridDim = dim3(ctas);
    config.blockDim = dim3(Cfg::kThreads);
    config.dynamicSmemBytes = Cfg::kSmemBytes;
    config.stream = stream;
    config.attrs = &cluster;
    config.numAttrs = 1;
  }
  ClusterLaunch(const ClusterLaunch&) = delete;  // config.attrs points into this object
};

/// How many clusters of the persistent kernel fit on the current device at once: SMs come
/// in GPCs and a cluster must fit in one, so it can be fewer than SMs / kCluster. Asked once
/// per device (with the shared-memory opt-in), not on every launch: a timed launch must
/// not include the question.
template <class Cfg>
int resident_clusters() {
  static int asked_device = -1, clusters = 0;
  int device = 0;
  LADDER_CUDA_CHECK(cudaGetDevice(&device));
  if (device != asked_device) {
    const auto kernel = persistent_kernel<Cfg>;
    LADDER_CUDA_CHECK(cudaFuncSetAttribute(kernel, cudaFuncAttributeMaxDynamicSharedMemorySize, Cfg::kSmemBytes));
    const ClusterLaunch<Cfg> one(Cfg::kCluster, nullptr);
    LADDER_CUDA_CHECK(cudaOccupancyMaxActiveClusters(&clusters, kernel, &one.config));
    if (clusters < 1)
      throw std::runtime_error("wgmma GEMM: not even one cluster of " + std::to_string(Cfg::kCluster) + " CTAs with " +
                               std::to_string(Cfg::kSmemBytes) + " bytes of shared memory fits on this GPU");
    asked_device = device;
  }
  return clusters;
}

/// The persistent kernel's CTAs for a problem of `units` units of tiles: as many clusters as
/// fit at once, at most one per unit, and no more than kMaxCtas CTAs where a configuration
/// sets it (a sweep candidate; every rung takes all that fit).
template <class Cfg>
long long persistent_ctas(long long units) {
  static_assert(Cfg::kMaxCtas % Cfg::kCluster == 0, "a cap of whole clusters");
  long long clusters = std::min<long long>(units, resident_clusters<Cfg>());
  if constexpr (Cfg::kMaxCtas > 0) clusters = std::min<long long>(clusters, Cfg::kMaxCtas / Cfg::kCluster);
  return clusters * Cfg::kCluster;
}

template <class Cfg>
void launch_wgmma(const Bf16GemmArgs& args, cudaStream_t stream) {
  // A: m rows of k, boxes of kBM rows x 64 k. B: k rows of n, boxes of 64 k-rows x 64 n; or,
  // stored n x k, n rows of k in boxes of a CTA's share of the tile's n x 64 k, as A's.
  const CUtensorMap a_map =
      encode_tensor_map(hopper::tile_tensor_map(args.m, args.k, args.lda, Cfg::kBM, Cfg::kBK), args.a);
  const CUtensorMap b_map = encode_tensor_map(
      Cfg::kBStoredNByK ? hopper::tile_tensor_map(args.n, args.k, args.ldb, Cfg::kBN / Cfg::kCluster, Cfg::kBK)
                        : hopper::tile_tensor_map(args.k, args.n, args.ldb, Cfg::kBK, hopper::kSw128MnBoxElements),
      args.b);
  const long long m_tiles = ceil_div(args.m, Cfg::kBM), tiles = m_tiles * ceil_div(args.n, Cfg::kBN);
  if (tiles > INT_MAX) throw std::invalid_argument("wgmma GEMM: more than 2^31 - 1 tiles");
  if constexpr (Cfg::kPersistent) {  // as many CTAs as fit at once (persistent_ctas), each looping over tiles
    // C: m rows of n, leaving in boxes of 64 rows x 64 n from the staging tile.
    const CUtensorMap c_map = encode_tensor_map(
        hopper::tile_tensor_map(args.m, args.n, args.ldc, Cfg::kWgmmaM, hopper::kSw128RowElements), args.c);
    const long long units = ceil_div(int(m_tiles), Cfg::kCluster) * ceil_div(args.n, Cfg::kBN);
    const ClusterLaunch<Cfg> launch(unsigned(persistent_ctas<Cfg>(units)), stream);
    LADDER_CUDA_CHECK(cudaLaunchKernelEx(&launch.config, persistent_kernel<Cfg>, a_map, b_map, c_map, args));
  } else {  // one CTA per tile
    void (*kernel)(const CUtensorMap, const CUtensorMap, Bf16GemmArgs) = nullptr;
    if constexpr (Cfg::kProducer)  // if constexpr: only the chosen kernel is instantiated
      kernel = warp_specialized_kernel<Cfg>;
    else
      kernel = tma_wgmma_kernel<Cfg>;
    static int opted_in_device = -1;  // the opt-in holds per device: set once, as resident_clusters asks once
    int device = 0;
    LADDER_CUDA_CHECK(cudaGetDevice(&device));
    if (device != opted_in_device) {
      LADDER_CUDA_CHECK(cudaFuncSetAttribute(kernel, cudaFuncAttributeMaxDynamicSharedMemorySize, Cfg::kSmemBytes));
      opted_in_device = device;
    }
    kernel<<<unsigned(tiles), Cfg::kThreads, Cfg::kSmemBytes, stream>>>(a_map, b_map, args);
  }
  LADDER_CHECK_LAUNCH();
}
// [launch]

/// Compute capability 9.0 only (sm_90a code runs nowhere else); TMA wants 16-byte aligned
/// base addresses and row strides (lda, ldb multiples of 8 bf16). m, n and k are free:
/// TMA zero-fills the boxes past the edges, and store_pair clips C. LADDER_HAVE_SM90A is
/// defined per target (ladder_target_sm90a), so every rung library that includes this
/// header, the exercise's and the solution's too, asks for sm_90a in its CMakeLists.txt.
inline GemmRequirements requirements() {
  GemmRequirements need;
  need.min_compute_capability = 90;
  need.max_compute_capability = 90;
  need.alignment_bytes = 16;
#ifndef LADDER_HAVE_SM90A
  need.missing_from_build =
      "built without sm_90a, which wgmma needs (CMAKE_CUDA_ARCHITECTURES lists no 90; add it to build chapter 09)";
#endif
  return need;
}

/// The registry entry of one configuration, shown against its wgmma's peak.
template <class Cfg>
GemmRung wgmma_rung(std::string name, RungKind kind, std::string summary, int chapter = 9) {
  return {std::move(name), chapter, kind, launch_wgmma<Cfg>, requirements(), std::move(summary), kInstruction<Cfg>};
}

/// The same entry, which can also read B stored n x k (BStoredNByK): bench_gemm times both.
template <class Cfg>
GemmRung wgmma_rung_both_layouts(std::string name, RungKind kind, std::string summary) {
  GemmRung rung = wgmma_rung<Cfg>(std::move(name), kind, std::move(summary));
  rung.launch_b_n_by_k = launch_wgmma<BStoredNByK<Cfg>>;
  return rung;
}

}  // namespace ladder::wgmma
