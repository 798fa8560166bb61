#include "core/storage/log_tracker.h"

#include "core/env/assert.h"
#include "core/env/str.h"

namespace keel::storage {

LogTracker::LogTracker(bool keep_entries, raft::Index first_index)
    : keep_entries_(keep_entries), start_(first_index) {
  KEEL_ASSERT(first_index >= 1, "log indexes start at 1");
}

std::vector<raft::Entry> LogTracker::take_entries() {
  keep_entries_ = false;
  return std::move(entries_);
}

Status LogTracker::prepare(raft::Index index, raft::Term term) {
  if (index == end()) {
    // The common case, the next entry: nothing to truncate.
    terms_.push_back(term);
    return {};
  }
  if (index < start_) {
    // Overwrites from inside the released hole: everything we hold is replaced.
    start_ = index;
    terms_.clear();
    entries_.clear();
  } else if (index <= end()) {
    terms_.resize(index - start_);
    if (keep_entries_) entries_.resize(index - start_);
  } else {
    return fail(Errc::kCorrupt,
                str("entry ", index, " (term ", term, ") leaves a gap after index ", end() - 1));
  }
  terms_.push_back(term);
  return {};
}

Status LogTracker::add_entry_copy(const raft::Entry& entry) {
  if (entry.index <= snapshot_.index) return {};
  if (Status ok = prepare(entry.index, entry.term); !ok) return ok;
  if (keep_entries_) entries_.push_back(entry);
  return {};
}

Status LogTracker::add_entry(raft::Entry&& entry) {
  if (entry.index <= snapshot_.index) return {};
  if (Status ok = prepare(entry.index, entry.term); !ok) return ok;
  if (keep_entries_) entries_.push_back(std::move(entry));
  return {};
}

Status LogTracker::add_snapshot(SnapshotMark mark) {
  if (mark.index < snapshot_.index) {
    return fail(Errc::kCorrupt, str("snapshot marker at index ", mark.index,
                                    " is older than the current one at ", snapshot_.index));
  }
  if (mark.index >= start_) {
    const bool matches = mark.index < end() && terms_[mark.index - start_] == mark.term;
    const std::size_t drop = matches ? mark.index + 1 - start_ : terms_.size();
    terms_.erase(terms_.begin(), terms_.begin() + static_cast<std::ptrdiff_t>(drop));
    if (keep_entries_) {
      entries_.erase(entries_.begin(), entries_.begin() + static_cast<std::ptrdiff_t>(drop));
    }
    start_ = mark.index + 1;
  }
  // Otherwise the marker falls in the released hole (or repeats the current one): the entries we
  // hold all come after it and stay.
  snapshot_ = mark;
  return {};
}

Status LogTracker::check_complete() const {
  if (start_ == snapshot_.index + 1) return {};
  return fail(Errc::kCorrupt, str("entries ", snapshot_.index + 1, "..", start_ - 1,
                                  " are missing: released, but no snapshot marker covers them"));
}

}  // namespace keel::storage
