/// \file common/nn/synthetic_digits.hpp
/// \brief MNIST-like handwritten digits drawn from strokes: the offline data set and the test data.
///
/// Each digit 0-9 is a skeleton of pen strokes (lines and elliptic arcs) in a
/// unit square, with a few style variants (a 1 with or without a flag, an open
/// or closed 4, a 7 with or without a cross bar). Every sample jitters the
/// stroke points, applies a random affine transform (rotation, shear, scale,
/// shift), draws the strokes with a random pen thickness and anti-aliased
/// edges into a 28x28 image, and adds noise and the odd stray mark. The result
/// is seeded and deterministic: the same seed gives the same bytes everywhere.
#pragma once

#include <cstdint>
#include <vector>

#include "common/nn/idx.hpp"

namespace ladder::nn {

class Random;

/// One 28x28 image of `digit` (row-major, 0 = background, 255 = ink), drawn
/// with the random choices taken from `random`.
std::vector<std::uint8_t> render_synthetic_digit(int digit, Random& random);

/// `count` labelled 28x28 images with uniformly random labels, a pure function of `seed`.
LabelledImages generate_synthetic_digits(int count, std::uint64_t seed);

/// A training and a test split from independent streams of `seed`, so no test
/// image is a copy of a training image.
MnistData generate_synthetic_mnist(int train_count, int test_count, std::uint64_t seed);

}  // namespace ladder::nn
