// EntryChains: for the Raft checker's log matching check, the chain hash (a hash of an entry and
// of every entry before it) first seen for each (index, term) in any node's log. By the Log
// Matching Property (thesis §3.5) every later log holding that index and term must have the same
// chain. Looked up once per persisted entry per node, so the common case (one term per index) is
// a vector slot, and only indexes where logs diverged keep their further terms in a map.
//
// Contract: indexes start at 1 and terms at 1 (raft/types.h); remember() keeps the first chain
// given for a pair and returns it, so the caller compares it with its own.
#pragma once

#include <cstdint>
#include <map>
#include <utility>
#include <vector>

#include "core/raft/types.h"

namespace keel::sim {

class EntryChains {
 public:
  // The chain already known for (index, term), or `chain` after recording it. Inline for the
  // common case, a pair some other log already holds (every follower's copy of an entry).
  std::uint64_t remember(raft::Index index, raft::Term term, std::uint64_t chain) {
    if (term != 0 && index - 1 < first_.size() && first_[index - 1].term == term) {
      return first_[index - 1].chain;
    }
    return remember_new(index, term, chain);
  }
  // The chain known for (index, term), or null.
  const std::uint64_t* find(raft::Index index, raft::Term term) const;

 private:
  // remember() for a pair the inline path did not find: a new index, or a further term at one.
  std::uint64_t remember_new(raft::Index index, raft::Term term, std::uint64_t chain);

  struct Known {
    raft::Term term = 0;  // 0: nothing known at this index
    std::uint64_t chain = 0;
  };
  std::vector<Known> first_;  // first_[index - 1]: the first term seen at the index
  std::map<std::pair<raft::Index, raft::Term>, std::uint64_t> others_;  // later terms seen there
};

}  // namespace keel::sim
