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

#include <cmath>
#include <cstddef>

#include "common/core/host_device.hpp"
#include "common/nn/random.hpp"
#include "common/nn/tensor.hpp"

namespace ladder::nn {

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

// The arithmetic of the transform, on the host and on the GPU (gpu/training.cu), so that both
// paths make the same images from the same draws. The checked functions below call these.

/// The Random draws of one transform: draw_affine calls uniform() this many times, so the
/// transform of the i-th image augmented in a run starts at draw kDrawsPerTransform * i.
inline constexpr int kDrawsPerTransform = 4;

/// random_draw without its checks of `limits`.
LADDER_HOST_DEVICE inline AffineDraw draw_affine(Random& random, const AffineAugment& limits) {
  // One statement per call: the order of the draws is part of the seed's meaning.
  AffineDraw draw;
  draw.shift_x = random.uniform(-limits.max_shift, limits.max_shift);
  draw.shift_y = random.uniform(-limits.max_shift, limits.max_shift);
  draw.degrees = random.uniform(-limits.max_rotation_degrees, limits.max_rotation_degrees);
  draw.scale = 1.0 + random.uniform(-limits.max_scale, limits.max_scale);
  return draw;
}

/// affine_from without its check that draw.scale > 0.
LADDER_HOST_DEVICE inline Affine2D affine_map(const AffineDraw& draw, int side) {
  // cos and sin of the angle. Whole quarter turns are taken out first and applied by swapping
  // and negating, so multiples of 90 degrees give exact 0 and +-1 (cos(pi / 2) is 6e-17, not 0)
  // and such rotations stay on the grid.
  const double quarter_turns = ::round(draw.degrees / 90.0);
  const double rest_degrees = draw.degrees - 90.0 * quarter_turns;  // in [-45, 45]
#ifdef __CUDA_ARCH__
  // On the GPU, sinpi and cospi: CUDA's double sin and cos keep a slow path for huge arguments
  // that spills to local memory, while x·pi needs no such reduction. They may differ from the
  // host's sin and cos in the last bit, which moves a float pixel by one unit in its last
  // place at most, and rarely.
  double s, c;
  ::sincospi(rest_degrees / 180.0, &s, &c);
#else
  const double radians = rest_degrees * (3.14159265358979323846 / 180.0);
  const double c = ::cos(radians), s = ::sin(radians);
#endif
  const long long quadrant = (static_cast<long long>(quarter_turns) % 4 + 4) % 4;
  const double cosine = quadrant == 0 ? c : quadrant == 1 ? -s : quadrant == 2 ? -c : s;  // cos(90 q + r)
  const double sine = quadrant == 0 ? s : quadrant == 1 ? c : quadrant == 2 ? -s : -c;    // sin(90 q + r)
  // Forward (content) map, with y down so that [cos sin; -sin cos] turns counter-clockwise on
  // screen: q = scale * R * (p - centre) + centre + shift. Sampling needs its inverse, and
  // R^-1 = R^T: p = R^T * (q - centre - shift) / scale + centre.
  const double centre = (side - 1) / 2.0;
  Affine2D map;
  map.a = cosine / draw.scale;
  map.b = -sine / draw.scale;
  map.d = sine / draw.scale;
  map.e = cosine / draw.scale;
  const double moved_centre_x = centre + draw.shift_x, moved_centre_y = centre + draw.shift_y;
  map.c = centre - map.a * moved_centre_x - map.b * moved_centre_y;
  map.f = centre - map.d * moved_centre_x - map.e * moved_centre_y;
  return map;
}

/// Output pixel (x, y) of warp_image: the bilinear sample of `source` at map(x, y), reading 0
/// outside the image. At a pixel centre the weights are 1, 0, 0, 0: that pixel exactly.
LADDER_HOST_DEVICE inline float warped_pixel(const float* source, int side, const Affine2D& map, int x, int y) {
  const double source_x = map.a * x + map.b * y + map.c, source_y = map.d * x + map.e * y + map.f;
  // All four neighbours lie outside (and the int conversions below could overflow for wild
  // positions; NaN fails these comparisons too).
  if (!(source_x > -1.0 && source_x < side && source_y > -1.0 && source_y < side)) return 0.0f;
  const double left = ::floor(source_x), top = ::floor(source_y);
  const double right_weight = source_x - left, bottom_weight = source_y - top;  // in [0, 1)
  const int x0 = int(left), y0 = int(top);
  const auto pixel = [&](int px, int py) -> double {  // the background outside the image is 0
    return px < 0 || py < 0 || px >= side || py >= side ? 0.0 : source[std::size_t(py) * std::size_t(side) + px];
  };
  const double upper = (1.0 - right_weight) * pixel(x0, y0) + right_weight * pixel(x0 + 1, y0);
  const double lower = (1.0 - right_weight) * pixel(x0, y0 + 1) + right_weight * pixel(x0 + 1, y0 + 1);
  return float((1.0 - bottom_weight) * upper + bottom_weight * lower);
}

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
