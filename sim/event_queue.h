// The simulator's one event queue: events ordered by (time, sequence number), so two events at
// the same instant run in the order they were scheduled, on every run.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "core/env/assert.h"
#include "core/env/types.h"

namespace keel::sim {

// A min-heap of (time, seq, payload) where the payload is a small handle chosen by the caller,
// with a first-in-first-out lane for events pushed at the current instant (the time of the last
// pop): a zero-delay timer or call costs no heap operation. The order is exactly the heap's
// alone: the heap's events at the current instant were all pushed before that instant was
// reached, so their sequence numbers are smaller than every lane event's and they go first.
class EventQueue {
 public:
  // Slots are below 2^kSlotBits (World keeps fewer slots); sequence numbers below 2^(64 -
  // kSlotBits), over a trillion events. Both limits are asserted.
  static constexpr int kSlotBits = 24;
  static constexpr std::uint32_t kSlotLimit = std::uint32_t{1} << kSlotBits;
  static constexpr std::uint64_t kSeqLimit = std::uint64_t{1} << (64 - kSlotBits);

  // 16 bytes: the sequence number and the slot share one word, the sequence number on top, so
  // comparing (time, order) compares (time, seq), and an item moves in one 16-byte copy.
  struct Item {
    Time time;
    std::uint64_t order;  // seq << kSlotBits | slot
    std::uint32_t slot() const { return static_cast<std::uint32_t>(order & (kSlotLimit - 1)); }
  };

  void push(Time time, std::uint32_t slot) {
    if (time < current_ || slot >= kSlotLimit || next_seq_ >= kSeqLimit) [[unlikely]] {
      refuse_push(time, slot);
    }
    const Item item{time, next_seq_++ << kSlotBits | slot};
    if (time == current_) {
      now_lane_.push_back(item);
      return;
    }
    heap_.push_back(item);
    sift_up(heap_.size() - 1);
  }

  bool empty() const { return heap_.empty() && lane_empty(); }
  std::size_t size() const { return heap_.size() + now_lane_.size() - lane_head_; }
  const Item& top() const {
    KEEL_ASSERT(!empty(), "top() of an empty event queue");
    return lane_first() ? now_lane_[lane_head_] : heap_.front();
  }

  Item pop() {
    KEEL_ASSERT(!empty(), "pop() of an empty event queue");
    return lane_first() ? take_lane() : take_heap();
  }

  // The first event, removed, if it is due by `until`; none otherwise. One look at the lane and
  // the heap, where checking empty(), then top(), then pop() looks three times.
  std::optional<Item> pop_due(Time until) {
    if (lane_first()) {
      if (current_ > until) return std::nullopt;
      return take_lane();
    }
    if (heap_.empty() || heap_.front().time > until) return std::nullopt;
    return take_heap();
  }

 private:
  static bool before(const Item& a, const Item& b) {
    return a.time < b.time || (a.time == b.time && a.order < b.order);
  }
  // before(), as one unsigned 128-bit compare of (time, order) with no branch: for the choice
  // between two children, which goes either way about as often. Times are never negative (the
  // queue starts at Time{} and refuses pushes before its current instant), so the unsigned high
  // word orders them as Time does.
  static bool before_branchless(const Item& a, const Item& b) { return key(a) < key(b); }
  static unsigned __int128 key(const Item& item) {
    const auto time = static_cast<std::uint64_t>(item.time.time_since_epoch().count());
    return static_cast<unsigned __int128>(time) << 64 | item.order;
  }

  // push()'s checks, out of line: the message building stays off the hot path.
  [[noreturn, gnu::cold, gnu::noinline]] void refuse_push(Time time, std::uint32_t slot) const {
    KEEL_ASSERT(time >= current_, "event pushed before the current instant");
    KEEL_ASSERT(slot < kSlotLimit, "event slot out of the queue's range");
    KEEL_ASSERT(next_seq_ < kSeqLimit, "event sequence numbers exhausted");
    KEEL_UNREACHABLE("refuse_push called for a valid push");
  }

  bool lane_empty() const { return lane_head_ == now_lane_.size(); }
  // The lane's events are all at current_; the heap's at current_ are older (see the class note).
  bool lane_first() const {
    return !lane_empty() && (heap_.empty() || heap_.front().time > current_);
  }

  Item take_lane() {
    const Item first = now_lane_[lane_head_++];
    if (lane_empty()) {  // drained: reuse the storage from the start
      now_lane_.clear();
      lane_head_ = 0;
    }
    return first;
  }

  Item take_heap() {
    const Item first = heap_.front();
    const Item last = heap_.back();
    heap_.pop_back();
    if (!heap_.empty()) refill_root_with(last);
    // The lane is empty here (it goes before any later heap event), so moving on is safe.
    current_ = first.time;
    return first;
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

  // Removes the root the bottom-up way (Floyd; I. Wegener, "BOTTOM-UP-HEAPSORT", 1993): the
  // hole left by the root moves down to a leaf along the smaller children, one comparison per
  // level, and `last` (the former last item) is put there and sifted up. `last` nearly always
  // belongs near the bottom, so this saves the second comparison per level that sifting it down
  // from the root costs. Keys are unique (the sequence numbers), so the order of pops is the same
  // either way.
  void refill_root_with(const Item& last) {
    Item* const heap = heap_.data();
    const std::size_t n = heap_.size();
    const Item* const two_children_end = heap + (n - 1) / 2;  // holes before it have both
    Item* hole = heap;
    while (hole < two_children_end) {
      Item* child = hole + (hole - heap) + 1;  // index 2i + 1
      // The smaller of the two children, picked by adding the comparison: no branch to mispredict.
      child += before_branchless(child[1], child[0]) ? 1 : 0;
      *hole = *child;
      hole = child;
    }
    if (const std::size_t only = 2 * static_cast<std::size_t>(hole - heap) + 1; only < n) {
      *hole = heap[only];  // an only child (the last item)
      hole = heap + only;
    }
    *hole = last;
    sift_up(static_cast<std::size_t>(hole - heap));
  }

  std::vector<Item> heap_;
  std::vector<Item> now_lane_;  // events at current_, in push order, from lane_head_ on
  std::size_t lane_head_ = 0;
  Time current_{};  // the time of the last event popped from the heap
  std::uint64_t next_seq_ = 0;
};

}  // namespace keel::sim
