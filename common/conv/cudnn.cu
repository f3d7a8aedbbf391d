// cuDNN as the vendor rungs of the convolution ladder (cudnn.cuh says what they compute).
//
// Which cuDNN API, and why. cuDNN 9 has two: the graph API (describe a graph
// of operations, ask heuristics for engine configurations, finalise a plan,
// execute it) and the older descriptor API of cudnn_cnn.h (describe x, w, y and
// the convolution, pick an algorithm, call cudnnConvolutionForward). We use the
// older one: a forward convolution is a dozen calls that map one to one onto
// ConvProblem, and cudnnFindConvolutionForwardAlgorithmEx times every algorithm
// for us. It is still shipped and supported in cuDNN 9.x; NVIDIA calls it
// deprecated, and its header marks it so only when CUDNN_WARN_DEPRECATED is
// defined, which this build does not do.
//
// How the build stays safe from API drift: CMake accepts only cuDNN 9 or newer
// (cmake/LadderCudnn.cmake); this file refuses to compile against anything
// older (the #error below); and every cuDNN call in the project is in this one
// file. If a later major version drops this API, this file is all that
// changes, and until it does, -DLADDER_WITH_CUDNN=OFF builds everything else.
//
// Built without cuDNN (LADDER_HAVE_CUDNN=0) the file compiles to stubs: the
// launchers throw and the registry skips both rungs with the reason.
#include <stdexcept>
#include <string>

#include "common/conv/cudnn.cuh"

#ifndef LADDER_HAVE_CUDNN
#error "LADDER_HAVE_CUDNN must be defined to 1 or 0 (common/CMakeLists.txt does it from cmake/LadderCudnn.cmake)"
#endif

#if LADDER_HAVE_CUDNN

#include <cudnn.h>

#if CUDNN_MAJOR < 9
#error "common/conv/cudnn.cu is written against cuDNN 9's API; cmake/LadderCudnn.cmake should have rejected this cuDNN"
#endif

#include <algorithm>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <sstream>
#include <tuple>
#include <type_traits>
#include <vector>

#include "common/core/cli.hpp"
#include "common/core/cuda_check.cuh"
#include "common/core/device_buffer.cuh"

/// Checks a cuDNN call, e.g. `LADDER_CUDNN_CHECK(cudnnCreate(&handle));`.
#define LADDER_CUDNN_CHECK(call)                                              \
  do {                                                                        \
    const cudnnStatus_t ladder_status_ = (call);                              \
    if (ladder_status_ != CUDNN_STATUS_SUCCESS)                               \
      ::ladder::throw_cudnn_error(ladder_status_, #call, __FILE__, __LINE__); \
  } while (0)

namespace ladder {

namespace {

/// Builds the message and throws CudaError, like the cuBLAS check
/// (common/core/cuda_check.cuh): the call, where, and cuDNN's own words.
[[noreturn]] void throw_cudnn_error(cudnnStatus_t status, const char* call, const char* file, int line) {
  std::ostringstream message;
  message << file << ":" << line << ": " << call << " failed: " << cudnnGetErrorString(status);
  // cuDNN 9 also keeps a sentence about the last failure on this thread
  // (which parameter it rejected, and why); it is empty when there is none.
  char detail[1024] = "";
  cudnnGetLastErrorString(detail, sizeof(detail));
  if (detail[0] != '\0') message << " (" << detail << ")";
  throw CudaError(message.str());
}

/// cuDNN keeps the message of the last failure on this thread until it is
/// read (a successful call leaves it there). After calls that may fail on
/// purpose, it is read and dropped, so a later real failure is not reported
/// with a stale message.
void forget_last_error_message() {
  char stale[1024];
  cudnnGetLastErrorString(stale, sizeof(stale));
}

/// The largest workspace cudnnFind may use while it times the algorithms.
constexpr std::size_t kMaxFindWorkspaceBytes = std::size_t(1) << 30;  // 1 GiB
/// cudaMalloc's alignment: what cudnn_algorithm_note assumes the pointers had.
constexpr int kCudaMallocAlignment = 256;

// ---- Descriptors that destroy themselves ------------------------------------------

/// cuDNN hands out descriptors as pointers to opaque structs; a unique_ptr
/// with the matching destroy function frees each exactly once, also when an
/// exception leaves a half-made plan behind.
template <typename Descriptor, cudnnStatus_t (*destroy)(Descriptor)>
struct DestroyDescriptor {
  void operator()(Descriptor descriptor) const { destroy(descriptor); }  // no check: deleters must not throw
};
template <typename Descriptor, cudnnStatus_t (*destroy)(Descriptor)>
using Owned = std::unique_ptr<std::remove_pointer_t<Descriptor>, DestroyDescriptor<Descriptor, destroy>>;

using TensorDescriptor = Owned<cudnnTensorDescriptor_t, cudnnDestroyTensorDescriptor>;
using FilterDescriptor = Owned<cudnnFilterDescriptor_t, cudnnDestroyFilterDescriptor>;
using ConvolutionDescriptor = Owned<cudnnConvolutionDescriptor_t, cudnnDestroyConvolutionDescriptor>;

/// A dense 4-D activation tensor: (n, c, h, w) in `format`'s memory order.
TensorDescriptor make_tensor(cudnnTensorFormat_t format, cudnnDataType_t type, int n, int c, int h, int w) {
  cudnnTensorDescriptor_t raw = nullptr;
  LADDER_CUDNN_CHECK(cudnnCreateTensorDescriptor(&raw));
  TensorDescriptor tensor(raw);
  LADDER_CUDNN_CHECK(cudnnSetTensor4dDescriptor(raw, format, type, n, c, h, w));
  return tensor;
}

/// A filter bank (k, c, r, s): NCHW format is KCRS in memory, NHWC is KRSC.
FilterDescriptor make_filter(cudnnTensorFormat_t format, cudnnDataType_t type, int k, int c, int r, int s) {
  cudnnFilterDescriptor_t raw = nullptr;
  LADDER_CUDNN_CHECK(cudnnCreateFilterDescriptor(&raw));
  FilterDescriptor filter(raw);
  LADDER_CUDNN_CHECK(cudnnSetFilter4dDescriptor(raw, type, format, k, c, r, s));
  return filter;
}

/// The convolution of problem.hpp: cross-correlation (the filter is not
/// flipped, as in every framework), the same stride and padding on both axes,
/// no dilation, products summed in fp32 whatever the data type.
ConvolutionDescriptor make_convolution(const ConvProblem& problem, cudnnMathType_t math) {
  cudnnConvolutionDescriptor_t raw = nullptr;
  LADDER_CUDNN_CHECK(cudnnCreateConvolutionDescriptor(&raw));
  ConvolutionDescriptor convolution(raw);
  LADDER_CUDNN_CHECK(cudnnSetConvolution2dDescriptor(raw, problem.padding, problem.padding, problem.stride,
                                                     problem.stride, /*dilation_h=*/1, /*dilation_w=*/1,
                                                     CUDNN_CROSS_CORRELATION, CUDNN_DATA_FLOAT));
  LADDER_CUDNN_CHECK(cudnnSetConvolutionMathType(raw, math));
  return convolution;
}

// ---- What each rung asks cuDNN for -----------------------------------------------

struct PrecisionSetup {
  cudnnDataType_t data_type;   ///< of x, w and y
  cudnnTensorFormat_t format;  ///< of x, w and y
  cudnnMathType_t math;        ///< what the convolution descriptor allows
};

PrecisionSetup setup_of(ConvPrecision precision) {
  if (precision == ConvPrecision::Bf16Nhwc) return {CUDNN_DATA_BFLOAT16, CUDNN_TENSOR_NHWC, CUDNN_TENSOR_OP_MATH};
  // fp32: CUDNN_FMA_MATH, not CUDNN_DEFAULT_MATH. cuDNN's documentation of
  // cudnnMathType_t says that on Ampere and later DEFAULT_MATH permits TF32
  // tensor cores for fp32 convolutions (unless NVIDIA_TF32_OVERRIDE=0), while
  // FMA_MATH restricts cuDNN to kernels that use FMA instructions. TF32 keeps
  // 10 of fp32's 23 fraction bits: a TF32 baseline would be faster and less
  // exact than the fp32 rungs it is compared with. (The GEMM baseline makes
  // the same choice with CUBLAS_COMPUTE_32F.)
  return {CUDNN_DATA_FLOAT, CUDNN_TENSOR_NCHW, CUDNN_FMA_MATH};
}

// ---- One plan per problem ----------------------------------------------------------

/// Everything a problem needs at every call, made on its first call: the
/// descriptors (host objects holding no pointers, reused by every call of that
/// shape), the fastest algorithm cudnnFind timed (of those make_plan accepts), and that algorithm's
/// workspace, allocated once so that timed calls allocate nothing.
struct ConvPlan {
  TensorDescriptor x, y;
  FilterDescriptor w;
  ConvolutionDescriptor convolution;  ///< its math type is the chosen result's
  cudnnConvolutionFwdAlgo_t algorithm = CUDNN_CONVOLUTION_FWD_ALGO_IMPLICIT_GEMM;
  cudnnMathType_t math = CUDNN_DEFAULT_MATH;
  DeviceBuffer<unsigned char> workspace;
  float find_ms = 0;                  ///< the chosen algorithm's time in cudnnFind
  int algorithms_found = 0;           ///< results that ran and were eligible
  int tf32_results_skipped = 0;       ///< fp32 results cuDNN ran with a math type that allows TF32
  int transform_results_skipped = 0;  ///< FFT and Winograd results: not a direct sum of products
};

/// Everything the best algorithm can depend on: the problem, the precision,
/// the device, and how aligned the pointers are (some kernels need 16-byte
/// aligned tensors; one chosen for cudaMalloc's 256 bytes may not run on others).
struct PlanKey {
  int device;
  ConvPrecision precision;
  ConvProblem problem;
  int alignment;

  auto fields() const {
    const ConvProblem& p = problem;
    return std::make_tuple(device, int(precision), alignment, p.n, p.c, p.h, p.w, p.k, p.r, p.s, p.stride, p.padding);
  }
  bool operator<(const PlanKey& other) const { return fields() < other.fields(); }
};

/// The largest power of two, up to 256, dividing all three addresses.
int pointer_alignment(const void* x, const void* w, const void* y) {
  const std::uintptr_t bits = std::uintptr_t(kCudaMallocAlignment) | reinterpret_cast<std::uintptr_t>(x) |
                              reinterpret_cast<std::uintptr_t>(w) | reinterpret_cast<std::uintptr_t>(y);
  return int(bits & (~bits + 1));  // the lowest set bit
}

int current_device() {
  int device = 0;
  LADDER_CUDA_CHECK(cudaGetDevice(&device));
  return device;
}

/// Guards the handles and the plans. Held for a whole launch: the handle is
/// shared, and one thread's cudnnSetStream must not slip between another's
/// cudnnSetStream and cudnnConvolutionForward. Held during cudnnFind too, so
/// two threads never time the same problem at once.
std::mutex& state_mutex() {
  static std::mutex mutex;
  return mutex;
}

/// The cuDNN handle of `device`, created on first use. Never destroyed, as
/// cublas_handle(): destroying it from a static destructor after the CUDA
/// runtime has shut down is an error, and the process is ending anyway. (A
/// handle belongs to the device current when it is created, hence one per device.)
cudnnHandle_t handle_on(int device) {
  static auto* const handles = new std::map<int, cudnnHandle_t>;
  auto found = handles->find(device);
  if (found == handles->end()) {
    cudnnHandle_t created = nullptr;
    LADDER_CUDNN_CHECK(cudnnCreate(&created));
    found = handles->emplace(device, created).first;
  }
  return found->second;
}

/// The plans made so far. Never freed, for the same reason: their workspaces
/// would be cudaFree'd after the runtime is gone; the driver reclaims them at exit.
std::map<PlanKey, ConvPlan>& plans() {
  static auto* const made = new std::map<PlanKey, ConvPlan>;
  return *made;
}

/// cuDNN's output extent must be problem.hpp's, or the two disagree on what
/// the convolution is (padding or stride read differently): stop here rather
/// than compare against a reference of another shape.
void check_output_extent(const ConvPlan& plan, const ConvProblem& problem) {
  int n = 0, k = 0, p = 0, q = 0;
  LADDER_CUDNN_CHECK(
      cudnnGetConvolution2dForwardOutputDim(plan.convolution.get(), plan.x.get(), plan.w.get(), &n, &k, &p, &q));
  if (n != problem.n || k != problem.k || p != problem.p() || q != problem.q())
    throw std::logic_error("cuDNN's output of " + describe(problem) + " is " + std::to_string(n) + "x" +
                           std::to_string(k) + "x" + std::to_string(p) + "x" + std::to_string(q) +
                           ", not the N x K x P x Q of problem.hpp");
}

/// The workspace cudnnFind gets: as much as the hungriest algorithm asks for,
/// so none is passed over for lack of it, but at most 1 GiB and half the free
/// device memory (FFT algorithms can ask for gigabytes on a large layer).
/// Find does not run an algorithm that needs more than it is given: that
/// result comes back without CUDNN_STATUS_SUCCESS and is not chosen.
std::size_t find_workspace_bytes(cudnnHandle_t handle, const ConvPlan& plan) {
  std::size_t largest = 0;
  for (int algorithm = 0; algorithm < CUDNN_CONVOLUTION_FWD_ALGO_COUNT; ++algorithm) {
    std::size_t bytes = 0;
    // Not checked: an algorithm that cannot run this problem says so here, and is simply not counted.
    if (cudnnGetConvolutionForwardWorkspaceSize(handle, plan.x.get(), plan.w.get(), plan.convolution.get(),
                                                plan.y.get(), cudnnConvolutionFwdAlgo_t(algorithm),
                                                &bytes) == CUDNN_STATUS_SUCCESS)
      largest = std::max(largest, bytes);
  }
  forget_last_error_message();  // the refusals'
  std::size_t free_bytes = 0, total_bytes = 0;
  LADDER_CUDA_CHECK(cudaMemGetInfo(&free_bytes, &total_bytes));
  return std::min({largest, kMaxFindWorkspaceBytes, free_bytes / 2});
}

/// FFT and Winograd: algorithms that do not sum the products directly.
bool is_transform_algorithm(cudnnConvolutionFwdAlgo_t algorithm) {
  return algorithm == CUDNN_CONVOLUTION_FWD_ALGO_FFT || algorithm == CUDNN_CONVOLUTION_FWD_ALGO_FFT_TILING ||
         algorithm == CUDNN_CONVOLUTION_FWD_ALGO_WINOGRAD || algorithm == CUDNN_CONVOLUTION_FWD_ALGO_WINOGRAD_NONFUSED;
}

/// Makes the plan of `key`: descriptors, then cudnnFind on the caller's x and
/// w, writing a scratch y so the caller's y is left as it was.
ConvPlan make_plan(const PlanKey& key, const void* x, const void* w, cudnnHandle_t handle, cudaStream_t stream) {
  const ConvProblem& p = key.problem;
  const PrecisionSetup setup = setup_of(key.precision);
  ConvPlan plan;
  plan.x = make_tensor(setup.format, setup.data_type, p.n, p.c, p.h, p.w);      // (N, C, H, W)
  plan.w = make_filter(setup.format, setup.data_type, p.k, p.c, p.r, p.s);      // (K, C, R, S)
  plan.y = make_tensor(setup.format, setup.data_type, p.n, p.k, p.p(), p.q());  // (N, K, P, Q)
  plan.convolution = make_convolution(p, setup.math);
  check_output_extent(plan, p);

  // On the caller's stream, so Find sees x and w once the work that writes them is done.
  LADDER_CUDNN_CHECK(cudnnSetStream(handle, stream));
  DeviceBuffer<unsigned char> find_workspace(find_workspace_bytes(handle, plan));
  DeviceBuffer<unsigned char> scratch_y(p.output_elements() * std::size_t(element_bytes(key.precision)));
  // Find may time each algorithm under two math types (the descriptor's and
  // CUDNN_DEFAULT_MATH), so ask cuDNN how many results there can be.
  int max_results = 0;
  LADDER_CUDNN_CHECK(cudnnGetConvolutionForwardAlgorithmMaxCount(handle, &max_results));
  std::vector<cudnnConvolutionFwdAlgoPerf_t> results(std::max(max_results, 1));
  int returned = 0;
  LADDER_CUDNN_CHECK(cudnnFindConvolutionForwardAlgorithmEx(
      handle, plan.x.get(), x, plan.w.get(), w, plan.convolution.get(), plan.y.get(), scratch_y.data(),
      int(results.size()), &returned, results.data(), find_workspace.data(), find_workspace.bytes()));
  results.resize(returned);
  forget_last_error_message();  // of the algorithms that could not run

  // The fastest result that ran. Not filtered on determinism: the baseline is
  // cuDNN at its fastest, as a framework's benchmark mode would pick it. Each
  // result names the math type it ran with; for fp32 only CUDNN_FMA_MATH is
  // true fp32 (see setup_of), so results under another math type are passed over.
  // So are the FFT and Winograd algorithms: they multiply in a transformed domain,
  // and on the H200 FFT_TILING missed the fp32 tolerance that every rung, a direct
  // sum of products, is held to (rel 3.9e-4 for 5x5 filters over 6 channels).
  const cudnnConvolutionFwdAlgoPerf_t* best = nullptr;
  for (const cudnnConvolutionFwdAlgoPerf_t& result : results) {
    if (result.status != CUDNN_STATUS_SUCCESS) continue;
    if (is_transform_algorithm(result.algo)) {
      ++plan.transform_results_skipped;
      continue;
    }
    if (key.precision == ConvPrecision::Fp32Nchw && result.mathType != CUDNN_FMA_MATH) {
      ++plan.tf32_results_skipped;
      continue;
    }
    ++plan.algorithms_found;
    if (best == nullptr || result.time < best->time) best = &result;
  }
  if (best == nullptr)
    throw CudaError("cudnnFindConvolutionForwardAlgorithmEx found no algorithm that runs " + describe(p) + " in " +
                    to_string(key.precision) + " (" + std::to_string(returned) + " results, " +
                    std::to_string(plan.tf32_results_skipped) + " of them ran with TF32 allowed, " +
                    std::to_string(plan.transform_results_skipped) + " FFT or Winograd; " +
                    format_bytes(double(find_workspace.bytes())) + " of workspace)");

  // The algorithm number alone does not say whether tensor cores are used;
  // the descriptor's math type does, so it becomes the chosen result's.
  plan.algorithm = best->algo;
  plan.math = best->mathType;
  plan.find_ms = best->time;
  LADDER_CUDNN_CHECK(cudnnSetConvolutionMathType(plan.convolution.get(), plan.math));
  // The size asked for with the final math type, in case it differs from what Find reported.
  std::size_t asked_bytes = 0;
  LADDER_CUDNN_CHECK(cudnnGetConvolutionForwardWorkspaceSize(handle, plan.x.get(), plan.w.get(), plan.convolution.get(),
                                                             plan.y.get(), plan.algorithm, &asked_bytes));
  plan.workspace = DeviceBuffer<unsigned char>(std::max(best->memory, asked_bytes));
  LADDER_CUDA_CHECK(cudaStreamSynchronize(stream));  // Find's buffers are freed next
  return plan;
}

/// Both rungs: the plan of this problem (made on the first call), then one
/// cudnnConvolutionForward with its algorithm and workspace.
template <typename Element>
void run_cudnn(const ConvArgsOf<Element>& args, ConvPrecision precision, cudaStream_t stream) {
  const PlanKey key{current_device(), precision, args.problem, pointer_alignment(args.x, args.w, args.y)};
  std::lock_guard<std::mutex> lock(state_mutex());
  const cudnnHandle_t handle = handle_on(key.device);
  auto found = plans().find(key);
  if (found == plans().end()) found = plans().emplace(key, make_plan(key, args.x, args.w, handle, stream)).first;
  ConvPlan& plan = found->second;  // not const: cuDNN takes the workspace as void*
  // y = 1·conv(x, w) + 0·y. With beta = 0 cuDNN does not read y, so whatever
  // it held (the tests' NaN poison included) cannot leak into the result.
  const float alpha = 1.0f, beta = 0.0f;  // float for float and bf16 data alike
  LADDER_CUDNN_CHECK(cudnnSetStream(handle, stream));
  LADDER_CUDNN_CHECK(cudnnConvolutionForward(handle, &alpha, plan.x.get(), args.x, plan.w.get(), args.w,
                                             plan.convolution.get(), plan.algorithm, plan.workspace.data(),
                                             plan.workspace.bytes(), &beta, plan.y.get(), args.y));
}

/// The short name of an algorithm: its enum name without CUDNN_CONVOLUTION_FWD_ALGO_.
const char* algorithm_name(cudnnConvolutionFwdAlgo_t algorithm) {
  switch (algorithm) {
    case CUDNN_CONVOLUTION_FWD_ALGO_IMPLICIT_GEMM:
      return "IMPLICIT_GEMM";
    case CUDNN_CONVOLUTION_FWD_ALGO_IMPLICIT_PRECOMP_GEMM:
      return "IMPLICIT_PRECOMP_GEMM";
    case CUDNN_CONVOLUTION_FWD_ALGO_GEMM:
      return "GEMM";
    case CUDNN_CONVOLUTION_FWD_ALGO_DIRECT:
      return "DIRECT";
    case CUDNN_CONVOLUTION_FWD_ALGO_FFT:
      return "FFT";
    case CUDNN_CONVOLUTION_FWD_ALGO_FFT_TILING:
      return "FFT_TILING";
    case CUDNN_CONVOLUTION_FWD_ALGO_WINOGRAD:
      return "WINOGRAD";
    case CUDNN_CONVOLUTION_FWD_ALGO_WINOGRAD_NONFUSED:
      return "WINOGRAD_NONFUSED";
    case CUDNN_CONVOLUTION_FWD_ALGO_COUNT:
      break;
  }
  return "unknown algorithm";
}

/// How the chosen result computes: tensor cores or not.
const char* math_name(cudnnMathType_t math) {
  switch (math) {
    case CUDNN_DEFAULT_MATH:
      return "default math";
    case CUDNN_TENSOR_OP_MATH:
      return "tensor-op math";
    case CUDNN_TENSOR_OP_MATH_ALLOW_CONVERSION:
      return "tensor-op math with conversion";
    case CUDNN_FMA_MATH:
      return "FMA math";
  }
  return "unknown math";
}

}  // namespace

void cudnn_conv(const ConvArgs& args, cudaStream_t stream) { run_cudnn(args, ConvPrecision::Fp32Nchw, stream); }

void cudnn_bf16_conv(const Bf16ConvArgs& args, cudaStream_t stream) {
  run_cudnn(args, ConvPrecision::Bf16Nhwc, stream);
}

namespace {

/// `describe` of the plan cudnn_conv made for `problem` in `precision` on the current device,
/// under the plans' lock; "" when it has not run that problem.
template <typename Describe>
std::string describe_plan(const ConvProblem& problem, ConvPrecision precision, Describe describe) {
  std::lock_guard<std::mutex> lock(state_mutex());
  if (plans().empty()) return "";  // nothing has run: not even a device to ask for (there may be none)
  const auto found = plans().find(PlanKey{current_device(), precision, problem, kCudaMallocAlignment});
  return found == plans().end() ? "" : describe(found->second);
}

}  // namespace

std::string cudnn_algorithm_name(const ConvProblem& problem, ConvPrecision precision) {
  return describe_plan(problem, precision,
                       [](const ConvPlan& plan) { return std::string(algorithm_name(plan.algorithm)); });
}

std::string cudnn_algorithm_note(const ConvProblem& problem, ConvPrecision precision) {
  return describe_plan(problem, precision, [](const ConvPlan& plan) {
    std::ostringstream note;
    note.setf(std::ios::fixed);
    note.precision(3);
    note << algorithm_name(plan.algorithm) << " (" << math_name(plan.math) << "), workspace "
         << format_bytes(double(plan.workspace.bytes())) << ", " << plan.find_ms << " ms in cudnnFind, fastest of "
         << plan.algorithms_found << " algorithms cuDNN found";
    if (plan.tf32_results_skipped > 0) note << " (" << plan.tf32_results_skipped << " more allowed TF32: passed over)";
    if (plan.transform_results_skipped > 0)
      note << " (" << plan.transform_results_skipped << " more were FFT or Winograd: passed over)";
    return note.str();
  });
}

std::string cudnn_version() {
  // cuDNN 9 numbers itself major·10000 + minor·100 + patch.
  const std::size_t version = cudnnGetVersion();
  return std::to_string(version / 10000) + "." + std::to_string(version / 100 % 100) + "." +
         std::to_string(version % 100);
}

bool cudnn_available() { return true; }

}  // namespace ladder

#else  // LADDER_HAVE_CUDNN == 0: stubs, so that everything else builds and runs without cuDNN.

namespace ladder {

namespace {
[[noreturn]] void throw_without_cudnn() {
  throw std::runtime_error(
      "built without cuDNN: CMake found no cuDNN 9 when this build was configured (see LADDER_WITH_CUDNN in "
      "cmake/LadderCudnn.cmake), so the cuDNN rungs cannot run");
}
}  // namespace

void cudnn_conv(const ConvArgs&, cudaStream_t) { throw_without_cudnn(); }

void cudnn_bf16_conv(const Bf16ConvArgs&, cudaStream_t) { throw_without_cudnn(); }

std::string cudnn_algorithm_name(const ConvProblem&, ConvPrecision) { return ""; }

std::string cudnn_algorithm_note(const ConvProblem&, ConvPrecision) { return ""; }

std::string cudnn_version() { return ""; }

bool cudnn_available() { return false; }

}  // namespace ladder

#endif  // LADDER_HAVE_CUDNN

namespace ladder {

ConvRung cudnn_rung() {
  ConvRung rung;
  rung.name = "cuDNN";
  rung.chapter = 0;
  rung.kind = RungKind::Vendor;
  rung.launch = cudnn_conv;
  rung.requirements.needs_cudnn = true;
  rung.summary =
      "cudnnConvolutionForward, fp32 NCHW, CUDNN_FMA_MATH (no TF32), the fastest direct-sum algorithm cudnnFind timed "
      "(FFT and Winograd passed over)";
  return rung;
}

ConvRung cudnn_bf16_rung() {
  ConvRung rung;
  rung.name = "cuDNN bf16";
  rung.chapter = 0;
  rung.kind = RungKind::Vendor;
  rung.launch = cudnn_bf16_conv;
  rung.requirements.needs_cudnn = true;
  rung.requirements.min_compute_capability = 80;  // cuDNN's bf16 convolutions start with Ampere
  rung.summary =
      "cudnnConvolutionForward, bf16 NHWC, fp32 accumulation, tensor cores, the fastest direct-sum algorithm "
      "cudnnFind timed (FFT and Winograd passed over)";
  return rung;
}

}  // namespace ladder
