/// \file hopper_layout.hpp
/// \brief Chapter 09's index arithmetic, with no CUDA in it: the 128-byte swizzle that TMA
/// writes and wgmma reads, the wgmma shared-memory matrix descriptor, the parameters the
/// launcher hands to cuTensorMapEncodeTiled, and the order in which the persistent kernel
/// takes its tiles.
///
/// Where each rule comes from:
/// - the swizzle and the descriptor: PTX ISA, wgmma.mma_async, "Shared Memory Matrix
///   Layout" (the swizzle atoms) and "Matrix Descriptor Format";
/// - the tensor-map rules: CUDA Driver API, "Tensor Map Object Management",
///   cuTensorMapEncodeTiled (its list of requirements; the same text is in the toolkit's
///   cuda.h).
///
/// The kernels will call these functions on the device. test_hopper_layout.cpp checks each
/// one on the CPU against those definitions, and shows each check failing on a broken
/// version. On the H200 the kernels that call them matched the fp64 reference on every
/// tested shape.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "chapters/08_mma_sync_gemm/mma_sync_tiles.hpp"
#include "common/core/host_device.hpp"

namespace ladder::hopper {

// ---------------------------------------------------------------------------
// The 128-byte swizzle (TMA's CU_TENSOR_MAP_SWIZZLE_128B, wgmma's 128-byte swizzle mode)
// ---------------------------------------------------------------------------

inline constexpr int kChunkBytes = 16;                                   // the unit the swizzle moves: 8 bf16
inline constexpr int kSw128RowBytes = 128;                               // a row of the atom: 8 chunks
inline constexpr int kSw128AtomRows = 8;                                 // rows before the pattern repeats
inline constexpr int kSw128AtomBytes = kSw128AtomRows * kSw128RowBytes;  // 1024
inline constexpr int kBf16Bytes = 2;
inline constexpr int kSw128RowElements = kSw128RowBytes / kBf16Bytes;  // 64 bf16: the k-width of a tile

/// Where the 128-byte swizzle stores byte `byte_offset` of a tile whose rows are 128 bytes
/// and which starts on a 1024-byte boundary: bits 4-6 of the offset (the 16-byte chunk
/// within its row) are XOR-ed with bits 7-9 (the row within its 1024-byte atom). Bits 0-3
/// (the byte within the chunk) and bits 10 and up (which atom) do not change.
///
/// Why: wgmma reads an operand as 8-row by 16-byte core matrices, one chunk from each of 8
/// rows. Unswizzled, those 8 chunks sit at the same place in 8 rows of 128 bytes: all in
/// one 16-byte group of banks, an 8-way conflict. XOR-ing the chunk with the row moves
/// row r's chunk to position c XOR r, 8 different positions for 8 rows.
LADDER_HOST_DEVICE constexpr int swizzle_128b(int byte_offset) { return byte_offset ^ (((byte_offset >> 7) & 7) << 4); }

/// The same map by row and chunk: chunk `chunk` (0..7) of row `row` is stored at chunk
/// chunk XOR (row mod 8) of the same row. For 128-byte rows this is chapter 08's 08b
/// swizzle (mma::swizzled_chunk with 8 chunks per row): TMA now does it in hardware.
LADDER_HOST_DEVICE constexpr int swizzled_row_chunk(int row, int chunk) { return chunk ^ (row & 7); }

/// Element offset (in bf16) of logical (row, k) in a rows x 64 bf16 K-major tile written
/// by TMA with the 128-byte swizzle: row `row` is 128 bytes at row * 64; inside it the
/// chunk holding k moves, and the 8 bf16 inside a chunk stay in order.
LADDER_HOST_DEVICE constexpr int sw128_element_offset(int row, int k) {
  const int chunk_elements = kChunkBytes / kBf16Bytes;
  return row * kSw128RowElements + swizzled_row_chunk(row, k / chunk_elements) * chunk_elements + k % chunk_elements;
}

// ---------------------------------------------------------------------------
// Where the kernels' TMA boxes lie in their tensors
// ---------------------------------------------------------------------------

// [boxes]
/// A TMA box's place in its tensor: coordinates in elements, innermost first, as
/// cp.async.bulk.tensor takes them. Every box of this chapter is 64 bf16 (128 bytes) wide.
struct BoxAt {
  int inner, outer;
};

inline constexpr int kBoxWidth = kSw128RowElements;  // 64

/// A's box for k-tile `k_tile` of the tile whose first row is `row0`: A's map is (k, m).
LADDER_HOST_DEVICE constexpr BoxAt a_box_at(int k_tile, int row0) { return {k_tile * kBoxWidth, row0}; }

/// B's box `box` for k-tile `k_tile` of the tile whose first column is `col0`: B's map is
/// (n, k), so the box of n col0 + 64 box .. + 63 and the k-tile's 64 k.
LADDER_HOST_DEVICE constexpr BoxAt b_box_at(int k_tile, int col0, int box) {
  return {col0 + box * kBoxWidth, k_tile * kBoxWidth};
}

/// C's box `box` of a staging tile whose first element is (row0, col0): C's map is (n, m).
LADDER_HOST_DEVICE constexpr BoxAt c_box_at(int row0, int col0, int box) { return {col0 + box * kBoxWidth, row0}; }
// [boxes]

// ---------------------------------------------------------------------------
// The wgmma shared-memory matrix descriptor (PTX ISA, "Matrix Descriptor Format")
// ---------------------------------------------------------------------------
//
// A 64-bit value, one per operand tile, that tells wgmma where the tile is and how it is
// laid out:
//   bits  0-13  matrix-descriptor-encode(start address)
//   bits 16-29  matrix-descriptor-encode(leading-dimension byte offset, LBO)
//   bits 32-45  matrix-descriptor-encode(stride-dimension byte offset, SBO)
//   bits 49-51  matrix base offset (not used without a swizzle)
//   bits 62-63  swizzle mode: 0 none, 1 128-byte, 2 64-byte, 3 32-byte
// where matrix-descriptor-encode(x) = (x & 0x3FFFF) >> 4: an 18-bit shared-memory byte
// value counted in 16-byte units. The other bits are zero.

/// wgmma's swizzle mode, with the descriptor's encoding (not CUtensorMapSwizzle's).
enum class Swizzle : std::uint32_t { kNone = 0, k128B = 1, k64B = 2, k32B = 3 };

inline constexpr int kDescriptorAddressBits = 18;  // matrix-descriptor-encode keeps x & 0x3FFFF
inline constexpr std::uint32_t kDescriptorAddressLimit = 1u << kDescriptorAddressBits;  // 256 KiB
inline constexpr int kStartShift = 0, kLeadingShift = 16, kStrideShift = 32, kBaseOffsetShift = 49, kSwizzleShift = 62;

/// matrix-descriptor-encode(x) = (x & 0x3FFFF) >> 4: 14 bits.
LADDER_HOST_DEVICE constexpr std::uint64_t descriptor_encode(std::uint32_t bytes) {
  return (bytes & (kDescriptorAddressLimit - 1)) >> 4;
}

/// The descriptor of a tile at shared-memory byte address `start_address` (as
/// __cvta_generic_to_shared returns it), with the given LBO and SBO in bytes. Values that
/// descriptor_fits rejects are silently truncated by the encoding: check first.
LADDER_HOST_DEVICE constexpr std::uint64_t make_wgmma_descriptor(std::uint32_t start_address,
                                                                 std::uint32_t leading_byte_offset,
                                                                 std::uint32_t stride_byte_offset, Swizzle mode,
                                                                 std::uint32_t base_offset = 0) {
  return descriptor_encode(start_address) << kStartShift | descriptor_encode(leading_byte_offset) << kLeadingShift |
         descriptor_encode(stride_byte_offset) << kStrideShift | std::uint64_t{base_offset & 7u} << kBaseOffsetShift |
         std::uint64_t{static_cast<std::uint32_t>(mode) & 3u} << kSwizzleShift;
}

/// The fields of a descriptor, in bytes where the descriptor counts 16-byte units.
struct WgmmaDescriptorFields {
  std::uint32_t start_address, leading_byte_offset, stride_byte_offset, base_offset;
  Swizzle mode;
  LADDER_HOST_DEVICE constexpr bool operator==(const WgmmaDescriptorFields& other) const {
    return start_address == other.start_address && leading_byte_offset == other.leading_byte_offset &&
           stride_byte_offset == other.stride_byte_offset && base_offset == other.base_offset && mode == other.mode;
  }
};

/// One 14-bit field of a descriptor, back in bytes.
LADDER_HOST_DEVICE constexpr std::uint32_t descriptor_field_bytes(std::uint64_t descriptor, int shift) {
  return static_cast<std::uint32_t>((descriptor >> shift) & 0x3FFF) << 4;
}

/// The fields of `descriptor`: the inverse of make_wgmma_descriptor for values that
/// descriptor_fits accepts.
LADDER_HOST_DEVICE constexpr WgmmaDescriptorFields decode_wgmma_descriptor(std::uint64_t descriptor) {
  return {descriptor_field_bytes(descriptor, kStartShift), descriptor_field_bytes(descriptor, kLeadingShift),
          descriptor_field_bytes(descriptor, kStrideShift),
          static_cast<std::uint32_t>(descriptor >> kBaseOffsetShift & 7),
          static_cast<Swizzle>(descriptor >> kSwizzleShift & 3)};
}

/// A byte value matrix-descriptor-encode keeps exactly: 16-byte aligned, below 2^18.
LADDER_HOST_DEVICE constexpr bool descriptor_encodable(std::uint32_t bytes) {
  return bytes % 16 == 0 && bytes < kDescriptorAddressLimit;
}

/// Whether make_wgmma_descriptor can encode these values exactly: start address, LBO and
/// SBO 16-byte aligned and below 2^18 (the encoding drops the low 4 bits and keeps 18, so
/// any other value would alias a different one), base offset 0 to 7 and 0 without a swizzle
/// (the ISA: it is valid for every mode except no swizzle), and a mode of 0 to 3.
LADDER_HOST_DEVICE constexpr bool descriptor_fits(std::uint32_t start_address, std::uint32_t leading_byte_offset,
                                                  std::uint32_t stride_byte_offset, Swizzle mode,
                                                  std::uint32_t base_offset = 0) {
  return descriptor_encodable(start_address) && descriptor_encodable(leading_byte_offset) &&
         descriptor_encodable(stride_byte_offset) && static_cast<std::uint32_t>(mode) <= 3 && base_offset <= 7 &&
         (mode != Swizzle::kNone || base_offset == 0);
}

// [chapter-descriptor]
/// SBO of this chapter's tiles: K-major, 64 bf16 (128 bytes) per row, 128-byte swizzle. A
/// core matrix is 8 rows of 16 bytes, and the next 8 rows (the next core matrix in M or N)
/// start one 1024-byte atom later.
inline constexpr std::uint32_t kSw128KMajorStrideBytes = kSw128AtomBytes;
/// LBO of the same tiles. The PTX ISA defines LBO for K-major layouts only without a
/// swizzle; with a swizzle it is "not used, assumed to be 1" (the 128-byte row already
/// holds the whole k-extent of a wgmma). Like CUTLASS, we write 1, i.e. 16 bytes.
inline constexpr std::uint32_t kSw128KMajorLeadingBytes = 16;

/// The descriptor of a K-major bf16 tile (rows x 64) written by TMA with the 128-byte
/// swizzle at shared-memory address `tile_start`. base offset 0 says the swizzle pattern
/// starts on a 1024-byte boundary, so `tile_start` must be 1024-byte aligned (the stage
/// buffers are; sw128_tile_start_fits checks it).
LADDER_HOST_DEVICE constexpr std::uint64_t sw128_k_major_descriptor(std::uint32_t tile_start) {
  return make_wgmma_descriptor(tile_start, kSw128KMajorLeadingBytes, kSw128KMajorStrideBytes, Swizzle::k128B, 0);
}

LADDER_HOST_DEVICE constexpr bool sw128_tile_start_fits(std::uint32_t tile_start) {
  return tile_start % kSw128AtomBytes == 0 && tile_start < kDescriptorAddressLimit;
}

inline constexpr int kWgmmaK = 16;                                  // bf16 wgmma: K = 16 per instruction
inline constexpr int kKStepBytes = kWgmmaK * kBf16Bytes;            // 32: one k-step of one row
inline constexpr int kKStepsPerRow = kSw128RowBytes / kKStepBytes;  // 4 k-steps per 64-wide k-tile

/// The start address of k-step `ks` (0..3) of the tile at `tile_start`: 32 bytes on per step.
///
/// Why a plain add is right although the data is swizzled: the descriptor names the
/// *unswizzled* address of row 0's first chunk of the k-step. The hardware forms the
/// address of row r, chunk j (0 or 1) of the k-step as start + (r / 8) * SBO + (r mod 8) *
/// 128 + 16 j, and only then applies the 128-byte swizzle to that address (bits 4-6 XOR
/// bits 7-9), as TMA did when it wrote the tile. Since 32 ks + 16 j stays below 128, the add
/// never carries into bit 7: the row bits are unchanged, and logical chunk 2 ks + j of row r
/// is read from chunk (2 ks + j) XOR (r mod 8), where TMA put it (CPU-tested with a model
/// of that address arithmetic). So the consumer does no swizzle arithmetic of its own.
LADDER_HOST_DEVICE constexpr std::uint32_t sw128_k_step_start(std::uint32_t tile_start, int ks) {
  return tile_start + static_cast<std::uint32_t>(ks * kKStepBytes);
}

/// A descriptor moved on by `bytes` (a multiple of 16): its start field grows by bytes / 16.
/// Right only while the start stays below 2^18 (no carry out of bits 0-13), which holds for
/// any shared-memory address (at most 228 KB per SM on sm_90).
LADDER_HOST_DEVICE constexpr std::uint64_t advance_descriptor(std::uint64_t descriptor, std::uint32_t bytes) {
  return descriptor + (bytes >> 4);
}

/// The descriptor for k-step `ks` of the tile at `tile_start`: the chapter descriptor, 32 ks
/// bytes on (2 ks in the encoded start field).
LADDER_HOST_DEVICE constexpr std::uint64_t sw128_k_step_descriptor(std::uint32_t tile_start, int ks) {
  return advance_descriptor(sw128_k_major_descriptor(tile_start), static_cast<std::uint32_t>(ks * kKStepBytes));
}

/// Where the rows from `first_row` (a multiple of 8) of the tile at `tile_start` begin: the
/// start of the second m64 block of a 128-row A tile, for example. Whole atoms on, so still
/// 1024-byte aligned.
LADDER_HOST_DEVICE constexpr std::uint32_t sw128_rows_start(std::uint32_t tile_start, int first_row) {
  return tile_start + static_cast<std::uint32_t>(first_row / kSw128AtomRows * kSw128AtomBytes);
}
// [chapter-descriptor]

/// A model of the shared-memory byte address wgmma reads for row `row` and 16-byte chunk
/// `chunk` (0 or 1) of the k-step a K-major descriptor names (PTX ISA, "Shared Memory Matrix
/// Layout" and "Matrix Descriptor Format"): 8-row core-matrix groups SBO apart, rows of 128
/// bytes inside a 128-byte-swizzle atom, chunks 16 bytes apart along k; then, with base offset
/// 0 (the pattern starts on 1024-byte boundaries), the swizzle applied to the address. For the
/// CPU tests of chapters 09 and 13; it covers base offset 0 with the 128-byte swizzle or none,
/// and gives -1 for anything else.
LADDER_HOST_DEVICE constexpr int k_major_read_address(std::uint64_t descriptor, int row, int chunk) {
  const WgmmaDescriptorFields d = decode_wgmma_descriptor(descriptor);
  if (d.base_offset != 0 || (d.mode != Swizzle::k128B && d.mode != Swizzle::kNone)) return -1;
  const int linear = static_cast<int>(d.start_address + row / 8 * d.stride_byte_offset) + row % 8 * kSw128RowBytes +
                     chunk * kChunkBytes;
  return d.mode == Swizzle::k128B ? swizzle_128b(linear) : linear;
}

// ---------------------------------------------------------------------------
// B as it is stored: MN-major (PTX ISA, "Shared Memory Matrix Layout", MN-major)
// ---------------------------------------------------------------------------
//
// The project's B is K x N row-major: n is contiguous, which wgmma calls MN-major (A, with
// k contiguous, is K-major). wgmma reads an MN-major B directly when its transpose-B
// operand is 1 (bf16 and fp16 only), so B is never transposed in memory. TMA copies B in
// boxes 64 n wide (128 bytes, the widest a 128-byte swizzle allows) and kBK k deep: box
// row k holds n 0..63, swizzled by k mod 8 exactly as an A row is. A tile kBN wide is
// kBN / 64 such boxes, one after the other.
//
// The canonical MN-major 128-byte layout (in 16-byte units along n, rows along k):
//   64 n contiguous in one 128-byte row, 8 rows (k) make a 1024-byte atom;
//   the next 8 k (the next atom down)  start SBO bytes on;
//   the next 64 n (the next box across) start LBO bytes on.
// Note the roles: for K-major tiles LBO is unused and SBO steps across M or N; here SBO
// steps along K and LBO across N.

// [mn-major-descriptor]
inline constexpr int kSw128MnBoxElements = kSw128RowElements;  // 64 n per box row

/// Element offset (in bf16) of logical (k, n) in a B tile of `box_k` rows per box, written
/// by TMA as boxes 64 n wide with the 128-byte swizzle.
LADDER_HOST_DEVICE constexpr int sw128_mn_element_offset(int k, int n, int box_k) {
  const int chunk_elements = kChunkBytes / kBf16Bytes;
  const int box = n / kSw128MnBoxElements, n_in_box = n % kSw128MnBoxElements;
  return box * box_k * kSw128MnBoxElements + k * kSw128MnBoxElements +
         swizzled_row_chunk(k, n_in_box / chunk_elements) * chunk_elements + n_in_box % chunk_elements;
}

/// SBO of an MN-major tile: 8 k-rows of 128 bytes, one atom.
inline constexpr std::uint32_t kSw128MnStrideBytes = kSw128AtomBytes;

/// LBO of an MN-major tile whose boxes are `box_k` rows deep: one whole box.
LADDER_HOST_DEVICE constexpr std::uint32_t sw128_mn_leading_bytes(int box_k) {
  return static_cast<std::uint32_t>(box_k * kSw128RowBytes);
}

/// The descriptor of k-step `ks` of an MN-major tile at `tile_start` (1024-byte aligned):
/// 16 k-rows, i.e. two atoms, per step, so the start moves by whole atoms and stays aligned.
LADDER_HOST_DEVICE constexpr std::uint64_t sw128_mn_k_step_descriptor(std::uint32_t tile_start, int ks, int box_k) {
  return make_wgmma_descriptor(tile_start + static_cast<std::uint32_t>(ks * kWgmmaK * kSw128RowBytes),
                               sw128_mn_leading_bytes(box_k), kSw128MnStrideBytes, Swizzle::k128B, 0);
}
// [mn-major-descriptor]

// ---------------------------------------------------------------------------
// The accumulators of wgmma m64nNk16 with fp32 D (PTX ISA, "Register Fragments", D)
// ---------------------------------------------------------------------------

/// Which element of the 64 x N tile of D register `reg` (0 .. N/2 - 1) of warpgroup thread
/// `thread` (0..127) holds. Warp w owns rows 16w .. 16w + 15, and within them the layout is
/// mma.sync's m16n8 C fragment repeated every 8 columns: registers 4j .. 4j + 3 hold columns
/// 8j .. 8j + 7, the first two in row lane / 4, the other two 8 rows lower.
LADDER_HOST_DEVICE constexpr mma::RowCol wgmma_accumulator_at(int thread, int reg) {
  const int warp = thread / 32, lane = thread % 32;
  return {16 * warp + lane / 4 + 8 * (reg % 4 / 2), 8 * (reg / 4) + 2 * (lane % 4) + reg % 2};
}

// ---------------------------------------------------------------------------
// The epilogue of 09c: accumulators to a staging tile with stmatrix, out with TMA
// ---------------------------------------------------------------------------

// [staging-layout]
/// Element offset of (row, col) in a consumer's staging tile of `rows` x N bf16: boxes 64
/// columns wide, one after the other, each written with the 128-byte swizzle. It is the
/// layout A's tiles have, so the TMA store reads it with a tensor map like A's.
LADDER_HOST_DEVICE constexpr int sw128_staging_offset(int row, int col, int rows) {
  return col / kSw128RowElements * rows * kSw128RowElements + sw128_element_offset(row, col % kSw128RowElements);
}

/// stmatrix .x4 stores four 8 x 8 bf16 matrices; lanes 8i .. 8i + 7 give the addresses of
/// matrix i's 8 rows, and every lane's register i holds its pair of matrix i, in row
/// lane / 4, columns 2 (lane % 4) and + 1: the accumulator layout of wgmma and mma.sync.
/// Group `group` of a warp stores n8-blocks 2 group and 2 group + 1 of its 16 rows: matrix i
/// is rows + 8 (i mod 2) of n8-block 2 group + i / 2. This is the row and first column of
/// the 64 x N tile whose address warpgroup thread `thread` gives.
LADDER_HOST_DEVICE constexpr mma::RowCol stmatrix_x4_row(int thread, int group) {
  const int warp = thread / 32, lane = thread % 32, matrix = lane / 8;
  return {16 * warp + 8 * (matrix % 2) + lane % 8, 8 * (2 * group + matrix / 2)};
}

/// The first of the two accumulator registers (wgmma_accumulator_at's numbering) that go,
/// as one bf16 pair, into register `reg` (0..3) of stmatrix .x4 group `group`.
LADDER_HOST_DEVICE constexpr int stmatrix_x4_accumulator(int group, int reg) {
  return 4 * (2 * group + reg / 2) + 2 * (reg % 2);
}
// [staging-layout]

// ---------------------------------------------------------------------------
// The tensor map (CUDA Driver API, cuTensorMapEncodeTiled)
// ---------------------------------------------------------------------------

/// TMA's swizzle mode, with CUtensorMapSwizzle's values (the launcher casts it), which
/// differ from the descriptor's encoding above. Only the modes this chapter can use.
enum class TensorMapSwizzle : std::uint32_t { kNone = 0, k32B = 1, k64B = 2, k128B = 3 };

/// The span a mode swizzles 16-byte chunks within: 0, 32, 64 or 128 bytes.
LADDER_HOST_DEVICE constexpr int swizzle_span_bytes(TensorMapSwizzle mode) {
  return mode == TensorMapSwizzle::k32B    ? 32
         : mode == TensorMapSwizzle::k64B  ? 64
         : mode == TensorMapSwizzle::k128B ? 128
                                           : 0;
}

inline constexpr std::uint32_t kTensorMapMaxRank = 5;  // cuTensorMapEncodeTiled: rank 1 to 5

/// What the launcher passes to cuTensorMapEncodeTiled, without CUDA types. Dimension 0 is
/// the innermost (contiguous) one. Always non-interleaved (CU_TENSOR_MAP_INTERLEAVE_NONE):
/// the rules tensor_map_problem encodes are the non-interleaved ones.
struct TensorMapParams {
  std::uint32_t rank = 0;
  std::uint64_t global_dim[kTensorMapMaxRank] = {};         // elements per dimension
  std::uint64_t global_stride[kTensorMapMaxRank - 1] = {};  // bytes, dimensions 1 .. rank - 1
  std::uint32_t box_dim[kTensorMapMaxRank] = {};            // elements one copy moves per dimension
  std::uint32_t element_stride[kTensorMapMaxRank] = {};     // 1: every element
  TensorMapSwizzle swizzle = TensorMapSwizzle::kNone;
  std::uint32_t element_bytes = 0;  // 2: CU_TENSOR_MAP_DATA_TYPE_BFLOAT16
};

/// The tensor map of a row-major bf16 matrix of `rows` x `cols_k` with `ld_elements`
/// between rows, copied in boxes of box_rows x box_k (box_k along the contiguous k). The
/// k extent may be ragged (TMA fills the part of a box past the matrix with zeros); the
/// row stride may not (tensor_map_problem).
inline TensorMapParams tile_tensor_map(std::int64_t rows, std::int64_t cols_k, std::int64_t ld_elements,
                                       std::int64_t box_rows, std::int64_t box_k,
                                       TensorMapSwizzle swizzle = TensorMapSwizzle::k128B) {
  TensorMapParams params;
  params.rank = 2;
  params.global_dim[0] = static_cast<std::uint64_t>(cols_k);
  params.global_dim[1] = static_cast<std::uint64_t>(rows);
  params.global_stride[0] = static_cast<std::uint64_t>(ld_elements) * kBf16Bytes;
  params.box_dim[0] = static_cast<std::uint32_t>(box_k);
  params.box_dim[1] = static_cast<std::uint32_t>(box_rows);
  params.element_stride[0] = params.element_stride[1] = 1;
  params.swizzle = swizzle;
  params.element_bytes = kBf16Bytes;
  return params;
}

/// Bytes one copy of a box writes to shared memory (element strides of 1): what the
/// consumer's mbarrier expects per box.
inline std::uint64_t tensor_map_box_bytes(const TensorMapParams& params) {
  std::uint64_t bytes = params.element_bytes;
  for (std::uint32_t i = 0; i < params.rank && i < kTensorMapMaxRank; ++i) bytes *= params.box_dim[i];
  return bytes;
}

/// Why cuTensorMapEncodeTiled would reject `params` for a matrix at global address
/// `base_address`, or nothing if it meets every rule below. Each rule is one of the
/// function's documented requirements (non-interleaved, non-packed types), checked in this
/// order, and the message names it.
inline std::optional<std::string> tensor_map_problem(const TensorMapParams& params, std::uint64_t base_address) {
  using std::to_string;
  const auto at = [](std::uint32_t i) { return "[" + to_string(i) + "]"; };
  // tensorRank: non-zero, at most 5.
  if (params.rank < 1 || params.rank > kTensorMapMaxRank)
    return "rank " + to_string(params.rank) + ": the tensor rank must be 1 to 5";
  // The element size of a CUtensorMapDataType: 1, 2, 4 or 8 bytes (bf16: 2).
  const std::uint64_t element = params.element_bytes;
  if (element != 1 && element != 2 && element != 4 && element != 8)
    return "element size " + to_string(element) + " bytes: a tensor map's data type is 1, 2, 4 or 8 bytes";
  // globalAddress: 16-byte aligned (32 only with 32-byte interleave or the packed types).
  if (base_address % 16 != 0)
    return "global address " + to_string(base_address) + ": the global address must be 16-byte aligned";
  // globalDim: each non-zero and at most 2^32.
  for (std::uint32_t i = 0; i < params.rank; ++i)
    if (params.global_dim[i] == 0 || params.global_dim[i] > (std::uint64_t{1} << 32))
      return "global dimension" + at(i) + " = " + to_string(params.global_dim[i]) +
             ": each global dimension must be 1 to 2^32";
  // globalStrides (rank - 1 of them, bytes): each a multiple of 16 and below 2^40. The
  // documentation's formula builds each stride from the one below it plus padding,
  // stride[0] = dim[0] * element size + padding, so no stride is smaller than the extent
  // it steps over (rows must not overlap).
  std::uint64_t below = params.global_dim[0] * element;  // bytes the dimension under stride i spans
  for (std::uint32_t i = 0; i + 1 < params.rank; ++i) {
    const std::uint64_t stride = params.global_stride[i];
    const std::string name = "global stride" + at(i) + " = " + to_string(stride) + " bytes";
    if (stride % 16 != 0)
      return name +
             ": each global stride must be a multiple of 16 bytes (for bf16 rows: a leading dimension "
             "that is a multiple of 8 elements)";
    if (stride >= (std::uint64_t{1} << 40)) return name + ": each global stride must be below 2^40 bytes";
    if (stride < below)
      return name + ": smaller than the " + to_string(below) +
             " bytes of the dimension below it (the global strides include the dimensions below them)";
    below = stride * params.global_dim[i + 1];
  }
  // boxDim: each non-zero and at most 256; without interleave the inner box is a multiple
  // of 16 bytes.
  for (std::uint32_t i = 0; i < params.rank; ++i)
    if (params.box_dim[i] == 0 || params.box_dim[i] > 256)
      return "box dimension" + at(i) + " = " + to_string(params.box_dim[i]) + ": each box dimension must be 1 to 256";
  const std::uint64_t inner_box_bytes = params.box_dim[0] * element;
  if (inner_box_bytes % 16 != 0)
    return "inner box dimension " + to_string(params.box_dim[0]) + " elements = " + to_string(inner_box_bytes) +
           " bytes: the inner box must be a multiple of 16 bytes";
  // elementStrides: each non-zero and at most 8.
  for (std::uint32_t i = 0; i < params.rank; ++i)
    if (params.element_stride[i] == 0 || params.element_stride[i] > 8)
      return "element stride" + at(i) + " = " + to_string(params.element_stride[i]) +
             ": each element stride must be 1 to 8";
  // Without interleave and with a swizzle, the inner box is at most the swizzle's span.
  const int span = swizzle_span_bytes(params.swizzle);
  if (span > 0 && inner_box_bytes > static_cast<std::uint64_t>(span))
    return "inner box of " + to_string(inner_box_bytes) + " bytes: wider than the " + to_string(span) +
           "-byte swizzle span, which bounds the inner box";
  return std::nullopt;
}

// ---------------------------------------------------------------------------
// The tile scheduler of the persistent kernel (09c)
// ---------------------------------------------------------------------------

/// Which tile of C a scheduled index names, counted in tiles.
struct ScheduledTile {
  int tile_m, tile_n;
  LADDER_HOST_DEVICE constexpr bool operator==(const ScheduledTile& other) const {
    return tile_m == other.tile_m && tile_n == other.tile_n;
  }
};

// [tile-order]
/// Linear tile index `linear` (0 .. m_tiles * n_tiles - 1) → the tile of C it names, in
/// chapter 08's grouped order (mma_sync::grouped_block_place, one definition for both):
/// bands of `group_rows` tile rows, walked column by column inside a band, the last band
/// possibly shorter; group_rows = 1 is row-major. Tiles taken at about the same time share
/// slabs of A and B, which then hit in L2.
LADDER_HOST_DEVICE constexpr ScheduledTile tile_at(int linear, int m_tiles, int n_tiles, int group_rows) {
  const mma_sync::BlockPlace place = mma_sync::grouped_block_place(linear, n_tiles, m_tiles, group_rows);
  return {place.row, place.col};
}

/// The persistent loop: `ctas` CTAs (about one per SM) share the tiles; CTA `cta` takes
/// linear indices cta, cta + ctas, cta + 2 ctas, ... while they are below m_tiles * n_tiles:
///
///     for (int t = cta; t < tiles; t += ctas) { const ScheduledTile tile = tile_at(t, ...); ... }
///
/// This is its `iteration`-th index.
LADDER_HOST_DEVICE constexpr int persistent_tile(int cta, int ctas, int iteration) { return cta + iteration * ctas; }

/// How many tiles CTA `cta` of `ctas` takes out of `tiles`: the ceiling of
/// (tiles - cta) / ctas, or 0 when cta >= tiles.
LADDER_HOST_DEVICE constexpr int persistent_tile_count(int cta, int ctas, int tiles) {
  return cta < tiles ? (tiles - cta + ctas - 1) / ctas : 0;
}

/// 09d: clusters of `cluster` CTAs walk "units" of `cluster` vertically adjacent tiles (so
/// the CTAs of a unit need the same B), in the grouped order over units; CTA `rank` takes
/// row `rank` of unit `unit`. When m_tiles is not a multiple of the cluster, the last unit
/// row reaches past C: those CTAs' tile_m is m_tiles or more, and they only help load B.
LADDER_HOST_DEVICE constexpr ScheduledTile cluster_tile_at(int unit, int rank, int cluster, int m_tiles, int n_tiles,
                                                           int group_rows) {
  const ScheduledTile u = tile_at(unit, (m_tiles + cluster - 1) / cluster, n_tiles, group_rows);
  return {u.tile_m * cluster + rank, u.tile_n};
}
// [tile-order]

// ---------------------------------------------------------------------------
// The ring of stages across k-tiles (09e)
// ---------------------------------------------------------------------------

// [ring]
/// A persistent CTA counts the k-tiles its consumers have started, across its tiles: `it`.
/// k-tile `it` lives in stage it % stages. When a consumer has started the wgmma of k-tile
/// `it` and waited until at most `in_flight` of its groups still run (09c: 0, 09e: 1), the
/// newest k-tile whose reads are done is it - in_flight: its stage is the one to release.
LADDER_HOST_DEVICE constexpr int stage_to_release(int it, int in_flight, int stages) {
  return (it - in_flight) % stages;
}
// [ring]

}  // namespace ladder::hopper
