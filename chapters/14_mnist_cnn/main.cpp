// Chapter 14: a LeNet-5 CNN trained on MNIST, on the GPU with the chapters' kernels, or with
// --cpu on the CPU reference layers.
//
//   build/bin/ch14_mnist_cnn --synthetic 20000 --epochs 3        # offline: generated digits
//   build/bin/ch14_mnist_cnn --data data/mnist --epochs 3        # after get_mnist.py --dir data/mnist
//   build/bin/ch14_mnist_cnn --cpu --data data/mnist --epochs 3  # the CPU reference, the same batches
//   build/bin/ch14_mnist_cnn --data /usr/share/datasets/fashion-mnist  # Debian's dataset-fashion-mnist
//
// prints a progress line per epoch (stderr), a summary per epoch, then the test accuracy,
// per-class precision, recall and F1 and the confusion matrix.
#include <unistd.h>

#include <cstdio>
#include <iostream>

#include "chapters/14_mnist_cnn/mnist_options.hpp"
#include "common/nn/gpu/training.cuh"
#include "common/nn/mnist_app.hpp"

int main(int argc, char** argv) {
  const ladder::ch14::CommandLine command_line = ladder::ch14::parse_command_line(argc, argv);
  if (command_line.exit_now) {
    (command_line.exit_status == 0 ? std::cout : std::cerr) << command_line.message;
    return command_line.exit_status;
  }
  const bool stderr_is_terminal = ::isatty(::fileno(stderr)) != 0;
  if (command_line.cpu)
    return ladder::nn::run_mnist_cpu(command_line.options, std::cout, std::cerr, stderr_is_terminal);
  return ladder::nn::gpu::run_mnist_gpu(command_line.options, std::cout, std::cerr, stderr_is_terminal);
}
