// Chapter 14: a LeNet-5 CNN trained on MNIST, here on the CPU reference layers.
//
//   bin/ch14_mnist_cnn --cpu --synthetic 20000 --epochs 3     # offline: generated digits
//   bin/ch14_mnist_cnn --cpu --data ~/mnist --epochs 3        # after get_mnist.py --dir ~/mnist
//
// prints a progress line per epoch (stderr), a summary per epoch, then
// "test accuracy: 98.76%", per-class precision, recall and F1 and the confusion matrix.
#include <unistd.h>

#include <cstdio>
#include <iostream>

#include "chapters/14_mnist_cnn/mnist_options.hpp"
#include "common/nn/mnist_app.hpp"

int main(int argc, char** argv) {
  const ladder::ch14::CommandLine command_line = ladder::ch14::parse_command_line(argc, argv);
  if (command_line.exit_now) {
    (command_line.exit_status == 0 ? std::cout : std::cerr) << command_line.message;
    return command_line.exit_status;
  }
  if (!command_line.cpu) {
    std::cerr << "ch14_mnist_cnn: the GPU path is not built yet (it arrives with the GPU chapters); "
                 "run with --cpu for the CPU reference network\n";
    return 1;
  }
  const bool stderr_is_terminal = ::isatty(::fileno(stderr)) != 0;
  return ladder::nn::run_mnist_cpu(command_line.options, std::cout, std::cerr, stderr_is_terminal);
}
