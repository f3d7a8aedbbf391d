/// \file solutions/12_im2col_conv/test_solutions.cu
/// \brief The worked solution of chapter 12 passes the same tests as the chapter's rungs.
#include "chapters/12_im2col_conv/im2col_conv.cuh"
#include "common/conv/testing/conv_rung_test.cuh"

LADDER_CONV_RUNG_TESTS(Solutions12, 12, ladder::RungKind::Solution);

namespace {

// No GPU needed: the solution's workspace is one chunk's, whatever the batch.
TEST(Solutions12Requirements, WorkspaceIsOneChunksLowering) {
  const auto rung = ladder::find_conv("12 sol1 im2col in chunks + cuBLAS");
  ASSERT_TRUE(rung.has_value());
  EXPECT_EQ(rung->kind, ladder::RungKind::Solution);
  const ladder::ConvProblem batch32{32, 64, 56, 56, 64, 3, 3, 1, 1};
  ladder::ConvProblem chunk = batch32;
  chunk.n = 4;
  EXPECT_EQ(ladder::workspace_bytes(*rung, batch32), ladder::im2col::lowered_workspace_bytes(chunk));
  EXPECT_LT(ladder::workspace_bytes(*rung, batch32), ladder::im2col::lowered_workspace_bytes(batch32) / 7);
}

}  // namespace
