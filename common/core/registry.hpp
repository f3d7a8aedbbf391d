/// \file common/core/registry.hpp
/// \brief The list of rungs a program links, shared by the GEMM and convolution registries.
///
/// Each rung's .cu file registers its rungs from a static initialiser, so a
/// program's list is exactly the rungs it links. A Rung is any struct with a
/// unique `name`, a `chapter` and a `kind` (RungKind).
#pragma once

#include <algorithm>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace ladder {

template <typename Rung>
class RungList {
 public:
  explicit RungList(std::vector<Rung> vendor_rungs) : rungs_(std::move(vendor_rungs)) {}

  /// Adds a rung; throws std::logic_error on an empty or duplicate name.
  void add(Rung rung) {
    if (rung.name.empty()) throw std::logic_error("register: a rung needs a name");
    if (find(rung.name)) throw std::logic_error("register: duplicate rung '" + rung.name + "'");
    rungs_.push_back(std::move(rung));
  }

  /// Every rung, ordered by chapter, then kind (vendor, chapter, solution,
  /// exercise, candidate), then the label that starts its name ("13a", "13c"), then
  /// registration order: the order of the ladder's tables. The label matters
  /// when a chapter registers rungs from several files, whose static
  /// initialisers run in an order C++ leaves open.
  std::vector<Rung> in_ladder_order() const {
    std::vector<Rung> sorted = rungs_;
    std::stable_sort(sorted.begin(), sorted.end(), [](const Rung& x, const Rung& y) {
      if (x.chapter != y.chapter) return x.chapter < y.chapter;
      if (x.kind != y.kind) return int(x.kind) < int(y.kind);
      return label_of(x.name) < label_of(y.name);
    });
    return sorted;
  }

  /// A name's first word: "13c" for "13c 128x64x32 s4".
  static std::string_view label_of(std::string_view name) { return name.substr(0, name.find(' ')); }

  /// The rung with this name, or nothing.
  std::optional<Rung> find(std::string_view name) const {
    for (const Rung& rung : rungs_)
      if (rung.name == name) return rung;
    return std::nullopt;
  }

 private:
  std::vector<Rung> rungs_;
};

}  // namespace ladder
