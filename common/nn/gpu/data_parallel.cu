#include "common/nn/gpu/data_parallel.cuh"

#include <stdexcept>

#include "common/core/cuda_check.cuh"

#if LADDER_HAVE_NCCL
#include <nccl.h>
#endif

namespace ladder::nn::gpu {
namespace {

#if LADDER_HAVE_NCCL
/// Throws std::runtime_error naming the call and NCCL's reason.
void check_nccl(ncclResult_t result, const char* call) {
  if (result != ncclSuccess) throw std::runtime_error(std::string(call) + ": " + ncclGetErrorString(result));
}
#define LADDER_NCCL_CHECK(call) check_nccl((call), #call)
#endif

}  // namespace

std::optional<std::string> data_parallel_unavailable_reason(int replicas) {
  if (replicas < 1) return "--gpus must be at least 1";
#if !LADDER_HAVE_NCCL
  return std::string("this build has no NCCL (CMake found none in the CUDA toolkit, the system or the ") +
         "nvidia-nccl-cu13 wheel): it cannot train on --gpus " + std::to_string(replicas);
#else
  int devices = 0;
  if (cudaGetDeviceCount(&devices) != cudaSuccess) devices = 0;
  if (devices < replicas) {
    return "--gpus " + std::to_string(replicas) + ": this machine has " + std::to_string(devices) + " GPU" +
           (devices == 1 ? "" : "s");
  }
  return std::nullopt;
#endif
}

#if LADDER_HAVE_NCCL
struct NcclClique::Id {
  ncclUniqueId id;
};
struct GradientAllReduce::Comm {
  ncclComm_t comm = nullptr;
};
#else
struct NcclClique::Id {};
struct GradientAllReduce::Comm {};
#endif

NcclClique::NcclClique(int replicas) : replicas_(replicas), id_(std::make_unique<Id>()) {
  if (const auto reason = data_parallel_unavailable_reason(replicas)) throw std::runtime_error(*reason);
#if LADDER_HAVE_NCCL
  LADDER_NCCL_CHECK(ncclGetUniqueId(&id_->id));
#endif
}

NcclClique::~NcclClique() = default;

GradientAllReduce::GradientAllReduce(const NcclClique& clique, int rank) : comm_(std::make_unique<Comm>()) {
  if (rank < 0 || rank >= clique.replicas()) throw std::invalid_argument("GradientAllReduce: rank out of range");
#if LADDER_HAVE_NCCL
  LADDER_NCCL_CHECK(ncclCommInitRank(&comm_->comm, clique.replicas(), clique.id_->id, rank));
#else
  throw std::runtime_error(*data_parallel_unavailable_reason(clique.replicas()));
#endif
}

GradientAllReduce::~GradientAllReduce() {
#if LADDER_HAVE_NCCL
  if (comm_ && comm_->comm != nullptr) ncclCommDestroy(comm_->comm);  // no check: destructors must not throw
#endif
}

void GradientAllReduce::sum(const std::vector<DeviceParameter>& parameters, cudaStream_t stream) {
#if LADDER_HAVE_NCCL
  LADDER_NCCL_CHECK(ncclGroupStart());
  try {
    for (const DeviceParameter& p : parameters)
      LADDER_NCCL_CHECK(ncclAllReduce(p.grad, p.grad, p.count, ncclFloat, ncclSum, comm_->comm, stream));
  } catch (...) {
    ncclGroupEnd();  // a group left open would swallow the next NCCL call; the first error is the one to report
    throw;
  }
  LADDER_NCCL_CHECK(ncclGroupEnd());
#else
  (void)parameters;
  (void)stream;
  throw std::logic_error("GradientAllReduce::sum: built without NCCL");
#endif
}

}  // namespace ladder::nn::gpu
