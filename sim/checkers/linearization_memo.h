// The memo of the linearizability search: configurations fully explored without success.
//
// Lowe ("Testing for linearizability", 2017) and Porcupine's checker cache configurations as (set
// of linearized operations, model state) and skip one met again. This memo generalizes that match
// for operations with unknown outcomes. A configuration is (K, s, a, U): the known operations
// linearized, the register state, whether the last operation linearized had an unknown outcome
// (the search then allows fewer next steps: linearization_search.h), and the unknown operations
// linearized. One that failed also rules out (K, s, a', U') for every U' that contains U, when a'
// allows no more than a does (a is false, or a' is true).
//
// Why that is sound: an unknown operation has no completion, so it never limits which operations
// may go next (only completions of known operations do), and the model accepts it from any state.
// So if (K, s, a', U') could still complete with a sequence of operations, (K, s, a, U) could
// complete with the same sequence. The operations in U' but not in U are then never linearized,
// which means they did not take effect, or took effect at the end.
//
// Storage: one group per (K, s, a), found by an open-addressing table on the caller's hash of
// (K, s) mixed with a; each group lists the unknown sets that failed with it. K is stored in its
// compact form (known_set.h), U as a bitset of fixed word count. Only membership is asked, so no
// result depends on the table's order.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "sim/checkers/known_set.h"
#include "sim/checkers/register_model.h"

namespace keel::sim {

// A configuration's (K, s, a), with the caller's hash of (K, s) alone.
struct MemoKey {
  CompactKnownSet known;
  ValueId state = kMissing;
  bool after_unknown = false;
  std::uint64_t hash = 0;
};

class LinearizationMemo {
 public:
  explicit LinearizationMemo(std::size_t unknown_words);

  // Whether a failed configuration rules out (key, unknown), by the rule above.
  bool covers(const MemoKey& key, std::span<const std::uint64_t> unknown) const;
  void add_failed(const MemoKey& key, std::span<const std::uint64_t> unknown);

  std::size_t failed_configurations() const { return unknown_next_.size(); }
  // Memory held by the sets and the table.
  std::size_t bytes() const;

 private:
  static constexpr std::uint32_t kNone = 0xffffffff;

  // The slot holding the group of (key.known, key.state, after_unknown), or the empty slot where it
  // would go.
  std::size_t slot_of(const MemoKey& key, bool after_unknown) const;
  // Whether the group of `key` lists a subset of `unknown`.
  bool group_covers(const MemoKey& key, bool after_unknown,
                    std::span<const std::uint64_t> unknown) const;
  void grow();

  std::size_t unknown_words_;
  // Group g: its known set (prefix, and tail words at [tail_begin[g], tail_begin[g + 1]) of
  // known_tails_), its state and flag, its hash, and its first unknown set (entries chain through
  // unknown_next_; kNone ends a chain).
  std::vector<std::uint32_t> group_prefix_;
  std::vector<std::size_t> group_tail_begin_;  // one more than the groups
  std::vector<std::uint64_t> known_tails_;
  std::vector<ValueId> group_state_;
  std::vector<bool> group_after_unknown_;
  std::vector<std::uint64_t> group_hash_;
  std::vector<std::uint32_t> group_first_;
  std::vector<std::uint64_t> unknown_sets_;  // entry e at [e * unknown_words_, ...)
  std::vector<std::uint32_t> unknown_next_;
  std::vector<std::uint32_t> slots_;  // linear probing; 0 is empty, g + 1 names group g
};

}  // namespace keel::sim
