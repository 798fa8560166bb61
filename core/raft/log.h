// The Raft log as one server holds it in memory: a compacted prefix (summed up by the index and
// term of its last entry, thesis §5.1) followed by the entries after it. It also tracks what the
// node has persisted (stable) and applied, so Ready can hand out exactly what is new.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <utility>
#include <vector>

#include "core/env/assert.h"
#include "core/raft/types.h"

namespace keel::raft {

class Log {
 public:
  // Everything passed in is already on stable storage and applied up to snapshot_index.
  Log(Index snapshot_index, Term snapshot_term, std::vector<Entry> entries, Index commit);

  // The last compacted index: the log holds the entries after it. Raft keeps some log below its
  // latest snapshot (Config::log_kept_below_snapshot), so this may be below that snapshot's index.
  Index snapshot_index() const { return snapshot_index_; }
  Term snapshot_term() const { return snapshot_term_; }
  Index first_index() const { return snapshot_index_ + 1; }
  Index last_index() const { return snapshot_index_ + entries_.size(); }
  Term last_term() const;
  // The term of the entry at index, or nothing if it was compacted away or is past the end. The
  // snapshot's own index still has its term.
  std::optional<Term> term(Index index) const {
    if (index == snapshot_index_) return snapshot_term_;
    if (index < snapshot_index_ || index > last_index()) return std::nullopt;
    return at(index).term;
  }
  bool match_term(Index index, Term t) const {
    const auto found = term(index);
    return found && *found == t;
  }
  // Thesis §3.6.1: a candidate's log ending at (index, t) is at least as up to date as this one.
  bool is_up_to_date(Index index, Term t) const;
  // first_index() <= index <= last_index(). Inline, with term() and match_term(): every append
  // sent or received looks up entries through them (issue 3).
  const Entry& at(Index index) const {
    KEEL_ASSERT(index > snapshot_index_ && index <= last_index(), "entry ", index,
                " outside the log (", first_index(), "..", last_index(), ")");
    return entries_[index - snapshot_index_ - 1];
  }

  // Replaces out's contents with the entries from `from` to `to` inclusive, cut to at most
  // max_count entries and max_bytes of data (but at least one entry if the range is not empty).
  // out's capacity is kept: the leader fills vectors recycled from sent appends (issue 3).
  void slice(Index from, Index to, std::size_t max_count, std::size_t max_bytes,
             std::vector<Entry>& out) const;

  // The index of the first of `entries` that is not in this log (absent, or another term); 0 if
  // every one is already here.
  Index find_conflict(std::span<const Entry> entries) const;
  // Fast backtracking: the highest index <= index whose term is <= t, and that term. Entries past
  // it cannot match a log whose entry at `index` has term t.
  std::pair<Index, Term> find_conflict_by_term(Index index, Term t) const;

  // Appends entries that directly follow an entry of this log; those at or below last_index()
  // replace the suffix from there, which must be above commit().
  void append(std::span<const Entry> entries);

  Index commit() const { return commit_; }
  void commit_to(Index index);  // never lowers the commit index

  // Persistence: entries after stable_index() are not known to be on disk. take_unstable() hands
  // the not-yet-handed-out ones to a Ready as a view into this log (nothing is copied: issue 3),
  // valid until the log next changes (append, compact, restore); handed_out() is the last index
  // handed out so far; stable_to() records that the node wrote entries up to index.
  Index stable_index() const { return stable_; }
  bool has_unstable() const { return handed_out_ < last_index(); }
  std::span<const Entry> take_unstable();
  Index handed_out() const { return handed_out_; }
  void stable_to(Index index);

  // Application: take_committed() hands committed entries to a Ready, at most max_count, replacing
  // out's contents like take_unstable(); applied_to() records that the node applied them.
  Index applied() const { return applied_; }
  bool has_committed_to_apply() const { return apply_handed_out_ < commit_; }
  void take_committed(std::size_t max_count, std::vector<Entry>& out);
  void applied_to(Index index);

  // Drops the entries up to index (the state machine has a snapshot there). index <= applied().
  void compact(Index index);
  // A snapshot ending at (index, t) replaces the whole log; it counts as stable and applied.
  void restore(Index index, Term t);

 private:
  // The entries from..to, inclusive (none if from > to), which must all be inside the log: the
  // one range check of slice() and take_committed(). Valid until the log next changes. Inline:
  // both run for every Ready.
  std::span<const Entry> between(Index from, Index to) const {
    if (from > to) return {};
    KEEL_ASSERT(from >= first_index() && to <= last_index(), "entries ", from, "..", to,
                " outside the log (", first_index(), "..", last_index(), ")");
    return std::span(entries_).subspan(from - first_index(), to - from + 1);
  }

  Index snapshot_index_;
  Term snapshot_term_;
  std::vector<Entry> entries_;  // entries_[i] has index snapshot_index_ + 1 + i
  Index commit_;
  Index stable_;
  Index handed_out_;  // entries up to here were handed to a Ready
  Index applied_;
  Index apply_handed_out_;
};

}  // namespace keel::raft
