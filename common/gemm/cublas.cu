#include <cublasLt.h>

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <sstream>
#include <stdexcept>
#include <string>
#include <tuple>

#include "common/core/device_buffer.cuh"
#include "common/core/timing.cuh"
#include "common/gemm/cublas.cuh"

namespace ladder {

cublasHandle_t cublas_handle() {
  // Never destroyed: destroying it from a static destructor after the CUDA
  // runtime has shut down is an error, and the process is ending anyway.
  static cublasHandle_t handle = [] {
    cublasHandle_t created = nullptr;
    LADDER_CUBLAS_CHECK(cublasCreate(&created));
    // Default math with COMPUTE_32F never uses TF32; say so explicitly.
    LADDER_CUBLAS_CHECK(cublasSetMathMode(created, CUBLAS_DEFAULT_MATH));
    return created;
  }();
  return handle;
}

void cublas_sgemm(const GemmArgs& args, cudaStream_t stream) {
  cublasHandle_t handle = cublas_handle();
  LADDER_CUBLAS_CHECK(cublasSetStream(handle, stream));
  // Column-major view: C^T (n x m) = B^T (n x k) * A^T (k x m).
  LADDER_CUBLAS_CHECK(cublasGemmEx(handle, CUBLAS_OP_N, CUBLAS_OP_N, args.n, args.m, args.k, &args.alpha, args.b,
                                   CUDA_R_32F, args.ldb, args.a, CUDA_R_32F, args.lda, &args.beta, args.c, CUDA_R_32F,
                                   args.ldc, CUBLAS_COMPUTE_32F, CUBLAS_GEMM_DEFAULT));
}

GemmRung cublas_rung() {
  GemmRung rung;
  rung.name = "cuBLAS";
  rung.chapter = 0;
  rung.kind = RungKind::Vendor;
  rung.launch = cublas_sgemm;
  rung.summary = "cublasGemmEx, CUBLAS_COMPUTE_32F (fp32, no TF32)";
  return rung;
}

namespace {

// kCublasLtTileNames and kCublasLtStagesNames: std::map<int, const char*> from
// each tile or stages id to the shape in its enum name ({23, "128x256"}),
// generated from the toolkit's cublasLt.h by tools/cublaslt_names.py.
#include "cublaslt_names.inc"

/// The workspace cuBLASLt may use: split-k and stream-k algorithms keep their
/// partial sums there. 32 MiB is what the cuBLAS documentation recommends for
/// Hopper (cublasSetWorkspace), more than earlier GPUs need.
constexpr std::size_t kWorkspaceBytes = std::size_t(32) << 20;
/// How many algorithms the heuristic is asked for; each is timed once per shape.
constexpr int kHeuristicCandidates = 8;
/// Timing of one candidate: untimed runs, then timed runs (the median counts).
constexpr int kCandidateWarmupRuns = 2, kCandidateTimedRuns = 5;

/// The process-wide cuBLASLt handle, never destroyed (as cublas_handle()).
cublasLtHandle_t cublaslt_handle() {
  static cublasLtHandle_t handle = [] {
    cublasLtHandle_t created = nullptr;
    LADDER_CUBLAS_CHECK(cublasLtCreate(&created));
    return created;
  }();
  return handle;
}

/// The largest power of two, up to 256, that divides every one of A's, B's and
/// C's addresses. cuBLASLt's heuristic assumes 256-byte aligned matrices unless
/// told otherwise, and an algorithm chosen for those may not run on others.
/// cudaMalloc returns 256-byte aligned memory; a null pointer counts as that.
int pointer_alignment(const Bf16GemmArgs& args) {
  std::uintptr_t bits = 256;
  for (const void* pointer :
       {static_cast<const void*>(args.a), static_cast<const void*>(args.b), static_cast<const void*>(args.c)})
    bits |= reinterpret_cast<std::uintptr_t>(pointer);
  return int(bits & (~bits + 1));  // the lowest set bit
}

/// Everything the best algorithm can depend on. Not alpha or beta's value: only
/// whether C is read (beta != 0) changes the work.
struct ProblemKey {
  int device, m, n, k, lda, ldb, ldc;
  BLayout b_layout;
  bool reads_c;
  int alignment;
  bool operator<(const ProblemKey& other) const {
    return std::tie(device, m, n, k, lda, ldb, ldc, b_layout, reads_c, alignment) <
           std::tie(other.device, other.m, other.n, other.k, other.lda, other.ldb, other.ldc, other.b_layout,
                    other.reads_c, other.alignment);
  }
};

ProblemKey key_of(const Bf16GemmArgs& args, BLayout b_layout) {
  int device = 0;
  LADDER_CUDA_CHECK(cudaGetDevice(&device));
  const bool reads_c = args.beta != 0.0f;
  return {device, args.m, args.n, args.k, args.lda, args.ldb, args.ldc, b_layout, reads_c, pointer_alignment(args)};
}

/// The descriptors of one problem in cuBLASLt's column-major view (see
/// cublas.cuh): cuBLASLt's A is our B, n x k with leading dimension ldb; its
/// B is our A, k x m with lda; its C (and D, the same memory) is our C, n x m
/// with ldc. All bf16; products accumulated and alpha, beta applied in fp32.
/// B stored n x k is, column-major, k x n: cuBLASLt transposes it back (TRANSA).
class MatmulPlan {
 public:
  MatmulPlan(const Bf16GemmArgs& args, BLayout b_layout) {
    LADDER_CUBLAS_CHECK(cublasLtMatmulDescCreate(&desc_, CUBLAS_COMPUTE_32F, CUDA_R_32F));
    if (b_layout == BLayout::n_by_k) {
      const cublasOperation_t transpose = CUBLAS_OP_T;
      LADDER_CUBLAS_CHECK(
          cublasLtMatmulDescSetAttribute(desc_, CUBLASLT_MATMUL_DESC_TRANSA, &transpose, sizeof(transpose)));
      LADDER_CUBLAS_CHECK(cublasLtMatrixLayoutCreate(&b_layout_, CUDA_R_16BF, args.k, args.n, args.ldb));
    } else {
      LADDER_CUBLAS_CHECK(cublasLtMatrixLayoutCreate(&b_layout_, CUDA_R_16BF, args.n, args.k, args.ldb));
    }
    LADDER_CUBLAS_CHECK(cublasLtMatrixLayoutCreate(&a_layout_, CUDA_R_16BF, args.k, args.m, args.lda));
    LADDER_CUBLAS_CHECK(cublasLtMatrixLayoutCreate(&c_layout_, CUDA_R_16BF, args.n, args.m, args.ldc));
  }
  ~MatmulPlan() {  // no checks: destructors must not throw
    if (c_layout_ != nullptr) cublasLtMatrixLayoutDestroy(c_layout_);
    if (a_layout_ != nullptr) cublasLtMatrixLayoutDestroy(a_layout_);
    if (b_layout_ != nullptr) cublasLtMatrixLayoutDestroy(b_layout_);
    if (desc_ != nullptr) cublasLtMatmulDescDestroy(desc_);
  }
  MatmulPlan(const MatmulPlan&) = delete;
  MatmulPlan& operator=(const MatmulPlan&) = delete;

  /// Up to kHeuristicCandidates algorithms, best guess first, each needing at
  /// most kWorkspaceBytes and none more alignment than the pointers have.
  std::vector<cublasLtMatmulHeuristicResult_t> candidates(int alignment) const {
    cublasLtMatmulPreference_t preference = nullptr;
    LADDER_CUBLAS_CHECK(cublasLtMatmulPreferenceCreate(&preference));
    std::vector<cublasLtMatmulHeuristicResult_t> results(kHeuristicCandidates);
    int returned = 0;
    try {
      const std::uint64_t workspace = kWorkspaceBytes;
      LADDER_CUBLAS_CHECK(cublasLtMatmulPreferenceSetAttribute(preference, CUBLASLT_MATMUL_PREF_MAX_WORKSPACE_BYTES,
                                                               &workspace, sizeof(workspace)));
      const std::uint32_t alignment_bytes = alignment;
      for (const cublasLtMatmulPreferenceAttributes_t attribute :
           {CUBLASLT_MATMUL_PREF_MIN_ALIGNMENT_A_BYTES, CUBLASLT_MATMUL_PREF_MIN_ALIGNMENT_B_BYTES,
            CUBLASLT_MATMUL_PREF_MIN_ALIGNMENT_C_BYTES, CUBLASLT_MATMUL_PREF_MIN_ALIGNMENT_D_BYTES})
        LADDER_CUBLAS_CHECK(
            cublasLtMatmulPreferenceSetAttribute(preference, attribute, &alignment_bytes, sizeof(alignment_bytes)));
      LADDER_CUBLAS_CHECK(cublasLtMatmulAlgoGetHeuristic(cublaslt_handle(), desc_, b_layout_, a_layout_, c_layout_,
                                                         c_layout_, preference, kHeuristicCandidates, results.data(),
                                                         &returned));
    } catch (...) {
      cublasLtMatmulPreferenceDestroy(preference);
      throw;
    }
    cublasLtMatmulPreferenceDestroy(preference);
    results.resize(returned);
    return results;
  }

  /// Launches C = alpha·A·B + beta·C with `algo`, writing (and, when beta != 0,
  /// reading) `c` instead of args.c. Returns cuBLASLt's status unchecked: a
  /// candidate that does not launch is skipped, not an error.
  cublasStatus_t launch(const Bf16GemmArgs& args, const cublasLtMatmulAlgo_t& algo, std::size_t workspace_bytes,
                        void* workspace, __nv_bfloat16* c, cudaStream_t stream) const {
    return cublasLtMatmul(cublaslt_handle(), desc_, &args.alpha, args.b, b_layout_, args.a, a_layout_, &args.beta, c,
                          c_layout_, c, c_layout_, &algo, workspace, workspace_bytes, stream);
  }

 private:
  cublasLtMatmulDesc_t desc_ = nullptr;
  cublasLtMatrixLayout_t b_layout_ = nullptr, a_layout_ = nullptr, c_layout_ = nullptr;
};

/// The algorithm kept for one problem, and how it was found.
struct ChosenAlgorithm {
  cublasLtMatmulAlgo_t algo;
  std::size_t workspace_bytes = 0;
  int heuristic_rank = 0;  ///< 1: the heuristic's own first choice
  int offered = 0;         ///< candidates the heuristic returned
  int timed = 0;           ///< of those, the ones that ran
};

/// What a call needs, made once per problem: its descriptors (host objects
/// that hold no pointers, so every call of that shape reuses them; creating
/// them per call would add host time to small GEMMs) and its algorithm.
struct CachedProblem {
  std::shared_ptr<const MatmulPlan> plan;
  ChosenAlgorithm chosen;
};

/// Guards chosen_algorithms() and workspace_on(); held while a shape is being
/// chosen, so two threads never time the same shape at once.
std::mutex& cache_mutex() {
  static std::mutex mutex;
  return mutex;
}

/// The plan and algorithm kept for each problem seen so far.
std::map<ProblemKey, CachedProblem>& chosen_algorithms() {
  static std::map<ProblemKey, CachedProblem> chosen;
  return chosen;
}

/// One workspace per device, never freed (the driver reclaims it at exit, when
/// cudaFree could no longer run). Calls on two streams at once would share it;
/// the ladder runs one GEMM at a time.
void* workspace_on(int device) {
  static auto* const workspaces = new std::map<int, DeviceBuffer<char>>;
  auto found = workspaces->find(device);
  if (found == workspaces->end()) found = workspaces->emplace(device, DeviceBuffer<char>(kWorkspaceBytes)).first;
  return found->second.data();
}

/// Times every candidate the heuristic offers on `stream` and keeps the
/// fastest. The candidates write a scratch copy of C when beta != 0, so the
/// caller's C is still C0 when the chosen algorithm runs; with beta == 0 C is
/// write-only and the real call that follows overwrites whatever they left.
ChosenAlgorithm choose_algorithm(const MatmulPlan& plan, const Bf16GemmArgs& args, const ProblemKey& key,
                                 cudaStream_t stream) {
  const std::vector<cublasLtMatmulHeuristicResult_t> candidates = plan.candidates(key.alignment);
  if (candidates.empty())
    throw CudaError("cublasLtMatmulAlgoGetHeuristic offered no algorithm for the bf16 GEMM " + std::to_string(args.m) +
                    "x" + std::to_string(args.n) + "x" + std::to_string(args.k));
  DeviceBuffer<__nv_bfloat16> scratch;
  __nv_bfloat16* c = args.c;
  if (key.reads_c) {
    const std::size_t c_elements = std::size_t(args.m - 1) * args.ldc + args.n;  // up to C's last element, no further
    scratch = DeviceBuffer<__nv_bfloat16>(c_elements);
    LADDER_CUDA_CHECK(
        cudaMemcpyAsync(scratch.data(), args.c, c_elements * sizeof(__nv_bfloat16), cudaMemcpyDeviceToDevice, stream));
    c = scratch.data();
  }
  void* const workspace = workspace_on(key.device);  // the caller holds cache_mutex()
  ChosenAlgorithm best;
  double best_ms = 0;
  const TimingConfig config{kCandidateWarmupRuns, kCandidateTimedRuns, /*flush_l2=*/true};  // as the rungs are timed
  for (std::size_t i = 0; i < candidates.size(); ++i) {
    const cublasLtMatmulHeuristicResult_t& candidate = candidates[i];
    if (candidate.state != CUBLAS_STATUS_SUCCESS) continue;
    if (plan.launch(args, candidate.algo, candidate.workspaceSize, workspace, c, stream) != CUBLAS_STATUS_SUCCESS)
      continue;
    const auto run = [&](cudaStream_t s) {
      LADDER_CUBLAS_CHECK(plan.launch(args, candidate.algo, candidate.workspaceSize, workspace, c, s));
    };
    const double ms = time_on_gpu(run, config, stream).median_ms;
    ++best.timed;
    if (best.heuristic_rank == 0 || ms < best_ms) {
      best.algo = candidate.algo;
      best.workspace_bytes = candidate.workspaceSize;
      best.heuristic_rank = int(i) + 1;
      best_ms = ms;
    }
  }
  best.offered = int(candidates.size());
  if (best.timed == 0)
    throw CudaError("none of the " + std::to_string(candidates.size()) +
                    " algorithms cuBLASLt's heuristic offered launches for the bf16 GEMM " + std::to_string(args.m) +
                    "x" + std::to_string(args.n) + "x" + std::to_string(args.k));
  LADDER_CUDA_CHECK(cudaStreamSynchronize(stream));  // the scratch copy is freed next
  return best;
}

/// A field of an algorithm's configuration (algo id, tile id, ...).
template <typename Value>
Value algo_config(const cublasLtMatmulAlgo_t& algo, cublasLtMatmulAlgoConfigAttributes_t attribute) {
  Value value{};
  std::size_t written = 0;
  LADDER_CUBLAS_CHECK(cublasLtMatmulAlgoConfigGetAttribute(&algo, attribute, &value, sizeof(value), &written));
  return value;
}

/// "128x256x64, 4 stages": the tile's m x n (from the tile id's name) and its
/// k-depth and stage count (from the stages id's name, "64x4"; "64xAUTO" when
/// the count is chosen at run time). Ids missing from the generated tables
/// are shown as numbers.
std::string describe_tile(std::uint32_t tile_id, std::uint32_t stages_id) {
  const auto tile = kCublasLtTileNames.find(int(tile_id));
  const auto stages = kCublasLtStagesNames.find(int(stages_id));
  std::string text = tile != kCublasLtTileNames.end() ? tile->second
                     : tile_id == 0                   ? "not reported"
                                                      : "id " + std::to_string(tile_id);
  if (stages == kCublasLtStagesNames.end())
    return text + (stages_id == 0 ? "" : ", stages id " + std::to_string(stages_id));
  const std::string stage_shape = stages->second;  // "<k-depth>x<count>"
  const std::size_t by = stage_shape.find('x');
  const std::string depth = stage_shape.substr(0, by), count = stage_shape.substr(by + 1);
  if (tile != kCublasLtTileNames.end())
    text += "x" + depth;
  else
    text += ", stage depth " + depth;
  return text + (count == "AUTO" ? ", stages chosen at run time" : ", " + count + " stages");
}

}  // namespace

void cublas_bf16_gemm(const Bf16GemmArgs& args, cudaStream_t stream, BLayout b_layout) {
  if (args.m == 0 || args.n == 0) return;  // C is empty: nothing to write (as cublasGemmEx)
  const ProblemKey key = key_of(args, b_layout);
  CachedProblem problem;
  void* workspace = nullptr;
  {
    std::lock_guard<std::mutex> lock(cache_mutex());
    auto found = chosen_algorithms().find(key);
    if (found == chosen_algorithms().end()) {
      auto plan = std::make_shared<const MatmulPlan>(args, b_layout);
      const ChosenAlgorithm chosen = choose_algorithm(*plan, args, key, stream);
      found = chosen_algorithms().emplace(key, CachedProblem{std::move(plan), chosen}).first;
    }
    problem = found->second;
    workspace = workspace_on(key.device);
  }
  LADDER_CUBLAS_CHECK(
      problem.plan->launch(args, problem.chosen.algo, problem.chosen.workspace_bytes, workspace, args.c, stream));
}

std::string cublas_bf16_algorithm_note(const Bf16GemmArgs& args) {
  const ProblemKey key = key_of(args, BLayout::k_by_n);
  ChosenAlgorithm chosen;
  {
    std::lock_guard<std::mutex> lock(cache_mutex());
    const auto found = chosen_algorithms().find(key);
    if (found == chosen_algorithms().end()) return "";
    chosen = found->second.chosen;
  }
  std::ostringstream note;
  note << "cuBLASLt algo " << algo_config<std::int32_t>(chosen.algo, CUBLASLT_ALGO_CONFIG_ID) << ", tile "
       << describe_tile(algo_config<std::uint32_t>(chosen.algo, CUBLASLT_ALGO_CONFIG_TILE_ID),
                        algo_config<std::uint32_t>(chosen.algo, CUBLASLT_ALGO_CONFIG_STAGES_ID))
       << ", split-k " << algo_config<std::int32_t>(chosen.algo, CUBLASLT_ALGO_CONFIG_SPLITK_NUM) << ", fastest of "
       << chosen.timed << " heuristic candidates";
  if (chosen.timed < chosen.offered) note << " that ran (of " << chosen.offered << " offered)";
  note << " (heuristic rank " << chosen.heuristic_rank << ")";
  return note.str();
}

GemmRung cublas_bf16_rung() {
  GemmRung rung;
  rung.name = "cuBLAS bf16";
  rung.chapter = 0;
  rung.kind = RungKind::Vendor;
  rung.launch = static_cast<Bf16GemmLauncher>(  // B k x n, as every rung takes it
      [](const Bf16GemmArgs& args, cudaStream_t stream) { cublas_bf16_gemm(args, stream); });
  rung.launch_b_n_by_k = [](const Bf16GemmArgs& args, cudaStream_t stream) {
    cublas_bf16_gemm(args, stream, BLayout::n_by_k);
  };
  rung.requirements.alignment_bytes = 2;
  rung.summary =
      "cuBLASLt, bf16 A/B/C, CUBLAS_COMPUTE_32F, the fastest of its heuristic candidates timed once per shape";
  return rung;
}

namespace {
std::vector<double> to_double(const std::vector<float>& values) { return {values.begin(), values.end()}; }
}  // namespace

std::vector<double> cublas_reference_gemm(const HostMatrix& a, const HostMatrix& b, const HostMatrix* c0, float alpha,
                                          float beta) {
  const int m = a.rows, k = a.cols, n = b.cols;
  if (b.rows != k) throw std::invalid_argument("cublas_reference_gemm: A is m x k but B is not k x n");
  if (beta != 0.0f && (c0 == nullptr || c0->rows != m || c0->cols != n))
    throw std::invalid_argument("cublas_reference_gemm: beta != 0 needs C0 of shape m x n");
  DeviceBuffer<double> a_device(to_double(a.values)), b_device(to_double(b.values));
  DeviceBuffer<double> c_device(std::size_t(m) * n);
  if (beta != 0.0f) c_device.upload(to_double(c0->values));
  const double alpha_d = alpha, beta_d = beta;
  cublasHandle_t handle = cublas_handle();
  LADDER_CUBLAS_CHECK(cublasSetStream(handle, nullptr));
  LADDER_CUBLAS_CHECK(cublasDgemm(handle, CUBLAS_OP_N, CUBLAS_OP_N, n, m, k, &alpha_d, b_device.data(), n,
                                  a_device.data(), k, &beta_d, c_device.data(), n));
  return c_device.download();
}

}  // namespace ladder
