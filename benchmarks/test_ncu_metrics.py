#!/usr/bin/env python3
"""benchmarks/ncu_metrics.py on reports laid out as Nsight Compute prints them: today's layout (grid and
block on the launch line, a header row), the older one (the launch's date instead, no header), a value ncu
could not collect, and units with an SI prefix.

    python3 benchmarks/test_ncu_metrics.py      # also run by CTest (ncu_metrics)
"""
import pathlib
import re
import sys
import unittest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import ncu_metrics  # noqa: E402

# The sections pass first (its launch has no metrics block), then the metrics pass: two launches.
REPORT = """==PROF== Connected to process 4242 (/b/bin/ch06_warp_tiling_gemm)
==PROF== Profiling "cp_async_kernel" - 0: 0%....50%....100% - 9 passes
[4242] ch06_warp_tiling_gemm@127.0.0.1
  void ladder::warp_tiling::cp_async_kernel<ladder::warp_tiling::TileConfig<128, 128, 16, 64, 32, 3>>\
(ladder::GemmArgsOf<float>) (32, 32, 1)x(256, 1, 1), Context 1, Stream 13, Device 0, CC 9.0
    Section: GPU Speed Of Light Throughput
    ----------------------- ----------- ------------
    Metric Name             Metric Unit Metric Value
    ----------------------- ----------- ------------
    DRAM Frequency                  Ghz         2.62
    Registers Per Thread    register/thread      127
    ----------------------- ----------- ------------
==PROF== Disconnected from process 4242
[4243] ch06_warp_tiling_gemm@127.0.0.1
  void ladder::warp_tiling::cp_async_kernel<ladder::warp_tiling::TileConfig<128, 128, 16, 64, 32, 3>>\
(ladder::GemmArgsOf<float>) (32, 32, 1)x(256, 1, 1), Context 1, Stream 13, Device 0, CC 9.0
    Section: Command line profiler metrics
    -------------------------------------------------------------------------- ----------- ------------
    Metric Name                                                                Metric Unit Metric Value
    -------------------------------------------------------------------------- ----------- ------------
    l1tex__data_bank_conflicts_pipe_lsu_mem_shared_op_ld.sum                                        0
    l1tex__data_pipe_lsu_wavefronts_mem_shared_op_ld.sum                                  402,653,184
    sm__pipe_fma_cycles_active.avg.pct_of_peak_sustained_active                          %        81.53
    smsp__average_warps_issue_stalled_barrier_per_issue_active.ratio                            0.12
    smsp__average_warps_issue_stalled_short_scoreboard_per_issue_active.ratio               (!) n/a
    smsp__inst_executed.sum                                                        Minst     2,520.50
    smsp__inst_executed_op_shared_ld.sum                                            inst  134,217,728
    smsp__inst_executed_pipe_fma.sum                                                inst 2,150,000,000
    -------------------------------------------------------------------------- ----------- ------------

  ampere_sgemm_128x64_nn (64, 32, 1)x(128, 1, 1), Context 1, Stream 13, Device 0, CC 9.0
    Section: Command line profiler metrics
    -------------------------------------------------------------------------- ----------- ------------
    smsp__inst_executed.sum                                                         inst      1,000
    -------------------------------------------------------------------------- ----------- ------------
"""

OLD_REPORT = """[20936] simpleDivergence@127.0.0.1
  mathKernel1(float*), 2024-Aug-28 11:14:50, Context 1, Stream 7
    Section: Command line profiler metrics
    ---------------------------------------------------------------------- --------------- -----------
    smsp__inst_executed_op_shared_ld.sum                                              inst          40
    l1tex__data_pipe_lsu_wavefronts_mem_shared_op_ld.sum                                            80
    ---------------------------------------------------------------------- --------------- -----------
"""

# run_gpu.sh's stall pass, appended to REPORT after the marker: the same two launches again.
STALL_REPORT = REPORT + ncu_metrics.STALL_PASS + """
  void ladder::warp_tiling::cp_async_kernel<ladder::warp_tiling::TileConfig<128, 128, 16, 64, 32, 3>>\
(ladder::GemmArgsOf<float>) (32, 32, 1)x(256, 1, 1), Context 1, Stream 13, Device 0, CC 9.0
    Section: Command line profiler metrics
    sm__pipe_fma_cycles_active.avg.pct_of_peak_sustained_active                          %        81.53
    sm__pipe_alu_cycles_active.avg.pct_of_peak_sustained_active                          %         9.10
    smsp__average_warps_issue_stalled_barrier_per_issue_active.ratio                            0.12
    smsp__average_warps_issue_stalled_long_scoreboard_per_issue_active.ratio                    0.05
    smsp__average_warps_issue_stalled_math_pipe_throttle_per_issue_active.ratio                 1.40
    smsp__average_warps_issue_stalled_not_selected_per_issue_active.ratio                       0.60
    smsp__average_warps_issue_stalled_selected_per_issue_active.ratio                           1.00
    smsp__average_warps_issue_stalled_short_scoreboard_per_issue_active.ratio                   0.30
    smsp__average_warps_issue_stalled_wait_per_issue_active.ratio                               0.50
    smsp__average_warps_issue_stalled_sleeping_per_issue_active.ratio                        (!) n/a
  ampere_sgemm_128x64_nn (64, 32, 1)x(128, 1, 1), Context 1, Stream 13, Device 0, CC 9.0
    Section: Command line profiler metrics
    smsp__average_warps_issue_stalled_selected_per_issue_active.ratio                           1.00
"""


class NcuMetricsTest(unittest.TestCase):
    def test_reads_each_launch_with_metrics_in_order(self):
        launches = ncu_metrics.parse(REPORT)
        self.assertEqual([launch["kernel"] for launch in launches],
                         ["cp_async_kernel<TileConfig<128, 128, 16, 64, 32, 3>>", "ampere_sgemm_128x64_nn"])
        metrics = launches[0]["metrics"]
        self.assertEqual(metrics["l1tex__data_pipe_lsu_wavefronts_mem_shared_op_ld.sum"], 402653184)
        self.assertEqual(metrics["l1tex__data_bank_conflicts_pipe_lsu_mem_shared_op_ld.sum"], 0)
        self.assertAlmostEqual(metrics["sm__pipe_fma_cycles_active.avg.pct_of_peak_sustained_active"], 81.53)
        self.assertEqual(launches[1]["metrics"], {"smsp__inst_executed.sum": 1000})

    def test_a_prefixed_unit_is_scaled_and_n_a_is_none(self):
        metrics = ncu_metrics.parse(REPORT)[0]["metrics"]
        self.assertAlmostEqual(metrics["smsp__inst_executed.sum"], 2520.5e6)
        self.assertIsNone(metrics["smsp__average_warps_issue_stalled_short_scoreboard_per_issue_active.ratio"])
        self.assertEqual(ncu_metrics.scale("Mbyte"), 1e6)
        self.assertEqual(ncu_metrics.scale("%"), 1.0)
        self.assertEqual(ncu_metrics.scale("Ghz"), 1.0)  # not a count: left as ncu printed it

    def test_the_older_layout_with_a_date(self):
        launches = ncu_metrics.parse(OLD_REPORT)
        self.assertEqual(len(launches), 1)
        self.assertEqual(launches[0]["kernel"], "mathKernel1")
        self.assertEqual(launches[0]["metrics"]["smsp__inst_executed_op_shared_ld.sum"], 40)

    def test_a_report_without_metrics_gives_nothing(self):
        self.assertEqual(ncu_metrics.parse(REPORT.split("[4243]")[0]), [])

    def test_short_names_drop_namespaces_and_parameters(self):
        self.assertEqual(ncu_metrics.short_name("void a::b::k<a::T<1, (int)2>>(a::Args<float>)"), "k<T<1, (int)2>>")
        self.assertEqual(ncu_metrics.short_name("sm90_xmma_gemm_f32f32_tilesize128x128x8"),
                         "sm90_xmma_gemm_f32f32_tilesize128x128x8")

    def test_the_evidence_table(self):
        table = ncu_metrics.evidence_table(ncu_metrics.parse(REPORT))
        lines = table.splitlines()
        self.assertIn("wavefronts per shared load", lines[0])
        # 402,653,184 wavefronts over 134,217,728 loads: 3 a load, chapter 06's return-path count.
        row = lines[2].split(" | ")
        self.assertEqual(row[0], "| `cp_async_kernel<TileConfig<128, 128, 16, 64, 32, 3>>`")
        self.assertEqual(row[1:], ["2.52e+09", "85%", "82%", "1.34e+08", "3.00", "0.00", "0.12", "n/a |"])
        self.assertTrue(lines[3].endswith("| n/a | n/a | n/a | n/a | n/a | n/a | n/a |"))

    def test_the_stall_pass_joins_the_launches_of_the_first(self):
        launches = ncu_metrics.parse(STALL_REPORT)
        self.assertEqual(len(launches), 2)
        metrics = launches[0]["metrics"]
        self.assertEqual(metrics["smsp__inst_executed.sum"], 2520.5e6)  # from the first pass
        self.assertEqual(metrics["smsp__average_warps_issue_stalled_wait_per_issue_active.ratio"], 0.5)
        self.assertEqual(launches[1]["metrics"]["smsp__inst_executed.sum"], 1000)
        # A launch of the stall pass with no match in the first is kept, not merged into another.
        other = STALL_REPORT.replace("ampere_sgemm_128x64_nn (64", "sm90_other (64")
        self.assertEqual([launch["kernel"] for launch in ncu_metrics.parse(other)][-1], "sm90_other")

    def test_each_programs_stall_pass_joins_that_programs_launches(self):
        # Two programs' reports one after the other (run_gpu.sh's fp32, then bf16), each closed by its end marker.
        closed = STALL_REPORT + ncu_metrics.STALL_PASS_END + "\n"
        launches = ncu_metrics.parse(closed + closed.replace("ampere_sgemm_128x64_nn", "sm90_bf16_kernel"))
        self.assertEqual([launch["kernel"] for launch in launches][1::2], ["ampere_sgemm_128x64_nn", "sm90_bf16_kernel"])
        self.assertEqual(len(launches), 4)
        for launch in launches:
            self.assertIn("smsp__average_warps_issue_stalled_selected_per_issue_active.ratio", launch["metrics"])
            self.assertIn("smsp__inst_executed.sum", launch["metrics"])

    def test_the_stall_table_ranks_reasons_and_pipes(self):
        table = ncu_metrics.stall_table(ncu_metrics.parse(STALL_REPORT)).splitlines()
        self.assertEqual(len(table), 4)  # header, rule, and a row per launch of the stall pass
        self.assertEqual(table[2], "| `cp_async_kernel<TileConfig<128, 128, 16, 64, 32, 3>>` | 3.97 | "
                                   "math_pipe_throttle 1.40, selected 1.00, not_selected 0.60, wait 0.50 | "
                                   "fma 82 %, alu 9 % |")
        self.assertEqual(table[3], "| `ampere_sgemm_128x64_nn` | 1.00 | selected 1.00 | n/a |")
        # The first pass alone (barrier and short scoreboard only) makes no stall table.
        self.assertEqual(ncu_metrics.stall_table(ncu_metrics.parse(REPORT)), "")

    def test_the_metric_list_holds_metric_names(self):
        for metric in ncu_metrics.METRICS:
            self.assertRegex(metric, r"^[a-z][a-z0-9]*__[a-z0-9_.]+$")

    def test_the_stall_patterns_match_the_names_they_are_for(self):
        stall, pipe = (re.compile(pattern.removeprefix("regex:")) for pattern in ncu_metrics.STALL_METRICS)
        self.assertTrue(stall.match("smsp__average_warps_issue_stalled_math_pipe_throttle_per_issue_active.ratio"))
        self.assertTrue(pipe.match("sm__pipe_tensor_op_hmma_cycles_active.avg.pct_of_peak_sustained_active"))
        self.assertFalse(stall.match(ncu_metrics.ISSUED))


if __name__ == "__main__":
    unittest.main()
