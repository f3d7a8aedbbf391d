/// \file chapters/13_implicit_gemm_conv/test_implicit_gemm_conv.cu
/// \brief Chapter 13 on the GPU: the shared conv rung tests for 13a-13i (bf16 NHWC against
/// the reference; 13e also on the problems whose C is not a multiple of 8), and every shape of
/// 13f's, 13h's and 13i's families at every split count, and 13h and 13i giving the same bits;
/// and, on any machine, what the rungs declare: their precision, sm_80 (13g-13i: 9.0 only), C
/// a multiple of 8 with the reason for other C (all but 13e), 13i's filters up to 8x8, the
/// workspaces of 13e, 13f, 13h and 13i, the instruction whose peak the table divides by, and
/// the order of the ladder.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

#include "chapters/13_implicit_gemm_conv/implicit_gemm_conv.cuh"
#include "chapters/13_implicit_gemm_conv/implicit_gemm_tuning.hpp"
#include "common/conv/device_conv.cuh"
#include "common/conv/testing/conv_rung_test.cuh"
#include "common/core/build_targets.hpp"
#include "common/core/device_info.cuh"

LADDER_CONV_RUNG_TESTS(Chapter13, 13, ladder::RungKind::Chapter);
// Skipped unless LADDER_TEST_EXERCISES=1: the starter is unfinished on purpose.
LADDER_CONV_RUNG_TESTS(Chapter13Exercises, 13, ladder::RungKind::Exercise);

namespace {

using ladder::ConvProblem;

constexpr const char* kRung = "13a implicit GEMM, mma.sync";

TEST(Chapter13Requirements, TheRungIsBf16NhwcOnSm80WithoutWorkspace) {
  const auto rung = ladder::find_conv(kRung);
  ASSERT_TRUE(rung.has_value());
  EXPECT_EQ(rung->chapter, 13);
  EXPECT_EQ(rung->kind, ladder::RungKind::Chapter);
  EXPECT_EQ(rung->precision(), ladder::ConvPrecision::Bf16Nhwc);
  EXPECT_EQ(rung->requirements.min_compute_capability, 80);
  EXPECT_EQ(rung->requirements.c_multiple, ladder::implicit_gemm::kChunkElements);
  const ConvProblem resnet{32, 128, 28, 28, 128, 3, 3, 1, 1};
  EXPECT_EQ(ladder::workspace_bytes(*rung, resnet), 0u) << "the lowered matrix is never built";
  if (*ladder::kMissingSm80 != '\0') {  // a build for targets older than sm_80 only: traps, so skipped
    EXPECT_EQ(ladder::unsupported_reason(*rung, resnet, 90).value_or(""), ladder::kMissingSm80);
    return;
  }
  EXPECT_FALSE(ladder::unsupported_reason(*rung, resnet, 80).has_value());
  EXPECT_FALSE(ladder::unsupported_reason(*rung, resnet, 90).has_value());
  const auto old_gpu = ladder::unsupported_reason(*rung, resnet, 75);
  ASSERT_TRUE(old_gpu.has_value()) << "bf16 mma.sync and cp.async need sm_80";
  EXPECT_NE(old_gpu->find("8.0"), std::string::npos) << *old_gpu;
}

// The bf16 table shows each rung as a % of its instruction's peak: 13a-13f issue mma.sync,
// whose micro-benchmark chapter 08 registers, 13g-13i wgmma, whose micro-benchmark
// chapter 09 registers (the chapter programs link every chapter's rungs up to theirs; this
// test links chapter 13's alone).
TEST(Chapter13Requirements, EveryRungNamesItsTensorCoreInstruction) {
  int rungs = 0;
  for (const ladder::ConvRung& rung : ladder::conv_registry()) {
    if (rung.chapter != 13 || rung.kind != ladder::RungKind::Chapter) continue;
    bool hopper = false;
    for (const char* wgmma_rung : {"13g ", "13h ", "13i "}) hopper = hopper || rung.name.rfind(wgmma_rung, 0) == 0;
    EXPECT_EQ(rung.instruction, hopper ? "wgmma m64n128k16 bf16" : ladder::mma_sync::kInstruction) << rung.name;
    ++rungs;
  }
  EXPECT_EQ(rungs, 14) << "13a, 13b, six 13c shapes, 13d, 13e, 13f, 13g, 13h, 13i";
  for (const ladder::ConvRung& rung : ladder::conv_registry())
    if (rung.precision() == ladder::ConvPrecision::Fp32Nchw)
      EXPECT_TRUE(rung.instruction.empty()) << rung.name << ": CUDA-core rungs have no tensor-core peak";
}

// wgmma exists only in sm_90a, whose code runs on compute capability 9.0 alone.
TEST(Chapter13Requirements, TheWgmmaRungsRunOnComputeCapability90Only) {
  const ConvProblem resnet{32, 128, 28, 28, 128, 3, 3, 1, 1};
  for (const char* name :
       {"13g implicit GEMM, wgmma", "13h wgmma tuned per layer, split-K", "13i masked gather, wgmma tuned"}) {
    const auto rung = ladder::find_conv(name);
    ASSERT_TRUE(rung.has_value()) << name;
    EXPECT_EQ(rung->requirements.c_multiple, ladder::implicit_gemm::kChunkElements) << name;
    if (!rung->requirements.missing_from_build.empty()) {  // a build without sm_90a: traps, so skipped everywhere
      EXPECT_NE(rung->requirements.missing_from_build.find("sm_90a"), std::string::npos);
      EXPECT_EQ(ladder::unsupported_reason(*rung, resnet, 90).value_or(""), rung->requirements.missing_from_build);
      continue;
    }
    EXPECT_FALSE(ladder::unsupported_reason(*rung, resnet, 90).has_value()) << name;
    EXPECT_NE(ladder::unsupported_reason(*rung, resnet, 80).value_or("").find("needs compute capability 9.0"),
              std::string::npos)
        << name;
    EXPECT_NE(ladder::unsupported_reason(*rung, resnet, 100).value_or("").find("9.0 only"), std::string::npos) << name;
  }
  for (const char* name : {"13h wgmma tuned per layer, split-K", "13i masked gather, wgmma tuned"}) {
    const auto tuned = ladder::find_conv(name);
    ASSERT_TRUE(tuned.has_value());
    const ConvProblem late{32, 512, 7, 7, 512, 3, 3, 1, 1};
    EXPECT_EQ(ladder::workspace_bytes(*tuned, late), std::size_t(4) * 1568 * 512 * 4) << "13f's split-K workspace";
    EXPECT_TRUE(tuned->choice != nullptr) << name << " names its tile and split count";
  }
}

// 13i keeps one bit per filter tap in 64 bits: filters up to 8x8, larger ones skipped with the reason.
TEST(Chapter13Requirements, TheMaskedGatherTakesFiltersUpTo8x8) {
  const auto rung = ladder::find_conv("13i masked gather, wgmma tuned");
  ASSERT_TRUE(rung.has_value());
  EXPECT_EQ(rung->requirements.max_filter_extent, 8);
  const ConvProblem nine{1, 16, 20, 20, 8, 9, 9, 1, 4}, wide{1, 16, 20, 20, 8, 3, 9, 1, 4},
      eight{1, 16, 20, 20, 8, 8, 8, 1, 3};
  using ladder::implicit_gemm::masked_gather_unsupported_reason;
  EXPECT_NE(masked_gather_unsupported_reason(nine).value_or("").find("up to 8x8 (got 9x9)"), std::string::npos);
  EXPECT_TRUE(masked_gather_unsupported_reason(wide).has_value()) << "S = 9 alone is too many columns of taps";
  EXPECT_FALSE(masked_gather_unsupported_reason(eight).has_value());
  EXPECT_TRUE(masked_gather_unsupported_reason({1, 12, 20, 20, 8, 3, 3, 1, 1}).has_value()) << "C % 8, as 13b";
  if (!rung->requirements.missing_from_build.empty()) return;
  EXPECT_NE(ladder::unsupported_reason(*rung, nine, 90).value_or("").find("9x9"), std::string::npos);
  EXPECT_FALSE(ladder::unsupported_reason(*rung, eight, 90).has_value());
}

TEST(Chapter13Requirements, ChannelsNotAMultipleOf8AreRejectedWithTheReason) {
  const auto rung = ladder::find_conv(kRung);
  ASSERT_TRUE(rung.has_value());
  const ConvProblem rgb{1, 3, 17, 13, 5, 3, 3, 1, 0};  // an RGB input: C = 3
  const auto reason = ladder::unsupported_reason(*rung, rgb, 90);
  ASSERT_TRUE(reason.has_value());
  EXPECT_NE(reason->find("multiple of 8"), std::string::npos) << *reason;
  // The map's own reason, which the launcher throws with, says why and what to do.
  const auto map_reason = ladder::implicit_gemm::implicit_gemm_unsupported_reason(rgb);
  ASSERT_TRUE(map_reason.has_value());
  EXPECT_NE(map_reason->find("C = 3"), std::string::npos) << *map_reason;
  EXPECT_NE(map_reason->find("pad"), std::string::npos) << *map_reason;
  for (int c : {8, 16, 24, 64}) {
    const ConvProblem ok{1, c, 9, 9, 5, 3, 3, 1, 1};
    EXPECT_FALSE(ladder::unsupported_reason(*rung, ok, 80).has_value()) << "C = " << c;
    EXPECT_FALSE(ladder::implicit_gemm::implicit_gemm_unsupported_reason(ok).has_value()) << "C = " << c;
  }
}

TEST(Chapter13Requirements, TheRaggedProblemsTheRungRunsIncludeOddKStride2And1x1) {
  // The GPU cases above skip C % 8 != 0; enough remain to cover the epilogue's odd-K path
  // (single stores), stride 2 and a 1x1 filter.
  const auto rung = ladder::find_conv(kRung);
  ASSERT_TRUE(rung.has_value());
  bool odd_k = false, stride_2 = false, one_by_one = false;
  for (const ConvProblem& p : ladder::testing::ragged_conv_problems()) {
    if (ladder::unsupported_reason(*rung, p, 90)) continue;
    odd_k = odd_k || p.k % 2 == 1;
    stride_2 = stride_2 || p.stride == 2;
    one_by_one = one_by_one || (p.r == 1 && p.s == 1);
  }
  EXPECT_TRUE(odd_k);
  EXPECT_TRUE(stride_2);
  EXPECT_TRUE(one_by_one);
}

TEST(Chapter13Requirements, TheLadderRunsInItsLabelsOrder) {
  std::vector<std::string> chapter13;
  for (const ladder::ConvRung& rung : ladder::conv_registry())
    if (rung.chapter == 13 && rung.kind == ladder::RungKind::Chapter) chapter13.push_back(rung.name);
  ASSERT_EQ(chapter13.size(), 14u) << "13a, 13b, six 13c shapes, 13d, 13e, 13f, 13g, 13h, 13i";
  EXPECT_EQ(chapter13.front(), kRung);
  EXPECT_EQ(chapter13[1], "13b hoisted gather");
  EXPECT_EQ(chapter13[2].substr(0, 4), "13c ");
  EXPECT_EQ(chapter13[7], "13c 64x64x64 s3");
  EXPECT_EQ(chapter13[8], "13d tile tuned per layer") << "registered from another file than 13a, yet after 13c";
  EXPECT_EQ(chapter13[9], "13e any C: channels padded to 8");
  EXPECT_EQ(chapter13[10], "13f split-K");
  EXPECT_EQ(chapter13[11], "13g implicit GEMM, wgmma") << "from a third file, built for sm_90a";
  EXPECT_EQ(chapter13[12], "13h wgmma tuned per layer, split-K");
  EXPECT_EQ(chapter13.back(), "13i masked gather, wgmma tuned");
}

TEST(Chapter13Requirements, PaddedChannelsTakeAnyCWithAWorkspaceOnlyWhenNeeded) {
  const auto rung = ladder::find_conv("13e any C: channels padded to 8");
  ASSERT_TRUE(rung.has_value());
  const ConvProblem lenet{64, 1, 28, 28, 6, 5, 5, 1, 2};
  EXPECT_FALSE(ladder::unsupported_reason(*rung, lenet, 80).has_value());
  // x: 64 images of 28 x 28 pixels x 8 channels; w: 6 filters of 5 x 5 taps x 8 channels (bf16).
  const std::size_t x_bytes = 64 * 28 * 28 * 8 * 2, w_bytes = 6 * 5 * 5 * 8 * 2;
  EXPECT_EQ(ladder::workspace_bytes(*rung, lenet), (x_bytes + 255) / 256 * 256 + w_bytes);
  const ConvProblem resnet{32, 128, 28, 28, 128, 3, 3, 1, 1};
  EXPECT_EQ(ladder::workspace_bytes(*rung, resnet), 0u) << "C = 128 runs as 13d, on x and w directly";
  ASSERT_TRUE(rung->choice != nullptr) << "13e names the tile 13d chose";
}

TEST(Chapter13Requirements, SplitKAsksForItsPartialSumsWithinTheBudget) {
  const auto rung = ladder::find_conv("13f split-K");
  ASSERT_TRUE(rung.has_value());
  const ConvProblem late{32, 512, 7, 7, 512, 3, 3, 1, 1};  // M = 1568, N = 512: 3.2 MB of fp32 per copy
  EXPECT_EQ(ladder::workspace_bytes(*rung, late), std::size_t(4) * 1568 * 512 * 4);
  const ConvProblem early{32, 64, 56, 56, 64, 3, 3, 1, 1};  // M = 100352, N = 64: 25.7 MB per copy
  EXPECT_EQ(ladder::workspace_bytes(*rung, early), 0u) << "one copy fits 32 MiB, two do not: no split";
  ASSERT_TRUE(rung->choice != nullptr) << "13f names its tile and split count";
}

// 13f, 13h and 13i keep whichever split count timed fastest, 1 included, so their rung tests need
// not run a split. Here every shape of their family runs at every split count from 2 to its
// limit on each ragged problem the rung takes: the partial sums of each split and their
// reduction, against the reference.
struct SplitCase {
  ConvProblem problem;
  int shape, splits;
};
const ladder::implicit_gemm::TileFamily* forced_family = nullptr;
int forced_shape = 0, forced_splits = 1;
void launch_forced_split(const ladder::Bf16ConvArgs& args, cudaStream_t stream) {
  forced_family->shape(forced_shape).launch_split(args, forced_splits, stream);
}

/// A family and the rung that chooses among its shapes (whose requirements and workspace hold for each).
struct FamilyCase {
  const ladder::implicit_gemm::TileFamily& family;
  const char* rung;
};
const FamilyCase kFamilies[] = {{ladder::implicit_gemm::mma_sync_family(), "13f split-K"},
                                {ladder::implicit_gemm::wgmma_family(), "13h wgmma tuned per layer, split-K"},
                                {ladder::implicit_gemm::masked_wgmma_family(), "13i masked gather, wgmma tuned"}};

/// The family's rung (its requirements and workspace) launching the forced shape and split count.
ladder::ConvRung forced_split_rung(const FamilyCase& family) {
  const auto split_k = ladder::find_conv(family.rung);
  if (!split_k) throw std::logic_error(std::string(family.rung) + " is not registered");
  forced_family = &family.family;
  ladder::ConvRung forced = *split_k;
  forced.launch = launch_forced_split;
  return forced;
}
std::vector<SplitCase> split_cases(const FamilyCase& family, int compute_capability) {
  const ladder::ConvRung forced = forced_split_rung(family);
  std::vector<SplitCase> cases;
  for (const ConvProblem& problem : ladder::testing::ragged_conv_problems()) {
    if (ladder::unsupported_reason(forced, problem, compute_capability)) continue;
    for (int shape = 0; shape < family.family.count; ++shape) {
      const int tiles = ladder::implicit_gemm::k_tiles(problem, family.family.shape(shape).bk);
      for (int splits = 2; splits <= ladder::implicit_gemm::split_limit(problem, tiles); ++splits)
        cases.push_back({problem, shape, splits});
    }
  }
  return cases;
}

/// Why the family's rung cannot run on this GPU at all (a ResNet layer it takes), or "".
std::string family_skip_reason(const FamilyCase& family, int compute_capability) {
  const ConvProblem resnet{32, 128, 28, 28, 128, 3, 3, 1, 1};
  return ladder::unsupported_reason(forced_split_rung(family), resnet, compute_capability).value_or("");
}

// No GPU needed: the ragged problems reach the split path often, in every shape of every family.
TEST(Chapter13SplitK, TheRaggedProblemsSplitEveryShape) {
  for (const FamilyCase& family : kFamilies) {
    SCOPED_TRACE(family.family.name);
    const auto rung = ladder::find_conv(family.rung);
    ASSERT_TRUE(rung.has_value()) << family.rung;
    if (!rung->requirements.missing_from_build.empty()) continue;
    const std::vector<SplitCase> cases = split_cases(family, 90);
    EXPECT_GE(cases.size(), &family == &kFamilies[0] ? 50u : 40u);
    for (int shape = 0; shape < family.family.count; ++shape) {
      int splits_of_shape = 0;
      for (const SplitCase& c : cases) splits_of_shape += c.shape == shape;
      EXPECT_GT(splits_of_shape, 0) << "shape " << family.family.shape(shape).name;
    }
  }
  EXPECT_THROW(ladder::implicit_gemm::wgmma_family().shape(6), std::invalid_argument);
  EXPECT_THROW(ladder::implicit_gemm::mma_sync_family().shape(-1), std::invalid_argument);
}

TEST(Chapter13SplitK, EveryShapeAtEverySplitCountMatchesTheReference) {
  LADDER_SKIP_WITHOUT_GPU();
  const int compute_capability = ladder::query_device().compute_capability;
  int families = 0;
  for (const FamilyCase& family : kFamilies) {
    SCOPED_TRACE(family.family.name);
    if (!family_skip_reason(family, compute_capability).empty()) continue;
    ++families;
    const std::vector<SplitCase> cases = split_cases(family, compute_capability);
    const ladder::ConvRung forced = forced_split_rung(family);
    for (const SplitCase& c : cases) {
      SCOPED_TRACE(std::string(family.family.shape(c.shape).name) + ", " + std::to_string(c.splits) + " splits");
      forced_shape = c.shape;
      forced_splits = c.splits;
      ladder::testing::check_conv_rung(forced, c.problem);
    }
  }
  if (families == 0) GTEST_SKIP() << "13f: " << family_skip_reason(kFamilies[0], compute_capability);
}

// 13d picks its tile by timing, so two runs of chapter 14 may pick differently. Each mma.sync
// shape adds every output's products in the same order, k16 slice by k16 slice (the k-tile's
// depth only groups them), so the choice changes the speed, never the bits: the same seed gives
// the same network whichever tile won. (13h's wgmma shapes promise only the tolerance.)
TEST(Chapter13SplitK, EveryMmaSyncShapeGivesTheSameBits) {
  LADDER_SKIP_WITHOUT_GPU();
  const int compute_capability = ladder::query_device().compute_capability;
  const FamilyCase& family = kFamilies[0];
  if (const std::string reason = family_skip_reason(family, compute_capability); !reason.empty())
    GTEST_SKIP() << "13d: " << reason;
  const ladder::ConvRung forced = forced_split_rung(family);
  forced_splits = 1;
  int compared = 0;
  for (const ConvProblem& problem : ladder::testing::ragged_conv_problems()) {
    if (ladder::unsupported_reason(forced, problem, compute_capability)) continue;
    SCOPED_TRACE(ladder::describe(problem));
    ladder::DeviceConv<__nv_bfloat16> tensors(ladder::random_conv_inputs(problem, 13, true), 0);
    std::vector<float> first;
    for (forced_shape = 0; forced_shape < family.family.count; ++forced_shape) {
      const std::vector<float> y = ladder::run_conv_once(forced, tensors);
      if (forced_shape == 0) {
        first = y;
        // Equal bits prove nothing if no shape wrote y: each run starts from the same poison.
        ASSERT_EQ(std::count_if(first.begin(), first.end(), [](float v) { return !std::isfinite(v); }), 0);
        continue;
      }
      ASSERT_EQ(y.size(), first.size());
      EXPECT_EQ(std::memcmp(y.data(), first.data(), y.size() * sizeof(float)), 0)
          << "shape " << family.family.shape(forced_shape).name;
      ++compared;
    }
  }
  EXPECT_GT(compared, 0) << "no ragged problem that 13d takes";
}

// The ragged problems have at most 72 output channels, so a 128- or 256-wide tile never starts
// past channel 0 there, and a 256-wide one never stores its columns past 72. These layers do:
// 300, 520, 130 and 136 channels, none a multiple of 64, so every shape of every family runs
// column tiles past the first and a ragged last one (and, split, the partial sums of each). The
// third has C = 256: 36 k-tiles of 64, so every ring of stages wraps around many times. The last
// has an 8x8 filter: 13i's tap masks use all 64 bits, with padding 3 on every side.
const ConvProblem kWideLayers[] = {{1, 16, 9, 9, 300, 3, 3, 1, 1},
                                   {2, 8, 6, 7, 520, 1, 1, 1, 0},
                                   {1, 256, 5, 5, 130, 3, 3, 1, 1},
                                   {2, 16, 13, 12, 136, 8, 8, 1, 3}};

TEST(Chapter13SplitK, EveryShapeTakesLayersWiderThanItsTile) {
  LADDER_SKIP_WITHOUT_GPU();
  const int compute_capability = ladder::query_device().compute_capability;
  int families = 0;
  for (const FamilyCase& family : kFamilies) {
    SCOPED_TRACE(family.family.name);
    if (!family_skip_reason(family, compute_capability).empty()) continue;
    ++families;
    const ladder::ConvRung forced = forced_split_rung(family);
    for (const ConvProblem& problem : kWideLayers)
      for (forced_shape = 0; forced_shape < family.family.count; ++forced_shape)
        for (forced_splits = 1; forced_splits <= 2; ++forced_splits) {
          SCOPED_TRACE(std::string(family.family.shape(forced_shape).name) + ", " + std::to_string(forced_splits) +
                       " splits, " + ladder::describe(problem));
          ladder::testing::check_conv_rung(forced, problem);
        }
  }
  if (families == 0) GTEST_SKIP() << "13f: " << family_skip_reason(kFamilies[0], compute_capability);
}

// 13h's and 13i's gathers differ only in how they find each chunk: both fill every stage with
// the same bytes, which the same wgmma multiply. So at one shape and split count the two must
// give the same bits, on every problem both take; any difference is a gather's.
TEST(Chapter13SplitK, BothWgmmaGathersGiveTheSameBits) {
  LADDER_SKIP_WITHOUT_GPU();
  const int compute_capability = ladder::query_device().compute_capability;
  const FamilyCase &hoisted = kFamilies[1], &masked = kFamilies[2];
  if (const std::string reason = family_skip_reason(masked, compute_capability); !reason.empty())
    GTEST_SKIP() << "13i: " << reason;
  std::vector<ConvProblem> problems = ladder::testing::ragged_conv_problems();
  problems.insert(problems.end(), std::begin(kWideLayers), std::end(kWideLayers));
  int compared = 0;
  for (const ConvProblem& problem : problems) {
    const ladder::ConvRung masked_rung = forced_split_rung(masked);
    if (ladder::unsupported_reason(masked_rung, problem, compute_capability)) continue;
    SCOPED_TRACE(ladder::describe(problem));
    ladder::DeviceConv<__nv_bfloat16> tensors(ladder::random_conv_inputs(problem, 13, true),
                                              ladder::workspace_bytes(masked_rung, problem));
    for (forced_shape = 0; forced_shape < masked.family.count; ++forced_shape) {
      const int tiles = ladder::implicit_gemm::k_tiles(problem, masked.family.shape(forced_shape).bk);
      for (forced_splits = 1; forced_splits <= std::min(2, ladder::implicit_gemm::split_limit(problem, tiles));
           ++forced_splits) {
        SCOPED_TRACE(std::string(masked.family.shape(forced_shape).name) + ", " + std::to_string(forced_splits) +
                     " splits");
        const std::vector<float> by_13h = ladder::run_conv_once(forced_split_rung(hoisted), tensors);
        const std::vector<float> by_13i = ladder::run_conv_once(forced_split_rung(masked), tensors);
        // Equal bits prove nothing if neither wrote y: each run starts from the same poison.
        ASSERT_EQ(std::count_if(by_13h.begin(), by_13h.end(), [](float v) { return !std::isfinite(v); }), 0);
        ASSERT_EQ(by_13i.size(), by_13h.size());
        EXPECT_EQ(std::memcmp(by_13i.data(), by_13h.data(), by_13i.size() * sizeof(float)), 0);
        ++compared;
      }
    }
  }
  EXPECT_GT(compared, 0) << "no problem that 13i takes";
}

TEST(Chapter13Requirements, PaddedChannelSourceKeepsEachPixelsChannels) {
  using ladder::implicit_gemm::padded_channel_source;
  // 3 channels padded to 8: element 8·p + c is channel c of pixel p, a zero from c = 3 on.
  for (long long pixel = 0; pixel < 5; ++pixel)
    for (int c = 0; c < 8; ++c) EXPECT_EQ(padded_channel_source(pixel * 8 + c, 3, 8), c < 3 ? pixel * 3 + c : -1);
  EXPECT_EQ(ladder::implicit_gemm::padded_channels(1), 8);
  EXPECT_EQ(ladder::implicit_gemm::padded_channels(8), 8);
  EXPECT_EQ(ladder::implicit_gemm::padded_channels(9), 16);
}

}  // namespace
