// KeyIndex: the multi-version key space (etcd's treeIndex and its revision-keyed backend in one).
// Each key keeps its versions in revision order, the newest inline and older ones in a side
// vector; a delete is a tombstone version (version 0). A revision-ordered log names the key of
// every change since the compaction revision, for history reads and watches.
//
// Contracts:
// - Writes come in non-decreasing revisions, each key at most once per revision (a txn writes a key
//   once: the store refuses duplicates).
// - compact(at) keeps, per key, the newest version at or below `at` and everything above it, and
//   drops a key whose newest version at or below `at` is a tombstone older than `at` (etcd's
//   keyIndex.compact); the log keeps the changes at revisions >= at. Memory is released.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <vector>

#include "core/env/types.h"
#include "core/kv/compact_bytes.h"
#include "core/kv/types.h"

namespace keel::kv {

class KeyIndex {
 public:
  struct Version {
    Revision mod = 0;
    Revision create = 0;
    std::int64_t version = 0;  // 0: a tombstone
    LeaseId lease = 0;
    ValueBytes value;
    bool tombstone() const { return version == 0; }
  };

  struct Record {
    Version latest;
    std::unique_ptr<std::vector<Version>> older;  // ascending revisions, all below latest.mod
    // The newest version at or below `at` (tombstones included), or null.
    const Version* at(Revision at) const;
    // The version written at exactly `rev`, and the one before it (or null).
    std::pair<const Version*, const Version*> exact(Revision rev) const;
  };

  using Map = std::map<KeyBytes, Record, KeyLess>;
  using Node = Map::value_type;

  // One change in the log: the revision and the key's node (stable while the key exists; a key
  // is never dropped while a log entry names it).
  struct Change {
    Revision revision;
    const Node* node;
    std::uint32_t bytes;  // key and value bytes, for the history budget
  };

  KeyIndex() = default;
  KeyIndex(const KeyIndex&) = delete;
  KeyIndex& operator=(const KeyIndex&) = delete;
  KeyIndex(KeyIndex&&) = default;
  KeyIndex& operator=(KeyIndex&&) = default;

  // The key-value of a version (the value left empty unless `with_value`).
  static KeyValue to_key_value(ByteView key, const Version& version, bool with_value = true);

  // The live (not deleted) version of `key` at `rev`, or null.
  const Version* get(ByteView key, Revision rev) const;

  // Calls visit(key, version) for each key live at `rev` in the range (types.h's convention), in
  // key order, until visit returns false.
  template <class Visit>
  void scan(ByteView key, ByteView range_end, Revision rev, Visit&& visit) const;

  struct WriteOutcome {
    bool replaced = false;  // the key was live before
    LeaseId old_lease = 0;  // its lease then
    LeaseId new_lease = 0;  // its lease now (puts)
  };
  // Writes `key` at `rev`; its version and create revision follow from its last version. A null
  // `value` or `lease` keeps the live version's (which must exist). If `prev` is given and the key
  // was live, the replaced key-value is copied into it.
  WriteOutcome put(ByteView key, const ByteView* value, const LeaseId* lease, Revision rev,
                   KeyValue* prev);
  // Writes a tombstone for a live key at `rev`, copying the deleted key-value into `prev` if given.
  WriteOutcome remove(ByteView key, Revision rev, KeyValue* prev);

  void compact(Revision at);

  // The log of changes, oldest first.
  const std::deque<Change>& log() const { return log_; }
  std::uint64_t history_bytes() const { return history_bytes_; }
  const Map& keys() const { return keys_; }

  // Rebuilds from a snapshot: keys in ascending order with their versions (ascending, checked by
  // the caller), then the log as ordinals into that key order; false if a change names no version
  // of its key. end_restore() ends it.
  void restore_key(ByteView key, std::vector<Version> versions);
  bool restore_change(Revision revision, std::size_t key_ordinal);
  void end_restore() {
    restore_order_.clear();
    restore_order_.shrink_to_fit();
  }

 private:
  void log_change(const Node& node, Revision rev, std::size_t value_bytes);
  // Drops what compaction at `at` no longer needs from one key; true if nothing is left.
  static bool prune(Record& record, Revision at);

  Map keys_;
  std::deque<Change> log_;
  std::uint64_t history_bytes_ = 0;
  std::vector<const Node*> restore_order_;  // only during a restore
};

template <class Visit>
void KeyIndex::scan(ByteView key, ByteView range_end, Revision rev, Visit&& visit) const {
  if (range_end.empty()) {
    if (const Version* version = get(key, rev)) visit(key, *version);
    return;
  }
  const bool to_end = range_end.size() == 1 && range_end[0] == 0;
  for (auto it = keys_.lower_bound(key); it != keys_.end(); ++it) {
    if (!to_end && compare_bytes(it->first.view(), range_end) >= 0) break;
    const Version* version = it->second.at(rev);
    if (version == nullptr || version->tombstone()) continue;
    if (!visit(it->first.view(), *version)) break;
  }
}

}  // namespace keel::kv
