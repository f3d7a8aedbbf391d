#include "common/conv/options.hpp"

#include <optional>

#include "common/core/cli_parse.hpp"

namespace ladder {

const std::vector<NamedConvLayer>& named_conv_layers() {
  // {n, c, h, w, k, r, s, stride, padding}
  static const std::vector<NamedConvLayer> layers{
      {"lenet-conv1", {32, 1, 28, 28, 6, 5, 5, 1, 2}, "chapter 14's first layer, batch 32"},
      {"lenet-conv2", {32, 6, 14, 14, 16, 5, 5, 1, 0}, "chapter 14's second layer, batch 32"},
      {"resnet50-3x3-56", {32, 64, 56, 56, 64, 3, 3, 1, 1}, "ResNet-50 conv2_x 3x3, batch 32"},
      {"resnet50-3x3-28", {32, 128, 28, 28, 128, 3, 3, 1, 1}, "ResNet-50 conv3_x 3x3, batch 32"},
      {"resnet50-3x3-14", {32, 256, 14, 14, 256, 3, 3, 1, 1}, "ResNet-50 conv4_x 3x3, batch 32"},
      {"resnet50-3x3-7", {32, 512, 7, 7, 512, 3, 3, 1, 1}, "ResNet-50 conv5_x 3x3, batch 32"},
      {"resnet50-stride2", {32, 128, 56, 56, 128, 3, 3, 2, 1}, "ResNet-50 conv3_1 3x3 stride 2 (v1.5), batch 32"},
      {"resnet50-1x1", {32, 256, 56, 56, 64, 1, 1, 1, 0}, "ResNet-50 conv2_x 1x1 reduce, batch 32"},
  };
  return layers;
}

namespace {
std::optional<NamedConvLayer> find_layer(const std::string& name) {
  for (const NamedConvLayer& layer : named_conv_layers())
    if (layer.name == name) return layer;
  return std::nullopt;
}
}  // namespace

double conv_host_bytes_needed(const ConvProblem& p, bool check) {
  const double elements = double(p.input_elements()) + double(p.filter_elements()) + double(p.output_elements());
  // fp32 copies of x, w, y and a bf16 copy of each; with checking, the fp64 reference output.
  return (4 + 2) * elements + (check ? 8.0 * double(p.output_elements()) : 0);
}

ConvOptions parse_conv_options(int argc, const char* const* argv, const std::string& description) {
  ConvOptions options;
  options.layer = "resnet50-3x3-28";
  CLI::App app(description, argc > 0 ? argv[0] : "conv");
  std::string layer_names;
  for (const NamedConvLayer& layer : named_conv_layers()) layer_names += (layer_names.empty() ? "" : ", ") + layer.name;
  app.add_option("--layer", options.layer, "start from this layer's sizes (" + layer_names + "); see --list")
      ->capture_default_str();
  // Each size flag overrides one size of --layer's problem.
  std::optional<int> n, c, h, w, k, r, s, stride, padding;
  const CLI::Validator size = whole_number(1, 1 << 20, "1..2^20");
  app.add_option("--n", n, "images in the batch")->transform(size);
  app.add_option("--c", c, "input channels")->transform(size);
  app.add_option("--h", h, "input height")->transform(size);
  app.add_option("--w", w, "input width")->transform(size);
  app.add_option("--k", k, "output channels (filters)")->transform(size);
  app.add_option("--r", r, "filter height")->transform(size);
  app.add_option("--s", s, "filter width")->transform(size);
  app.add_option("--stride", stride, "stride, both axes")->transform(size);
  app.add_option("--pad", padding, "zero padding on every side")->transform(whole_number(0, 1 << 10, "0..1024"));
  add_run_flags(app, options,
                {"cuDNN", "the fp64 CPU reference", "all, fp32 (NCHW, CUDA cores) or bf16 (NHWC, tensor cores)",
                 "list the rungs in this executable and the named layers, then exit"});
  app.footer("The output size is P = (H + 2*pad - R)/stride + 1 (Q likewise); FLOPs are 2*N*K*P*Q*C*R*S.\n" +
             run_exit_statuses());
  parse_or_throw(app, argc, argv);
  const std::optional<NamedConvLayer> base = find_layer(options.layer);
  if (!base) throw UsageError("--layer " + options.layer + ": no such layer (one of: " + layer_names + ")");
  ConvProblem& p = options.problem;
  p = base->problem;
  for (auto [flag, target] : {std::pair{&n, &p.n},
                              {&c, &p.c},
                              {&h, &p.h},
                              {&w, &p.w},
                              {&k, &p.k},
                              {&r, &p.r},
                              {&s, &p.s},
                              {&stride, &p.stride},
                              {&padding, &p.padding}})
    if (*flag) *target = **flag;
  if (const auto why = invalid_reason(p)) throw UsageError(describe(p) + ": " + *why);
  const double needed = conv_host_bytes_needed(p, options.check), available = host_memory_bytes();
  if (available > 0 && needed > 0.8 * available)
    throw UsageError(describe(p) + ": needs " + format_bytes(needed) + " of host memory, this machine has " +
                     format_bytes(available));
  return options;
}

}  // namespace ladder
