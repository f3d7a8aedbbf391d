// The random affine augmentation: exact results where the geometry lands on
// the grid (identity, whole-pixel shifts, quarter turns, half-pixel splits),
// the direction conventions, the zero border, the limits of the random draws
// and their seeding. The GPU augmentation is tested against these functions.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>
#include <vector>

#include "common/nn/augment.hpp"
#include "common/nn/random.hpp"

namespace ladder::nn {
namespace {

using Image = std::vector<float>;  // side x side, row-major

constexpr int kSide = 28;  // MNIST

float& at(Image& image, int side, int x, int y) { return image[std::size_t(y) * side + x]; }
float at(const Image& image, int side, int x, int y) { return image[std::size_t(y) * side + x]; }

Image one_hot(int side, int x, int y) {
  Image image(std::size_t(side) * side, 0.0f);
  at(image, side, x, y) = 1.0f;
  return image;
}

// Every pixel different, so any misplaced pixel shows.
Image distinct_pattern(int side) {
  Image image(std::size_t(side) * side);
  std::iota(image.begin(), image.end(), 1.0f);
  return image;
}

// A smooth round blob, off centre so that rotations move it.
Image gaussian_blob(int side, double centre_x, double centre_y, double sigma) {
  Image image(std::size_t(side) * side);
  for (int y = 0; y < side; ++y)
    for (int x = 0; x < side; ++x) {
      const double squared_distance = (x - centre_x) * (x - centre_x) + (y - centre_y) * (y - centre_y);
      at(image, side, x, y) = float(std::exp(-squared_distance / (2 * sigma * sigma)));
    }
  return image;
}

Image warp(const Image& source, int side, const Affine2D& map) {
  Image destination(source.size());
  warp_image(source.data(), destination.data(), side, map);
  return destination;
}

Image warp(const Image& source, int side, const AffineDraw& draw) {
  return warp(source, side, affine_from(draw, side));
}

AffineDraw shift(double x, double y) { return AffineDraw{x, y, 0.0, 1.0}; }
AffineDraw rotation(double degrees) { return AffineDraw{0.0, 0.0, degrees, 1.0}; }

double sum(const Image& image) { return std::accumulate(image.begin(), image.end(), 0.0); }

// A batch of `count` copies of different blobs, (count, 1, side, side).
Tensor<float> blob_batch(int count, int side) {
  Tensor<float> batch({count, 1, side, side});
  for (int n = 0; n < count; ++n) {
    const Image blob = gaussian_blob(side, 10.0 + n, 12.0 + 0.5 * n, 3.0);
    std::copy(blob.begin(), blob.end(), batch.data() + std::size_t(n) * blob.size());
  }
  return batch;
}

Image image_of(const Tensor<float>& batch, int n) {
  const std::size_t image_size = std::size_t(batch.dim(2)) * batch.dim(3);
  const float* begin = batch.data() + std::size_t(n) * image_size;
  return Image(begin, begin + image_size);
}

void expect_same_map(const Affine2D& actual, const Affine2D& expected) {
  EXPECT_EQ(actual.a, expected.a);
  EXPECT_EQ(actual.b, expected.b);
  EXPECT_EQ(actual.c, expected.c);
  EXPECT_EQ(actual.d, expected.d);
  EXPECT_EQ(actual.e, expected.e);
  EXPECT_EQ(actual.f, expected.f);
}

TEST(Warp, IdentityReproducesTheImageExactly) {
  Random random(1);
  Image image(std::size_t(kSide) * kSide);
  for (float& pixel : image) pixel = float(random.uniform());
  EXPECT_EQ(warp(image, kSide, identity_affine()), image);
  // The neutral draw builds the same map, so "no transform" is exact on both paths.
  expect_same_map(affine_from(AffineDraw{}, kSide), identity_affine());
  EXPECT_EQ(warp(image, kSide, AffineDraw{}), image);
}

TEST(Warp, WholePixelShiftMovesContentRightAndDown) {
  // Positive shift_x = right, positive shift_y = down; the pixel arrives whole.
  const Image source = one_hot(kSide, 10, 12);
  EXPECT_EQ(warp(source, kSide, shift(3, 0)), one_hot(kSide, 13, 12));
  EXPECT_EQ(warp(source, kSide, shift(0, 2)), one_hot(kSide, 10, 14));
  EXPECT_EQ(warp(source, kSide, shift(-4, 5)), one_hot(kSide, 6, 17));
  EXPECT_EQ(warp(source, kSide, shift(2, -2)), one_hot(kSide, 12, 10));
}

TEST(Warp, QuarterTurnIsCounterClockwiseAndExact) {
  for (const int side : {7, kSide}) {  // odd: a centre pixel; even: the centre between four pixels
    SCOPED_TRACE(side);
    // A pixel in the upper right quadrant ends up in the upper left one
    // (counter-clockwise on screen, y down): (x, y) -> (y, side - 1 - x).
    const int x = side - 2, y = 1;
    EXPECT_EQ(warp(one_hot(side, x, y), side, rotation(90)), one_hot(side, y, side - 1 - x));
    EXPECT_EQ(warp(one_hot(side, x, y), side, rotation(-90)), one_hot(side, side - 1 - y, x));

    // The whole asymmetric pattern moves exactly: output (x, y) is source (side - 1 - y, x).
    const Image pattern = distinct_pattern(side);
    const Image turned = warp(pattern, side, rotation(90));
    for (int row = 0; row < side; ++row)
      for (int column = 0; column < side; ++column)
        ASSERT_EQ(at(turned, side, column, row), at(pattern, side, side - 1 - row, column)) << column << "," << row;
    EXPECT_EQ(warp(warp(turned, side, rotation(90)), side, rotation(180)), pattern);  // a full turn
    EXPECT_EQ(warp(pattern, side, rotation(-90)), warp(pattern, side, rotation(270)));
  }
}

TEST(Warp, ScaleAboveOneEnlargesAboutTheCentre) {
  // side 9: centre pixel (4, 4). Two pixels right of it, doubled, lands four pixels right.
  const int side = 9;
  const Image enlarged = warp(one_hot(side, 6, 4), side, AffineDraw{0.0, 0.0, 0.0, 2.0});
  EXPECT_EQ(at(enlarged, side, 8, 4), 1.0f);
  EXPECT_EQ(at(enlarged, side, 7, 4), 0.5f);  // halfway between the source pixel and its empty neighbour
  EXPECT_EQ(at(enlarged, side, 6, 4), 0.0f);
  const Image centred = warp(one_hot(side, 4, 4), side, AffineDraw{0.0, 0.0, 0.0, 2.0});
  EXPECT_EQ(at(centred, side, 4, 4), 1.0f);  // the centre stays put
}

TEST(Warp, HalfPixelShiftSplitsAPixelIntoTwoHalves) {
  Image expected(std::size_t(kSide) * kSide, 0.0f);
  at(expected, kSide, 10, 12) = 0.5f;
  at(expected, kSide, 11, 12) = 0.5f;
  EXPECT_EQ(warp(one_hot(kSide, 10, 12), kSide, shift(0.5, 0)), expected);

  std::fill(expected.begin(), expected.end(), 0.0f);
  at(expected, kSide, 10, 12) = 0.5f;
  at(expected, kSide, 10, 11) = 0.5f;
  EXPECT_EQ(warp(one_hot(kSide, 10, 12), kSide, shift(0, -0.5)), expected);
}

TEST(Warp, OutsideTheImageReadsZero) {
  const Image ones(std::size_t(kSide) * kSide, 1.0f);
  // Shifting right by 5 uncovers 5 columns on the left, and they read the zero background.
  const Image shifted = warp(ones, kSide, shift(5, 0));
  for (int y = 0; y < kSide; ++y)
    for (int x = 0; x < kSide; ++x) ASSERT_EQ(at(shifted, kSide, x, y), x < 5 ? 0.0f : 1.0f) << x << "," << y;

  // Within a pixel of the edge the value fades linearly towards the zero outside.
  const Image half = warp(ones, kSide, shift(2.5, 0));
  EXPECT_EQ(at(half, kSide, 1, 7), 0.0f);  // reads x = -1.5: nothing inside
  EXPECT_EQ(at(half, kSide, 2, 7), 0.5f);  // reads x = -0.5: half edge pixel, half background
  EXPECT_EQ(at(half, kSide, 3, 7), 1.0f);

  // A map that reads entirely outside gives a blank image.
  Affine2D far_away = identity_affine();
  far_away.c = 1000;
  EXPECT_EQ(warp(ones, kSide, far_away), Image(ones.size(), 0.0f));
}

TEST(Warp, StaysWithinTheSourceRange) {
  // A digit-like image with background 0 and ink of both signs: every output
  // is a convex blend of source pixels and the zero outside.
  Random random(2);
  Image source(std::size_t(kSide) * kSide, 0.0f);
  for (int y = 6; y < 22; ++y)
    for (int x = 8; x < 20; ++x) at(source, kSide, x, y) = float(random.uniform(-0.5, 1.0));
  const auto [lowest, highest] = std::minmax_element(source.begin(), source.end());
  const AffineAugment wide{6.0, 45.0, 0.5};
  for (int i = 0; i < 50; ++i) {
    const Image warped = warp(source, kSide, random_affine(random, wide, kSide));
    for (float pixel : warped) {
      ASSERT_GE(pixel, *lowest);
      ASSERT_LE(pixel, *highest);
    }
  }
}

TEST(Warp, SmallRotationRoughlyPreservesMass) {
  const Image blob = gaussian_blob(kSide, 12.0, 15.0, 2.5);  // well inside the frame
  const double mass = sum(blob);
  for (const double degrees : {-10.0, -3.0, 7.0, 10.0}) {
    SCOPED_TRACE(degrees);
    const Image turned = warp(blob, kSide, rotation(degrees));
    EXPECT_NE(turned, blob);  // it did move
    EXPECT_NEAR(sum(turned), mass, 0.02 * mass);
  }
  // Scaling by s changes the area, so the mass, by s^2.
  const Image grown = warp(blob, kSide, AffineDraw{0.0, 0.0, 0.0, 1.1});
  EXPECT_NEAR(sum(grown), 1.21 * mass, 0.03 * mass);
}

TEST(RandomDraw, StaysWithinTheLimitsAndCoversThem) {
  const AffineAugment limits{};  // the defaults: 2 pixels, 10 degrees, 10%
  Random random(3);
  AffineDraw lowest{1e9, 1e9, 1e9, 1e9}, highest{-1e9, -1e9, -1e9, -1e9};
  for (int i = 0; i < 2000; ++i) {
    const AffineDraw draw = random_draw(random, limits);
    ASSERT_GE(draw.shift_x, -2.0);
    ASSERT_LT(draw.shift_x, 2.0);
    ASSERT_GE(draw.shift_y, -2.0);
    ASSERT_LT(draw.shift_y, 2.0);
    ASSERT_GE(draw.degrees, -10.0);
    ASSERT_LT(draw.degrees, 10.0);
    ASSERT_GE(draw.scale, 0.9);
    ASSERT_LT(draw.scale, 1.1);
    lowest = {std::min(lowest.shift_x, draw.shift_x), std::min(lowest.shift_y, draw.shift_y),
              std::min(lowest.degrees, draw.degrees), std::min(lowest.scale, draw.scale)};
    highest = {std::max(highest.shift_x, draw.shift_x), std::max(highest.shift_y, draw.shift_y),
               std::max(highest.degrees, draw.degrees), std::max(highest.scale, draw.scale)};
  }
  // Uniform over the range: 2000 draws reach close to both ends of every parameter.
  EXPECT_LT(lowest.shift_x, -1.9);
  EXPECT_GT(highest.shift_x, 1.9);
  EXPECT_LT(lowest.shift_y, -1.9);
  EXPECT_GT(highest.shift_y, 1.9);
  EXPECT_LT(lowest.degrees, -9.5);
  EXPECT_GT(highest.degrees, 9.5);
  EXPECT_LT(lowest.scale, 0.905);
  EXPECT_GT(highest.scale, 1.095);
}

TEST(RandomDraw, TakesItsNumbersInAFixedOrder) {
  // shift_x, shift_y, degrees, scale: one uniform() each. The GPU port relies on this.
  const AffineAugment limits{3.0, 15.0, 0.2};
  Random random(4), reference(4);
  const AffineDraw draw = random_draw(random, limits);
  EXPECT_EQ(draw.shift_x, reference.uniform(-3.0, 3.0));
  EXPECT_EQ(draw.shift_y, reference.uniform(-3.0, 3.0));
  EXPECT_EQ(draw.degrees, reference.uniform(-15.0, 15.0));
  EXPECT_EQ(draw.scale, 1.0 + reference.uniform(-0.2, 0.2));
  EXPECT_EQ(random.next_bits(), reference.next_bits());  // nothing else was consumed
}

TEST(RandomDraw, ZeroLimitsDrawTheIdentity) {
  const AffineAugment none{0.0, 0.0, 0.0};
  EXPECT_FALSE(none.enabled());
  EXPECT_TRUE(AffineAugment{}.enabled());
  EXPECT_TRUE((AffineAugment{0.0, 0.0, 0.05}.enabled()));
  Random random(5);
  const AffineDraw draw = random_draw(random, none);
  EXPECT_EQ(draw.shift_x, 0.0);
  EXPECT_EQ(draw.shift_y, 0.0);
  EXPECT_EQ(draw.degrees, 0.0);
  EXPECT_EQ(draw.scale, 1.0);
  expect_same_map(affine_from(draw, kSide), identity_affine());
}

TEST(RandomDraw, RejectsImpossibleLimits) {
  Random random(6);
  EXPECT_THROW(random_draw(random, AffineAugment{-1.0, 10.0, 0.1}), std::invalid_argument);
  EXPECT_THROW(random_draw(random, AffineAugment{2.0, 10.0, 1.0}), std::invalid_argument);  // scale could reach 0
  EXPECT_THROW(affine_from(AffineDraw{0.0, 0.0, 0.0, 0.0}, kSide), std::invalid_argument);
}

TEST(RandomAffine, IsTheMapOfTheDraw) {
  const AffineAugment limits{};
  Random random(7), reference(7);
  for (int i = 0; i < 5; ++i)
    expect_same_map(random_affine(random, limits, kSide), affine_from(random_draw(reference, limits), kSide));
}

TEST(AugmentBatch, SameSeedSameBatchDifferentSeedDifferentBatch) {
  const Tensor<float> original = blob_batch(4, kSide);
  const auto augmented = [&](std::uint64_t seed) {
    Tensor<float> batch = original;
    Random random(seed);
    augment_batch(batch, random, AffineAugment{});
    return batch.values;
  };
  EXPECT_EQ(augmented(8), augmented(8));
  EXPECT_NE(augmented(8), augmented(9));
  EXPECT_NE(augmented(8), original.values);
}

TEST(AugmentBatch, EachImageGetsItsOwnDrawInImageOrder) {
  // Identical images come out different, each with the next draw of the stream.
  Tensor<float> batch({3, 1, kSide, kSide});
  const Image blob = gaussian_blob(kSide, 13.0, 14.0, 3.0);
  for (int n = 0; n < 3; ++n) std::copy(blob.begin(), blob.end(), batch.data() + std::size_t(n) * blob.size());
  Random random(10), reference(10);
  augment_batch(batch, random, AffineAugment{});
  for (int n = 0; n < 3; ++n) {
    SCOPED_TRACE(n);
    EXPECT_EQ(image_of(batch, n), warp(blob, kSide, random_affine(reference, AffineAugment{}, kSide)));
  }
  EXPECT_NE(image_of(batch, 0), image_of(batch, 1));
  EXPECT_NE(image_of(batch, 1), image_of(batch, 2));
}

// The GPU path finds image i's transform at draw kDrawsPerTransform * i of the stream, without
// making the draws before it: that holds only if each transform takes exactly that many draws.
TEST(AugmentBatch, EachTransformTakesKDrawsPerTransformDraws) {
  Tensor<float> batch = blob_batch(5, kSide);
  Random random(12);
  augment_batch(batch, random, AffineAugment{});
  Random skipped = Random::at(12, 5 * kDrawsPerTransform);
  EXPECT_EQ(random.next_bits(), skipped.next_bits());
  // And the third image's transform is the one drawn at 2 * kDrawsPerTransform.
  Random third = Random::at(12, 2 * kDrawsPerTransform), replay(12);
  for (int n = 0; n < 2; ++n) random_affine(replay, AffineAugment{}, kSide);
  const Affine2D expected = random_affine(replay, AffineAugment{}, kSide),
                 got = random_affine(third, AffineAugment{}, kSide);
  EXPECT_EQ(got.a, expected.a);
  EXPECT_EQ(got.c, expected.c);
  EXPECT_EQ(got.f, expected.f);
}

TEST(RandomStream, AtSkipsDrawsExactly) {
  Random sequential(99);
  for (int draws = 0; draws < 50; ++draws) {
    Random jumped = Random::at(99, std::uint64_t(draws));
    EXPECT_EQ(jumped.next_bits(), sequential.next_bits()) << draws;
  }
}

TEST(AugmentBatch, ZeroLimitsLeaveTheBatchAndTheStreamUnchanged) {
  const Tensor<float> original = blob_batch(3, kSide);
  Tensor<float> batch = original;
  Random random(11), reference(11);
  augment_batch(batch, random, AffineAugment{0.0, 0.0, 0.0});
  EXPECT_EQ(batch.values, original.values);
  EXPECT_EQ(random.next_bits(), reference.next_bits());
}

TEST(AugmentBatch, RejectsOtherShapes) {
  Random random(12);
  Tensor<float> two_channels({2, 2, kSide, kSide}), not_square({2, 1, kSide, 20}), flat({2, kSide * kSide});
  EXPECT_THROW(augment_batch(two_channels, random, AffineAugment{}), std::invalid_argument);
  EXPECT_THROW(augment_batch(not_square, random, AffineAugment{}), std::invalid_argument);
  EXPECT_THROW(augment_batch(flat, random, AffineAugment{}), std::invalid_argument);
}

}  // namespace
}  // namespace ladder::nn
