#include "common/nn/synthetic_digits.hpp"

#include <algorithm>
#include <cmath>

#include "common/nn/random.hpp"

namespace ladder::nn {
namespace {

struct Point {
  double x;
  double y;
};
using Stroke = std::vector<Point>;  // a polyline the pen draws without lifting

constexpr double kDigitBox = 20.0;  // MNIST digits fill a 20x20 box in the 28x28 image
constexpr double kPi = 3.14159265358979323846;

// Points of an elliptic arc in the unit square. Angles in degrees with y
// pointing down: 0 = right, 90 = bottom, 180 = left, 270 = top.
Stroke arc(double cx, double cy, double rx, double ry, double from_degrees, double to_degrees) {
  const int segments = std::max(2, int(std::abs(to_degrees - from_degrees) / 20.0));
  Stroke points;
  for (int i = 0; i <= segments; ++i) {
    const double angle = (from_degrees + (to_degrees - from_degrees) * i / segments) * kPi / 180.0;
    points.push_back({cx + rx * std::cos(angle), cy + ry * std::sin(angle)});
  }
  return points;
}

Stroke then(Stroke first, const Stroke& second) {
  first.insert(first.end(), second.begin(), second.end());
  return first;
}

// The pen strokes of each digit in the unit square (x right, y down), with style variants.
std::vector<Stroke> digit_strokes(int digit, Random& random) {
  const bool variant = random.uniform() < 0.5;
  switch (digit) {
    case 0:
      return {arc(0.5, 0.5, 0.3, 0.42, 0, 360)};
    case 1: {
      std::vector<Stroke> strokes = {{{0.5, 0.08}, {0.5, 0.92}}};
      if (variant) strokes[0].insert(strokes[0].begin(), Point{0.32, 0.26});  // the flag
      if (random.uniform() < 0.25) strokes.push_back({{0.34, 0.92}, {0.66, 0.92}});
      return strokes;
    }
    case 2:
      return {then(arc(0.5, 0.32, 0.27, 0.22, 200, 400), {{0.2, 0.9}, {0.82, 0.9}})};
    case 3:
      return {then(arc(0.48, 0.29, 0.25, 0.2, 210, 450), arc(0.48, 0.7, 0.28, 0.21, 270, 510))};
    case 4:
      if (variant) return {{{0.62, 0.92}, {0.62, 0.08}, {0.18, 0.64}, {0.85, 0.64}}};
      return {{{0.25, 0.08}, {0.2, 0.6}, {0.85, 0.6}}, {{0.65, 0.3}, {0.65, 0.92}}};
    case 5:
      return {then({{0.78, 0.1}, {0.32, 0.1}, {0.28, 0.45}}, arc(0.5, 0.66, 0.27, 0.24, 220, 500))};
    case 6:
      return {then({{0.7, 0.08}, {0.45, 0.3}, {0.3, 0.55}}, arc(0.5, 0.68, 0.22, 0.22, 180, 540))};
    case 7: {
      std::vector<Stroke> strokes = {{{0.18, 0.1}, {0.82, 0.1}, {0.42, 0.92}}};
      if (variant) strokes.push_back({{0.4, 0.52}, {0.72, 0.52}});  // the cross bar
      return strokes;
    }
    case 8:
      return {arc(0.5, 0.29, 0.21, 0.19, 0, 360), arc(0.5, 0.7, 0.26, 0.22, 0, 360)};
    default:  // 9
      if (variant) return {arc(0.5, 0.32, 0.24, 0.22, 0, 360), {{0.74, 0.32}, {0.68, 0.92}}};
      return {then(arc(0.5, 0.32, 0.24, 0.22, 0, 360), arc(0.3, 0.32, 0.44, 0.6, 0, 80))};
  }
}

// A random pose: unit-square point -> pixel coordinates in the 28x28 image.
struct Pose {
  double m00, m01, m10, m11;  // rotation * shear * scale
  double shift_x, shift_y;    // centre of the digit in pixels

  static Pose random(Random& random) {
    const double angle = random.uniform(-0.3, 0.3);  // about +-17 degrees
    const double shear = random.uniform(-0.4, 0.4);
    const double scale_x = random.uniform(0.65, 1.2) * kDigitBox;
    const double scale_y = random.uniform(0.75, 1.15) * kDigitBox;
    const double c = std::cos(angle), s = std::sin(angle);
    // [c -s; s c] * [1 shear; 0 1] * diag(scale_x, scale_y)
    return {c * scale_x,
            (c * shear - s) * scale_y,
            s * scale_x,
            (s * shear + c) * scale_y,
            kMnistSide / 2.0 + random.uniform(-3, 3),
            kMnistSide / 2.0 + random.uniform(-3, 3)};
  }
  Point apply(Point p) const {
    const double x = p.x - 0.5, y = p.y - 0.5;
    return {shift_x + m00 * x + m01 * y, shift_y + m10 * x + m11 * y};
  }
};

double distance_to_segment(Point p, Point a, Point b) {
  const double dx = b.x - a.x, dy = b.y - a.y;
  const double length_squared = dx * dx + dy * dy;
  double t = length_squared > 0 ? ((p.x - a.x) * dx + (p.y - a.y) * dy) / length_squared : 0;
  t = std::clamp(t, 0.0, 1.0);
  return std::hypot(p.x - (a.x + t * dx), p.y - (a.y + t * dy));
}

// Draws one segment with an anti-aliased pen of the given radius: ink falls
// from 1 to 0 over the pixel at the pen's edge. Only the segment's bounding
// box is visited, which keeps generation cheap.
void draw_segment(std::vector<double>& image, Point a, Point b, double radius) {
  const int x0 = std::max(0, int(std::floor(std::min(a.x, b.x) - radius - 1)));
  const int x1 = std::min(kMnistSide - 1, int(std::ceil(std::max(a.x, b.x) + radius + 1)));
  const int y0 = std::max(0, int(std::floor(std::min(a.y, b.y) - radius - 1)));
  const int y1 = std::min(kMnistSide - 1, int(std::ceil(std::max(a.y, b.y) + radius + 1)));
  for (int row = y0; row <= y1; ++row) {
    for (int col = x0; col <= x1; ++col) {
      const double distance = distance_to_segment({col + 0.5, row + 0.5}, a, b);
      const double ink = std::clamp(radius + 0.5 - distance, 0.0, 1.0);
      double& pixel = image[std::size_t(row) * kMnistSide + col];
      pixel = std::max(pixel, ink);
    }
  }
}

void draw_stroke(std::vector<double>& image, const Stroke& stroke, const Pose& pose, double radius, Random& random) {
  constexpr double kJitter = 0.035;  // wobble of each stroke point, in units of the digit box
  Point previous{};
  for (std::size_t i = 0; i < stroke.size(); ++i) {
    const Point jittered{stroke[i].x + kJitter * random.normal(), stroke[i].y + kJitter * random.normal()};
    const Point current = pose.apply(jittered);
    if (i > 0) draw_segment(image, previous, current, radius);
    previous = current;
  }
}

// A short thin stray mark somewhere in the image, as on a scanned form.
void draw_stray_mark(std::vector<double>& image, Random& random) {
  const Point start{random.uniform(2, kMnistSide - 2), random.uniform(2, kMnistSide - 2)};
  const double angle = random.uniform(0, 2 * kPi), length = random.uniform(2, 6);
  const Point end{start.x + length * std::cos(angle), start.y + length * std::sin(angle)};
  draw_segment(image, start, end, random.uniform(0.4, 0.8));
}

std::vector<std::uint8_t> to_bytes(const std::vector<double>& image, double brightness, double noise, Random& random) {
  std::vector<std::uint8_t> bytes(image.size());
  for (std::size_t i = 0; i < image.size(); ++i) {
    const double value = std::clamp(brightness * image[i] + noise * random.normal(), 0.0, 1.0);
    bytes[i] = std::uint8_t(std::lround(value * 255));
  }
  return bytes;
}

}  // namespace

std::vector<std::uint8_t> render_synthetic_digit(int digit, Random& random) {
  std::vector<double> image(std::size_t(kMnistSide) * kMnistSide, 0.0);
  const Pose pose = Pose::random(random);
  const double radius = random.uniform(0.7, 1.6);  // pen thickness 1.4 to 3.2 pixels
  for (const Stroke& stroke : digit_strokes(digit, random)) draw_stroke(image, stroke, pose, radius, random);
  const int stray_marks = int(random.below(4)) - 1;  // none half the time, else 1 or 2
  for (int i = 0; i < stray_marks; ++i) draw_stray_mark(image, random);
  const double brightness = random.uniform(0.5, 1.0);
  const double noise = random.uniform(0.0, 0.15);
  return to_bytes(image, brightness, noise, random);
}

LabelledImages generate_synthetic_digits(int count, std::uint64_t seed) {
  Random random(seed);
  LabelledImages set;
  set.images.count = count;
  set.images.rows = kMnistSide;
  set.images.cols = kMnistSide;
  set.images.pixels.reserve(std::size_t(count) * kMnistSide * kMnistSide);
  set.labels.labels.reserve(std::size_t(count));
  for (int i = 0; i < count; ++i) {
    const int digit = int(random.below(kMnistClasses));
    const std::vector<std::uint8_t> image = render_synthetic_digit(digit, random);
    set.images.pixels.insert(set.images.pixels.end(), image.begin(), image.end());
    set.labels.labels.push_back(std::uint8_t(digit));
  }
  return set;
}

MnistData generate_synthetic_mnist(int train_count, int test_count, std::uint64_t seed) {
  return MnistData{generate_synthetic_digits(train_count, derive_seed(seed, 1)),
                   generate_synthetic_digits(test_count, derive_seed(seed, 2))};
}

}  // namespace ladder::nn
