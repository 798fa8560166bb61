// The simulator's one event queue: events ordered by (time, sequence number), so two events at
// the same instant run in the order they were scheduled, on every run.
#pragma once

#include <cstdint>
#include <vector>

#include "core/env/assert.h"
#include "core/env/types.h"

namespace keel::sim {

// A min-heap of (time, seq, payload) where the payload is a small handle chosen by the caller.
class EventQueue {
 public:
  struct Item {
    Time time;
    std::uint64_t seq;
    std::uint32_t slot;
  };

  void push(Time time, std::uint32_t slot) {
    heap_.push_back(Item{time, next_seq_++, slot});
    sift_up(heap_.size() - 1);
  }

  bool empty() const { return heap_.empty(); }
  std::size_t size() const { return heap_.size(); }
  const Item& top() const {
    KEEL_ASSERT(!heap_.empty(), "top() of an empty event queue");
    return heap_.front();
  }

  Item pop() {
    KEEL_ASSERT(!heap_.empty(), "pop() of an empty event queue");
    Item first = heap_.front();
    heap_.front() = heap_.back();
    heap_.pop_back();
    if (!heap_.empty()) sift_down(0);
    return first;
  }

 private:
  static bool before(const Item& a, const Item& b) {
    return a.time < b.time || (a.time == b.time && a.seq < b.seq);
  }

  void sift_up(std::size_t i) {
    Item item = heap_[i];
    while (i > 0) {
      const std::size_t parent = (i - 1) / 2;
      if (!before(item, heap_[parent])) break;
      heap_[i] = heap_[parent];
      i = parent;
    }
    heap_[i] = item;
  }

  void sift_down(std::size_t i) {
    Item item = heap_[i];
    const std::size_t n = heap_.size();
    while (true) {
      std::size_t child = 2 * i + 1;
      if (child >= n) break;
      if (child + 1 < n && before(heap_[child + 1], heap_[child])) ++child;
      if (!before(heap_[child], item)) break;
      heap_[i] = heap_[child];
      i = child;
    }
    heap_[i] = item;
  }

  std::vector<Item> heap_;
  std::uint64_t next_seq_ = 0;
};

}  // namespace keel::sim
