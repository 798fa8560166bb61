// LogTracker: the shape of the log a WAL's records describe, replayed record by record. Recovery
// uses it (keeping the entries) to rebuild the log; a live Wal uses it (keeping only terms) to know
// its last index and to refuse writes that recovery could not replay.
//
// Semantics of the records, in order (the Raft thesis §3.5 and §5.3 rules):
// - An entry at index i replaces the entries at i and after (a conflicting suffix is overwritten).
//   An entry at or below the snapshot index is already covered by the snapshot and is skipped. An
//   entry past last_index() + 1 would leave a gap: an error.
// - A snapshot marker (i, t) moves the log's start after i: if the log holds index i with term t,
//   the entries after i are kept; otherwise (the snapshot came from a leader whose log differs)
//   the whole log is discarded. A marker older than the current one is an error.
// - After the WAL released its oldest segments, the log may start with a hole: entries below
//   first_index that were released. A snapshot marker must cover the hole by the end of replay.
#pragma once

#include <vector>

#include "core/env/error.h"
#include "core/raft/types.h"

namespace keel::storage {

struct SnapshotMark {
  raft::Index index = 0;
  raft::Term term = 0;
  friend bool operator==(const SnapshotMark&, const SnapshotMark&) = default;
};

class LogTracker {
 public:
  // `first_index`: the first entry the records can hold; entries between the snapshot and it were
  // released (1 for a WAL that never released anything).
  LogTracker(bool keep_entries, raft::Index first_index);

  Status add_entry(const raft::Entry& entry) {
    // Inline for a live Wal, which adds every entry it writes: the next entry of a log that keeps
    // only terms needs no truncation and no copy.
    if (!keep_entries_ && entry.index == end() && entry.index > snapshot_.index) {
      terms_.push_back(entry.term);
      return {};
    }
    return add_entry_copy(entry);
  }
  Status add_entry(raft::Entry&& entry);
  Status add_snapshot(SnapshotMark mark);
  // Fails if released entries are not covered by the snapshot (see above).
  Status check_complete() const;

  SnapshotMark snapshot() const { return snapshot_; }
  // The index of the last entry, or of the snapshot if no entry follows it.
  raft::Index last_index() const { return end() - 1; }
  // The entries after the snapshot (only with keep_entries); from then on, only terms are kept.
  std::vector<raft::Entry> take_entries();

 private:
  Status add_entry_copy(const raft::Entry& entry);
  // Makes room for an entry at `index`: checks it and truncates the log before it.
  Status prepare(raft::Index index, raft::Term term);
  raft::Index end() const { return start_ + terms_.size(); }  // one past the last entry

  bool keep_entries_;
  SnapshotMark snapshot_;
  raft::Index start_;              // index of terms_[0] (and entries_[0])
  std::vector<raft::Term> terms_;  // of the entries start_, start_ + 1, ...
  std::vector<raft::Entry> entries_;
};

}  // namespace keel::storage
