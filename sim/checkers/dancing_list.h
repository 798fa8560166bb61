// Nodes 1..n in a given order, doubly linked and circular through the head 0. Removing a node keeps
// its own links, so restoring nodes in the reverse order of their removal rebuilds the list exactly
// (Knuth's dancing links; Porcupine's lift and unlift of its entry list).
#pragma once

#include <cstdint>
#include <limits>
#include <span>
#include <vector>

#include "core/env/assert.h"

namespace keel::sim {

class DancingList {
 public:
  using Node = std::uint32_t;
  static constexpr Node kHead = 0;

  DancingList(std::size_t nodes, std::span<const Node> order) : next_(nodes + 1), prev_(nodes + 1) {
    KEEL_ASSERT(nodes < std::numeric_limits<Node>::max(), "too many list nodes: ", nodes);
    Node last = kHead;
    for (const Node node : order) {
      KEEL_ASSERT(node != kHead && node <= nodes, "list node ", node, " out of 1..", nodes);
      next_[last] = node;
      prev_[node] = last;
      last = node;
    }
    next_[last] = kHead;
    prev_[kHead] = last;
  }

  Node first() const { return next_[kHead]; }
  Node next(Node node) const { return next_[node]; }
  void remove(Node node) {
    next_[prev_[node]] = next_[node];
    prev_[next_[node]] = prev_[node];
  }
  void restore(Node node) {
    next_[prev_[node]] = node;
    prev_[next_[node]] = node;
  }

 private:
  std::vector<Node> next_;
  std::vector<Node> prev_;
};

}  // namespace keel::sim
