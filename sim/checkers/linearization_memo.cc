#include "sim/checkers/linearization_memo.h"

#include <algorithm>

#include "core/env/assert.h"
#include "core/env/random.h"

namespace keel::sim {
namespace {

constexpr std::size_t kInitialSlots = 1024;  // a power of two

std::uint64_t group_hash(const MemoKey& key, bool after_unknown) {
  return after_unknown ? key.hash ^ mix64(0x5bd1e995) : key.hash;
}

bool is_subset(std::span<const std::uint64_t> small, std::span<const std::uint64_t> large) {
  for (std::size_t i = 0; i < small.size(); ++i) {
    if ((small[i] & ~large[i]) != 0) return false;
  }
  return true;
}

}  // namespace

LinearizationMemo::LinearizationMemo(std::size_t unknown_words)
    : unknown_words_(unknown_words), group_tail_begin_(1, 0), slots_(kInitialSlots, 0) {}

bool LinearizationMemo::covers(const MemoKey& key, std::span<const std::uint64_t> unknown) const {
  return group_covers(key, key.after_unknown, unknown) ||
         (key.after_unknown && group_covers(key, false, unknown));
}

void LinearizationMemo::add_failed(const MemoKey& key, std::span<const std::uint64_t> unknown) {
  KEEL_ASSERT(unknown.size() == unknown_words_, "an unknown set of ", unknown.size(),
              " words in a memo of ", unknown_words_, "-word sets");
  KEEL_ASSERT(failed_configurations() < kNone, "memo entry count overflow");
  // Keep the table at most half full, so probe sequences stay short.
  if (2 * (group_state_.size() + 1) > slots_.size()) grow();
  const std::size_t slot = slot_of(key, key.after_unknown);
  if (slots_[slot] == 0) {
    group_prefix_.push_back(key.known.prefix);
    known_tails_.insert(known_tails_.end(), key.known.tail.begin(), key.known.tail.end());
    group_tail_begin_.push_back(known_tails_.size());
    group_state_.push_back(key.state);
    group_after_unknown_.push_back(key.after_unknown);
    group_hash_.push_back(group_hash(key, key.after_unknown));
    group_first_.push_back(kNone);
    slots_[slot] = static_cast<std::uint32_t>(group_state_.size());
  }
  const std::uint32_t group = slots_[slot] - 1;
  unknown_sets_.insert(unknown_sets_.end(), unknown.begin(), unknown.end());
  unknown_next_.push_back(group_first_[group]);
  group_first_[group] = static_cast<std::uint32_t>(unknown_next_.size() - 1);
}

std::size_t LinearizationMemo::bytes() const {
  return (known_tails_.capacity() + group_hash_.capacity() + unknown_sets_.capacity()) *
             sizeof(std::uint64_t) +
         group_tail_begin_.capacity() * sizeof(std::size_t) +
         group_state_.capacity() * sizeof(ValueId) + group_after_unknown_.capacity() / 8 +
         (group_prefix_.capacity() + group_first_.capacity() + unknown_next_.capacity() +
          slots_.capacity()) *
             sizeof(std::uint32_t);
}

bool LinearizationMemo::group_covers(const MemoKey& key, bool after_unknown,
                                     std::span<const std::uint64_t> unknown) const {
  const std::uint32_t group_plus_one = slots_[slot_of(key, after_unknown)];
  if (group_plus_one == 0) return false;
  for (std::uint32_t e = group_first_[group_plus_one - 1]; e != kNone; e = unknown_next_[e]) {
    if (is_subset(std::span(unknown_sets_).subspan(e * unknown_words_, unknown_words_), unknown)) {
      return true;
    }
  }
  return false;
}

std::size_t LinearizationMemo::slot_of(const MemoKey& key, bool after_unknown) const {
  const std::uint64_t hash = group_hash(key, after_unknown);
  const std::size_t mask = slots_.size() - 1;
  for (std::size_t slot = hash & mask;; slot = (slot + 1) & mask) {
    const std::uint32_t group_plus_one = slots_[slot];
    if (group_plus_one == 0) return slot;
    const std::uint32_t g = group_plus_one - 1;
    if (group_hash_[g] == hash && group_state_[g] == key.state &&
        group_after_unknown_[g] == after_unknown && group_prefix_[g] == key.known.prefix &&
        std::ranges::equal(
            key.known.tail,
            std::span(known_tails_)
                .subspan(group_tail_begin_[g], group_tail_begin_[g + 1] - group_tail_begin_[g]))) {
      return slot;
    }
  }
}

void LinearizationMemo::grow() {
  std::vector<std::uint32_t> slots(2 * slots_.size(), 0);
  const std::size_t mask = slots.size() - 1;
  for (std::uint32_t g = 0; g < group_state_.size(); ++g) {
    std::size_t slot = group_hash_[g] & mask;
    while (slots[slot] != 0) slot = (slot + 1) & mask;
    slots[slot] = g + 1;
  }
  slots_ = std::move(slots);
}

}  // namespace keel::sim
