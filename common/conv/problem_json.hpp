/// \file common/conv/problem_json.hpp
/// \brief A ConvProblem as JSON, `{"n", "c", "h", "w", "k", "r", "s", "stride", "padding"}`: the
/// shape in the conv programs' `--json` and in bench_conv's context, which the scripts in
/// benchmarks/ read. For nlohmann::json's conversions: `nlohmann::json shape = problem;`.
#pragma once

#include <nlohmann/json.hpp>

#include "common/conv/problem.hpp"

namespace ladder {

inline void to_json(nlohmann::json& out, const ConvProblem& p) {
  out = {{"n", p.n}, {"c", p.c},           {"h", p.h},
         {"w", p.w}, {"k", p.k},           {"r", p.r},
         {"s", p.s}, {"stride", p.stride}, {"padding", p.padding}};
}

}  // namespace ladder
