/// \file common/nn/augment.hpp
/// \brief Random affine augmentation of training images (small shifts, rotations and scaling).
///
/// The CPU oracle of the augmentation: the GPU path implements the same
/// transform and is tested against these functions.
///
/// Conventions, in the image's own coordinates: x is the column (growing to the
/// right), y is the row (growing downwards), and pixel (x, y) is the sample at
/// the integer point (x, y), so pixel centres lie on the grid and the image
/// centre is ((side - 1) / 2, (side - 1) / 2). A transform moves the content:
///   - a positive shift_x moves it right, a positive shift_y moves it down (pixels);
///   - a positive angle turns it counter-clockwise as the image is displayed
///     (degrees, about the image centre);
///   - a scale above 1 enlarges it (about the image centre).
#pragma once

#include "common/nn/tensor.hpp"

namespace ladder::nn {

class Random;

/// How far the random transform may go; each parameter is drawn uniformly
/// from its range. The defaults are the usual choices for MNIST-like digits
/// (the ranges common training scripts pass to their random-affine
/// transforms): a 28x28 digit may move by up to 2 pixels, turn by up to 10
/// degrees and grow or shrink by up to 10%, which keeps it readable and inside
/// the frame (MNIST digits sit in a 20x20 box with a 4-pixel margin).
struct AffineAugment {
  double max_shift = 2.0;              ///< pixels along each axis, either way: shift in [-max, max)
  double max_rotation_degrees = 10.0;  ///< degrees either way: angle in [-max, max)
  double max_scale = 0.1;              ///< scale in [1 - max, 1 + max); below 1

  /// Whether any transform can happen (a limit is nonzero); all zero means "no augmentation".
  bool enabled() const { return max_shift != 0 || max_rotation_degrees != 0 || max_scale != 0; }
};

/// The parameters of one transform, in the units and directions of the file comment.
struct AffineDraw {
  double shift_x = 0;  ///< pixels, positive = content moves right
  double shift_y = 0;  ///< pixels, positive = content moves down
  double degrees = 0;  ///< positive = content turns counter-clockwise on screen
  double scale = 1;    ///< above 1 = content grows
};

/// The inverse map used for sampling: output pixel (x, y) reads the source at
/// (a * x + b * y + c, d * x + e * y + f). Storing the inverse means every
/// output pixel gets exactly one value and no holes appear.
struct Affine2D {
  double a = 1, b = 0, c = 0;
  double d = 0, e = 1, f = 0;
};

/// The map that leaves every pixel where it is.
Affine2D identity_affine();

/// Draws one transform uniformly within `limits`. The Random calls come in a
/// fixed order (shift_x, shift_y, degrees, scale), one uniform() each, so the
/// same seed gives the same draws on every platform. Throws
/// std::invalid_argument for a negative limit or max_scale >= 1.
AffineDraw random_draw(Random& random, const AffineAugment& limits);

/// The sampling map of `draw` for side x side images: rotate and scale about
/// the image centre, then shift. Multiples of 90 degrees give exact 0 and +-1
/// entries, so those rotations land exactly on the pixel grid. Throws
/// std::invalid_argument unless draw.scale > 0.
Affine2D affine_from(const AffineDraw& draw, int side);

/// affine_from(random_draw(random, limits), side): one random transform's sampling map.
Affine2D random_affine(Random& random, const AffineAugment& limits, int side);

/// Resamples the side x side row-major `source` through `map` into
/// `destination` (which must not overlap it) by bilinear interpolation.
/// Borders: the source is treated as surrounded by zeros (MNIST's background),
/// so a position more than one pixel outside the image reads 0, and one within
/// a pixel of the edge fades linearly between the edge pixel and 0. Every
/// output is a convex blend of source pixels and 0, so it stays within
/// [min(0, source min), max(0, source max)].
void warp_image(const float* source, float* destination, int side, const Affine2D& map);

/// Transforms each image of `images`, (N, 1, side, side), in place with its
/// own random_affine draw, taken in image order. Disabled limits leave the
/// images and `random` untouched. Throws std::invalid_argument for another shape.
void augment_batch(Tensor<float>& images, Random& random, const AffineAugment& limits);

}  // namespace ladder::nn
