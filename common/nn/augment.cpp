#include "common/nn/augment.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <vector>

#include "common/nn/random.hpp"

namespace ladder::nn {
namespace {

void check_limits(const AffineAugment& limits) {
  if (limits.max_shift < 0 || limits.max_rotation_degrees < 0 || limits.max_scale < 0)
    throw std::invalid_argument("AffineAugment: limits must not be negative");
  if (limits.max_scale >= 1) throw std::invalid_argument("AffineAugment: max_scale must be below 1 (scale stays > 0)");
}

}  // namespace

Affine2D identity_affine() { return Affine2D{1, 0, 0, 0, 1, 0}; }

AffineDraw random_draw(Random& random, const AffineAugment& limits) {
  check_limits(limits);
  return draw_affine(random, limits);
}

Affine2D affine_from(const AffineDraw& draw, int side) {
  if (!(draw.scale > 0)) throw std::invalid_argument("affine_from: scale must be positive");
  return affine_map(draw, side);
}

Affine2D random_affine(Random& random, const AffineAugment& limits, int side) {
  return affine_from(random_draw(random, limits), side);
}

void warp_image(const float* source, float* destination, int side, const Affine2D& map) {
  for (int y = 0; y < side; ++y)
    for (int x = 0; x < side; ++x)
      destination[std::size_t(y) * std::size_t(side) + std::size_t(x)] = warped_pixel(source, side, map, x, y);
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
