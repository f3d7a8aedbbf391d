#!/usr/bin/env python3
"""tools/sass_report.py on a hand-written nvdisasm listing: the loop it picks, the counts, the ceilings."""
import pathlib
import sys
import unittest
from fractions import Fraction

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import sass_report  # noqa: E402

# A kernel with a setup loop (no FFMA), then a main loop of 2 k-steps: 8 FFMA,
# an LDS.128 and two LDS, a never-executed @!PT LDS, and an edge branch that
# skips 3 instructions on the short side.
LISTING = """
.text._Z6kernelv:
        /*0000*/                   MOV R1, c[0x0][0x28] ;
.L_x_0:
        /*0010*/                   IADD3 R2, R2, 0x1, RZ ;
        /*0020*/                   ISETP.GE.AND P0, PT, R2, 0x4, PT ;
        /*0030*/              @!P0 BRA `(.L_x_0) ;
.L_x_1:
        /*0040*/                   LDS.128 R4, [R3] ;
        /*0050*/                   LDS R8, [R9] ;
        /*0060*/                   LDS R10, [R9+0x80] ;
        /*0070*/              @!PT LDS RZ, [RZ] ;
        /*0080*/               @P1 BRA `(.L_x_2) ;
        /*0090*/                   ISETP.GE.AND P2, PT, R2, R11, PT ;
        /*00a0*/                   SEL R12, R12, RZ, P2 ;
        /*00b0*/                   LDG.E R13, desc[UR4][R14.64] ;
.L_x_2:
        /*00c0*/                   FFMA R20, R4, R8, R20 ;
        /*00d0*/                   FFMA R21, R5, R8, R21 ;
        /*00e0*/                   FFMA R22, R6, R8, R22 ;
        /*00f0*/                   FFMA R23, R7, R8, R23 ;
        /*0100*/                   FFMA R20, R4, R10, R20 ;
        /*0110*/                   FFMA R21, R5, R10, R21 ;
        /*0120*/                   FFMA R22, R6, R10, R22 ;
        /*0130*/                   FFMA R23, R7, R10, R23 ;
        /*0140*/               @P3 BRA `(.L_x_1) ;
        /*0150*/                   EXIT ;
"""


class SassReportTest(unittest.TestCase):
    def setUp(self):
        self.code = sass_report.parse_listing(LISTING)["_Z6kernelv"]
        self.attributes = sass_report.parse_attributes(
            'kernel=k arch=sm_90 k_steps=2 wavefronts="LDS=1; LDS.128=3/2" passes="LDS=1; LDS.128=3"')

    def test_the_main_loop_is_the_one_with_the_ffma(self):
        loop = sass_report.main_loop(self.code)
        body = sass_report.instructions(loop)
        self.assertEqual(body[0][1], "LDS.128 R4, [R3]")
        self.assertEqual(len(body), 17)

    def test_the_shortest_trip_skips_the_edge_code(self):
        self.assertEqual(sass_report.shortest_trip(sass_report.main_loop(self.code)), 14)

    def test_opcodes_keep_the_load_width_and_drop_predicates(self):
        self.assertEqual(sass_report.opcode((0, "@!P0 LDS.U.128 R4, [R3]")), "LDS.128")
        self.assertEqual(sass_report.opcode((0, "LDG.E.128 R4, desc[UR4][R2.64]")), "LDG.128")
        self.assertEqual(sass_report.opcode((0, "FFMA R1, R2, R3, R4")), "FFMA")

    def test_never_executed_loads_cost_no_wavefronts(self):
        body = sass_report.instructions(sass_report.main_loop(self.code))
        loads = sass_report.shared_loads(body, self.attributes, "k")
        self.assertEqual(loads, {"LDS": (2, Fraction(1), Fraction(1)), "LDS.128": (1, Fraction(3, 2), Fraction(3))})

    def test_report_counts_per_k_step_and_ceilings(self):
        text = sass_report.report("k", self.code, self.attributes)
        self.assertIn("17 instructions for 2 k-steps; the shortest trip around it issues 14", text)
        self.assertIn("| FFMA | 4 | | | | |", text)
        self.assertIn("| `LDS` | 1 | 1 | 1 | 1 | 1 |", text)
        self.assertIn("| `LDS.128` | 0.5 | 1.5 | 3 | 0.75 | 1.5 |", text)
        # 8 FFMA / 17 = 47 %, 8 / 14 = 57 %; shared: 8 / (4 × 3.5) = 57 %, with the return path 8 / (4 × 5) = 40 %.
        self.assertIn("between **47 %** and **57 %**", text)
        self.assertIn("4 FFMA per 1.75 wavefronts, a predicted ceiling of **57 %**", text)
        self.assertIn("4 FFMA per 2.5 passes, a predicted ceiling of **40 %**", text)

    def test_a_load_without_a_rule_is_an_error(self):
        attributes = sass_report.parse_attributes('kernel=k arch=sm_90 k_steps=2 wavefronts="LDS=1" passes="LDS=1"')
        with self.assertRaisesRegex(ValueError, "no wavefronts rule for LDS.128"):
            sass_report.report("k", self.code, attributes)
        attributes = sass_report.parse_attributes(
            'kernel=k arch=sm_90 k_steps=2 wavefronts="LDS=1; LDS.128=1" passes="LDS=1"')
        with self.assertRaisesRegex(ValueError, "no passes rule for LDS.128"):
            sass_report.report("k", self.code, attributes)

    def test_passes_are_never_fewer_than_wavefronts(self):
        with self.assertRaisesRegex(ValueError, "fewer than its wavefronts"):
            sass_report.parse_attributes('kernel=k arch=sm_90 k_steps=2 wavefronts="LDS.128=2" passes="LDS.128=1"')
        with self.assertRaisesRegex(ValueError, "without passes="):
            sass_report.parse_attributes('kernel=k arch=sm_90 k_steps=2 wavefronts="LDS.128=2"')

    def test_k_steps_must_divide_the_ffma(self):
        attributes = sass_report.parse_attributes(
            'kernel=k arch=sm_90 k_steps=3 wavefronts="LDS=1; LDS.128=1" passes="LDS=1; LDS.128=2"')
        with self.assertRaisesRegex(ValueError, "not a whole number per k-step"):
            sass_report.report("k", self.code, attributes)


# A tensor-core main loop: 4 HMMA, an LDSM, two LDGSTS, a zero-chunk branch that skips a decode of 3
# instructions, and a slow path behind a CALL that an interior tile never takes.
MMA_LISTING = """
.text._Z3mmav:
        /*0000*/                   MOV R1, c[0x0][0x28] ;
.L_x_5:
        /*0010*/                   LDSM.16.M88.4 R4, [R3] ;
        /*0020*/               @P1 BRA `(.L_x_6) ;
        /*0030*/                   IMAD R12, R12, R13, RZ ;
        /*0040*/                   IMAD.HI.U32 R14, R12, R15, RZ ;
        /*0050*/                   IADD3 R16, R14, R17, RZ ;
.L_x_6:
        /*0058*/              @!P2 BRA `(.L_x_7) ;
        /*0060*/                   CALL.REL.NOINC `(.L_x_9) ;
.L_x_7:
        /*0070*/                   LDGSTS.E.BYPASS.128 [R18], desc[UR4][R20.64] ;
        /*0080*/                   LDGSTS.E.BYPASS.128 [R19], desc[UR4][R22.64] ;
        /*0090*/                   HMMA.16816.F32.BF16 R24, R4, R8, R24 ;
        /*00a0*/                   HMMA.16816.F32.BF16 R28, R4, R10, R28 ;
        /*00b0*/                   HMMA.16816.F32.BF16 R32, R6, R8, R32 ;
        /*00c0*/                   HMMA.16816.F32.BF16 R36, R6, R10, R36 ;
        /*00d0*/               @P3 BRA `(.L_x_5) ;
        /*00e0*/                   EXIT ;
"""


class MmaReportTest(unittest.TestCase):
    def setUp(self):
        self.code = sass_report.parse_listing(MMA_LISTING)["_Z3mmav"]
        self.attributes = sass_report.parse_attributes("kernel=k arch=sm_90 math=HMMA")

    def test_hmma_blocks_need_no_wavefronts(self):
        self.assertEqual(self.attributes["rules"], {})

    def test_the_interior_trip_decodes_and_skips_the_call(self):
        loop = sass_report.main_loop(self.code, "HMMA")
        self.assertEqual(len(sass_report.instructions(loop)), 14)
        self.assertEqual(sass_report.shortest_trip(loop), 10)  # skips the 3-instruction decode and the call
        # Every instruction but the CALL: a path through it would also run its slow path, which lies elsewhere.
        self.assertEqual(sass_report.longest_plain_trip(loop), 13)

    def test_the_counts_and_the_ceiling(self):
        text = sass_report.report_mma("k", self.code, self.attributes)
        self.assertIn("| `HMMA` | 4 | 1 |", text)
        self.assertIn("| `LDSM` | 1 | 0.25 |", text)
        self.assertIn("| `LDGSTS` | 2 | 0.5 |", text)
        self.assertIn("| **all instructions** | **14** | **3.5** |", text)
        # 13 instructions per 4 HMMA: 3.25 per HMMA, under the 4 that fit, so the ceiling is the peak.
        self.assertIn("The longest such trip issues 3.25 per HMMA: a predicted ceiling of **100 %**", text)
        # The shortest, 10 instructions: 2.5 per HMMA.
        self.assertIn("the shortest, 2.5 per HMMA, 100 %. Every k-tile's trip lies between.", text)

    def test_a_loop_issuing_more_than_four_per_hmma_is_capped(self):
        slow = MMA_LISTING.replace("HMMA.16816.F32.BF16 R36, R6, R10, R36", "IMAD R36, R6, R10, R36")
        code = sass_report.parse_listing(slow)["_Z3mmav"]
        # 3 HMMA, 13 instructions on the longest plain trip: 4 x 3 / 13 = 92 %.
        self.assertIn("a predicted ceiling of **92 %**", sass_report.report_mma("k", code, self.attributes))


# A wgmma main loop: 4 HGMMA.64x128x16, 2 LDGSTS behind a branch the last k-tiles take (nothing left to
# prefetch), a barrier, a fence and 2 other instructions.
WGMMA_LISTING = """
.text._Z5wgmmav:
        /*0000*/                   MOV R1, c[0x0][0x28] ;
.L_x_5:
        /*0008*/               @P1 BRA `(.L_x_6) ;
        /*0010*/                   LDGSTS.E.BYPASS.128 [R18], desc[UR4][R20.64] ;
        /*0020*/                   LDGSTS.E.BYPASS.128 [R19], desc[UR4][R22.64] ;
.L_x_6:
        /*0030*/                   FENCE.VIEW.ASYNC.S ;
        /*0040*/                   BAR.SYNC.DEFER_BLOCKING 0x0 ;
        /*0050*/                   WARPGROUP.ARRIVE ;
        /*0060*/                   HGMMA.64x128x16.F32.BF16 R24, gdesc[UR8], R24 ;
        /*0070*/                   HGMMA.64x128x16.F32.BF16 R24, gdesc[UR12], R24 ;
        /*0080*/                   HGMMA.64x128x16.F32.BF16 R24, gdesc[UR8], R24 ;
        /*0090*/                   HGMMA.64x128x16.F32.BF16 R24, gdesc[UR12], R24, gsb0 ;
        /*00a0*/               @P3 BRA `(.L_x_5) ;
        /*00b0*/                   EXIT ;
"""


class WgmmaReportTest(unittest.TestCase):
    def setUp(self):
        self.code = sass_report.parse_listing(WGMMA_LISTING)["_Z5wgmmav"]
        self.attributes = sass_report.parse_attributes("kernel=k arch=sm_90a math=HGMMA")

    def test_the_counts_and_the_ceiling(self):
        text = sass_report.report_wgmma("k", self.code, self.attributes)
        self.assertIn("| `HGMMA` | 4 | 1 |", text)
        self.assertIn("| `LDGSTS` | 2 | 0.5 |", text)
        self.assertIn("| `BAR` | 1 | 0.25 |", text)
        self.assertIn("| **all instructions** | **11** | **2.75** |", text)
        # The last k-tiles branch around the copies: 9 instructions, 2.25 per HGMMA.
        self.assertIn("The shortest trip around it issues 9; the longest that calls no slow path issues 11.", text)
        # 64 clocks of tensor core per HGMMA.64x128x16, 2.75 instructions issued: far under, the peak.
        self.assertIn("busy 64 clocks", text)
        self.assertIn("a predicted ceiling of **100 %**", text)
        self.assertIn("the shortest, 2.25 per HGMMA, 100 %.", text)

    def test_a_loop_issuing_more_than_the_hgmma_cover_falls_short_of_the_peak(self):
        # 256 more instructions per trip: 267 per 4 HGMMA of 64 clocks = 256 / 267 = 96 %.
        padding = "".join(f"        /*{0x100 + i:04x}*/                   IMAD R40, R41, R42, RZ ;\n" for i in range(256))
        slow = WGMMA_LISTING.replace("        /*00a0*/", padding + "        /*00a0*/")
        code = sass_report.parse_listing(slow)["_Z5wgmmav"]
        self.assertIn("a predicted ceiling of **96 %**", sass_report.report_wgmma("k", code, self.attributes))

    def test_mixed_widths_are_an_error(self):
        mixed = WGMMA_LISTING.replace("HGMMA.64x128x16.F32.BF16 R24, gdesc[UR12], R24, gsb0",
                                      "HGMMA.64x64x16.F32.BF16 R24, gdesc[UR12], R24, gsb0")
        code = sass_report.parse_listing(mixed)["_Z5wgmmav"]
        with self.assertRaises(ValueError):
            sass_report.report_wgmma("k", code, self.attributes)


if __name__ == "__main__":
    unittest.main()
