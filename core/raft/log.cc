#include "core/raft/log.h"

#include <algorithm>

#include "core/env/assert.h"

namespace keel::raft {

Log::Log(Index snapshot_index, Term snapshot_term, std::vector<Entry> entries, Index commit)
    : snapshot_index_(snapshot_index),
      snapshot_term_(snapshot_term),
      entries_(std::move(entries)),
      commit_(std::max(commit, snapshot_index)),
      stable_(last_index()),
      handed_out_(last_index()),
      applied_(snapshot_index),
      apply_handed_out_(snapshot_index) {
  Term previous = snapshot_term;
  for (std::size_t i = 0; i < entries_.size(); ++i) {
    KEEL_ASSERT(entries_[i].index == snapshot_index + 1 + i, "restored entry ", i, " has index ",
                entries_[i].index, ", expected ", snapshot_index + 1 + i);
    KEEL_ASSERT(entries_[i].term >= previous, "restored entry ", entries_[i].index, " has term ",
                entries_[i].term, " below the previous entry's ", previous);
    previous = entries_[i].term;
  }
  KEEL_ASSERT(commit_ <= last_index(), "restored commit ", commit_, " past the last index ",
              last_index());
}

Term Log::last_term() const { return entries_.empty() ? snapshot_term_ : entries_.back().term; }

bool Log::is_up_to_date(Index index, Term t) const {
  return t > last_term() || (t == last_term() && index >= last_index());
}

void Log::slice(Index from, Index to, std::size_t max_count, std::size_t max_bytes,
                std::vector<Entry>& out) const {
  // Where the limits cut, first, walking the entries directly (between() checks the range once,
  // not per entry as at() would); then one copy (issue 3: the leader slices for every append).
  const auto all = between(from, to);
  const auto range = all.first(std::min(all.size(), max_count));
  auto end = range.begin();
  std::size_t bytes = 0;
  while (end != range.end()) {
    bytes += end->data.size();
    if (end != range.begin() && bytes > max_bytes) break;
    ++end;
  }
  out.clear();
  out.assign(range.begin(), end);
}

Index Log::find_conflict(std::span<const Entry> entries) const {
  for (const Entry& entry : entries) {
    if (!match_term(entry.index, entry.term)) return entry.index;
  }
  return 0;
}

std::pair<Index, Term> Log::find_conflict_by_term(Index index, Term t) const {
  index = std::min(index, last_index());
  for (;; --index) {
    const auto found = term(index);
    // Below the snapshot nothing is known; the snapshot index itself is committed, hence matches.
    if (!found) return {snapshot_index_, snapshot_term_};
    if (*found <= t) return {index, *found};
  }
}

void Log::append(std::span<const Entry> entries) {
  if (entries.empty()) return;
  const Index first = entries.front().index;
  KEEL_ASSERT(first > commit_, "overwriting committed entry ", first, " (commit ", commit_, ")");
  KEEL_ASSERT(first <= last_index() + 1, "gap: appending ", first, " after ", last_index());
  entries_.resize(first - snapshot_index_ - 1);
  stable_ = std::min(stable_, first - 1);
  handed_out_ = std::min(handed_out_, first - 1);
  // Every entry is checked against the one before it, then all are copied in one insert (each
  // copy shares the entry's data): one capacity check for the batch, not one per entry (issue 3).
  Index previous_index = last_index();
  Term previous_term = last_term();
  for (const Entry& entry : entries) {
    KEEL_ASSERT(entry.index == previous_index + 1, "entry ", entry.index, " does not follow ",
                previous_index);
    KEEL_ASSERT(entry.term >= previous_term, "entry ", entry.index, " has term ", entry.term,
                " below the previous entry's ", previous_term);
    previous_index = entry.index;
    previous_term = entry.term;
  }
  entries_.insert(entries_.end(), entries.begin(), entries.end());
}

void Log::commit_to(Index index) {
  if (index <= commit_) return;
  KEEL_ASSERT(index <= last_index(), "committing ", index, " past the last index ", last_index());
  commit_ = index;
}

std::span<const Entry> Log::take_unstable() {
  KEEL_ASSERT(handed_out_ >= snapshot_index_, "handed out up to ", handed_out_,
              ", below the snapshot at ", snapshot_index_);
  const auto first = entries_.begin() + static_cast<std::ptrdiff_t>(handed_out_ - snapshot_index_);
  handed_out_ = last_index();
  return std::span<const Entry>(first, entries_.end());
}

void Log::stable_to(Index index) {
  // Entries truncated since they were handed out lowered handed_out_: they are not stable.
  stable_ = std::max(stable_, std::min(index, handed_out_));
}

void Log::take_committed(std::size_t max_count, std::vector<Entry>& out) {
  const Index to = std::min<Index>(commit_, apply_handed_out_ + max_count);
  const auto committed = between(apply_handed_out_ + 1, to);
  out.clear();
  out.assign(committed.begin(), committed.end());
  apply_handed_out_ += out.size();
}

void Log::applied_to(Index index) {
  KEEL_ASSERT(index <= apply_handed_out_, "applied ", index, " past what was handed out (",
              apply_handed_out_, ")");
  applied_ = std::max(applied_, index);
}

void Log::compact(Index index) {
  if (index <= snapshot_index_) return;
  KEEL_ASSERT(index <= applied_ && index <= stable_, "compacting to ", index, " past applied ",
              applied_, " or stable ", stable_);
  snapshot_term_ = at(index).term;
  entries_.erase(entries_.begin(), entries_.begin() + static_cast<long>(index - snapshot_index_));
  snapshot_index_ = index;
}

void Log::restore(Index index, Term t) {
  KEEL_ASSERT(index > commit_, "restoring a snapshot at ", index, " at or below commit ", commit_);
  entries_.clear();
  snapshot_index_ = index;
  snapshot_term_ = t;
  commit_ = stable_ = handed_out_ = applied_ = apply_handed_out_ = index;
}

}  // namespace keel::raft
