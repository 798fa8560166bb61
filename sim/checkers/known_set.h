// The set of linearized operations with known outcomes in the linearizability search: a bitset
// over their ranks (assigned in invocation order), kept with the length of its leading run of ones
// and its last set bit. Real-time order makes a linearized set nearly a prefix of the invocation
// order, so (prefix, the words from the prefix's word to the last set bit) names the set in a few
// words: the memo's key (linearization_memo.h). Also keeps a Zobrist hash (the XOR of a fixed
// random word per member) up to date.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace keel::sim {

// A known set in the memo's compact form; equal sets give equal forms.
struct CompactKnownSet {
  std::uint32_t prefix = 0;             // members 0..prefix-1 are in; prefix is not
  std::span<const std::uint64_t> tail;  // words prefix / 64 .. the last word with a member
};

class KnownSet {
 public:
  explicit KnownSet(std::size_t members);

  void toggle(std::uint32_t rank);
  CompactKnownSet compact() const;
  std::uint64_t hash() const { return hash_; }

 private:
  bool contains(std::uint32_t rank) const { return (words_[rank / 64] >> (rank % 64)) & 1; }

  std::vector<std::uint64_t> words_;
  std::uint32_t prefix_ = 0;
  std::uint32_t end_ = 0;  // one past the last member
  std::uint64_t hash_ = 0;
};

}  // namespace keel::sim
