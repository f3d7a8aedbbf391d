#include "common/nn/augment.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <vector>

#include "common/nn/random.hpp"

namespace ladder::nn {
namespace {

constexpr double kPi = 3.14159265358979323846;

struct CosSin {
  double cosine;
  double sine;
};

// cos and sin of an angle in degrees. Whole quarter turns are taken out first
// and applied by swapping and negating, so multiples of 90 degrees give exact
// 0 and +-1 (std::cos(pi / 2) is 6e-17, not 0) and such rotations stay on the grid.
CosSin cos_sin_degrees(double degrees) {
  const double quarter_turns = std::round(degrees / 90.0);
  const double radians = (degrees - 90.0 * quarter_turns) * (kPi / 180.0);  // in [-pi/4, pi/4]
  const double c = std::cos(radians), s = std::sin(radians);
  switch ((static_cast<long long>(quarter_turns) % 4 + 4) % 4) {
    case 0:
      return {c, s};
    case 1:  // cos(90 + r) = -sin r, sin(90 + r) = cos r
      return {-s, c};
    case 2:
      return {-c, -s};
    default:  // 270
      return {s, -c};
  }
}

void check_limits(const AffineAugment& limits) {
  if (limits.max_shift < 0 || limits.max_rotation_degrees < 0 || limits.max_scale < 0)
    throw std::invalid_argument("AffineAugment: limits must not be negative");
  if (limits.max_scale >= 1) throw std::invalid_argument("AffineAugment: max_scale must be below 1 (scale stays > 0)");
}

// A point outside the source reads 0: the background the image is assumed to sit on.
double pixel_or_zero(const float* image, int side, int x, int y) {
  if (x < 0 || y < 0 || x >= side || y >= side) return 0.0;
  return image[std::size_t(y) * std::size_t(side) + std::size_t(x)];
}

// Bilinear sample at (x, y): the four pixels around it, each weighted by how
// close the point is to it. At a pixel centre the weights are 1, 0, 0, 0, so
// the sample is that pixel exactly.
float sample_bilinear(const float* image, int side, double x, double y) {
  // All four neighbours lie outside (and the int conversions below could
  // overflow for wild positions; NaN fails these comparisons too).
  if (!(x > -1.0 && x < side && y > -1.0 && y < side)) return 0.0f;
  const double left = std::floor(x), top = std::floor(y);
  const double right_weight = x - left, bottom_weight = y - top;  // in [0, 1)
  const int x0 = int(left), y0 = int(top);
  const double upper =
      (1.0 - right_weight) * pixel_or_zero(image, side, x0, y0) + right_weight * pixel_or_zero(image, side, x0 + 1, y0);
  const double lower = (1.0 - right_weight) * pixel_or_zero(image, side, x0, y0 + 1) +
                       right_weight * pixel_or_zero(image, side, x0 + 1, y0 + 1);
  return float((1.0 - bottom_weight) * upper + bottom_weight * lower);
}

}  // namespace

Affine2D identity_affine() { return Affine2D{1, 0, 0, 0, 1, 0}; }

AffineDraw random_draw(Random& random, const AffineAugment& limits) {
  check_limits(limits);
  // One statement per call: the order of the draws is part of the seed's meaning.
  AffineDraw draw;
  draw.shift_x = random.uniform(-limits.max_shift, limits.max_shift);
  draw.shift_y = random.uniform(-limits.max_shift, limits.max_shift);
  draw.degrees = random.uniform(-limits.max_rotation_degrees, limits.max_rotation_degrees);
  draw.scale = 1.0 + random.uniform(-limits.max_scale, limits.max_scale);
  return draw;
}

Affine2D affine_from(const AffineDraw& draw, int side) {
  if (!(draw.scale > 0)) throw std::invalid_argument("affine_from: scale must be positive");
  // Forward (content) map, with y down so that [cos sin; -sin cos] turns
  // counter-clockwise on screen:
  //   q = scale * R * (p - centre) + centre + shift.
  // Sampling needs its inverse, and R^-1 = R^T:
  //   p = R^T * (q - centre - shift) / scale + centre.
  const double centre = (side - 1) / 2.0;
  const CosSin rotation = cos_sin_degrees(draw.degrees);
  Affine2D map;
  map.a = rotation.cosine / draw.scale;
  map.b = -rotation.sine / draw.scale;
  map.d = rotation.sine / draw.scale;
  map.e = rotation.cosine / draw.scale;
  const double moved_centre_x = centre + draw.shift_x, moved_centre_y = centre + draw.shift_y;
  map.c = centre - map.a * moved_centre_x - map.b * moved_centre_y;
  map.f = centre - map.d * moved_centre_x - map.e * moved_centre_y;
  return map;
}

Affine2D random_affine(Random& random, const AffineAugment& limits, int side) {
  return affine_from(random_draw(random, limits), side);
}

void warp_image(const float* source, float* destination, int side, const Affine2D& map) {
  for (int y = 0; y < side; ++y) {
    for (int x = 0; x < side; ++x) {
      const double source_x = map.a * x + map.b * y + map.c;
      const double source_y = map.d * x + map.e * y + map.f;
      destination[std::size_t(y) * std::size_t(side) + std::size_t(x)] =
          sample_bilinear(source, side, source_x, source_y);
    }
  }
}

void augment_batch(Tensor<float>& images, Random& random, const AffineAugment& limits) {
  if (images.shape.size() != 4 || images.dim(1) != 1 || images.dim(2) != images.dim(3))
    throw std::invalid_argument("augment_batch: images must be (N, 1, side, side), got " +
                                shape_to_string(images.shape));
  if (!limits.enabled()) return;
  const int side = images.dim(2);
  const std::size_t image_size = std::size_t(side) * std::size_t(side);
  std::vector<float> original(image_size);  // warp_image cannot write over its own source
  for (int n = 0; n < images.dim(0); ++n) {
    float* image = images.data() + std::size_t(n) * image_size;
    std::copy(image, image + image_size, original.begin());
    warp_image(original.data(), image, side, random_affine(random, limits, side));
  }
}

}  // namespace ladder::nn
