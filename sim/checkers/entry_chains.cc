#include "sim/checkers/entry_chains.h"

#include "core/env/assert.h"

namespace keel::sim {

std::uint64_t EntryChains::remember_new(raft::Index index, raft::Term term, std::uint64_t chain) {
  KEEL_ASSERT(index >= 1 && term >= 1, "entry chain for index ", index, " term ", term);
  if (index == first_.size() + 1) {
    first_.emplace_back();  // the common case: the next index, without resize's out-of-line call
  } else if (index > first_.size()) {
    first_.resize(index);
  }
  Known& known = first_[index - 1];
  if (known.term == 0) known = Known{term, chain};
  if (known.term == term) return known.chain;
  return others_.try_emplace({index, term}, chain).first->second;
}

const std::uint64_t* EntryChains::find(raft::Index index, raft::Term term) const {
  if (index == 0 || index > first_.size()) return nullptr;
  const Known& known = first_[index - 1];
  if (known.term == term) return &known.chain;
  if (known.term == 0) return nullptr;
  auto it = others_.find({index, term});
  return it == others_.end() ? nullptr : &it->second;
}

}  // namespace keel::sim
