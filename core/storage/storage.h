// Storage: a member's durable Raft state in one data directory: the WAL in <dir>/wal and the
// snapshots in <dir>/snap. This is what the node persists a Ready into and restarts from.
//
// Protocol (the etcd server's order):
// - Persisting a Ready: save_snapshot(snapshot) if it has one, then append(hard state, entries),
//   then sync() once, then send messages.
// - save_snapshot() makes the snapshot file durable first and only then buffers the WAL marker, so
//   a durable marker always has its file. A crash in between leaves an orphan file newer than the
//   WAL's marker: open() ignores and removes it, as etcd only loads snapshots its WAL refers to.
// - Compaction: after sync() made a marker durable, release_before(index) removes what it covers.
//
// Recovery loads the snapshot the WAL's last marker names. If that file is missing or corrupt,
// open() fails with the file and the reason: the entries before the marker may be gone, so falling
// back to an older snapshot could silently lose committed state.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/env/error.h"
#include "core/env/file_system.h"
#include "core/raft/types.h"
#include "core/storage/snapshot_store.h"
#include "core/storage/wal.h"

namespace keel::storage {

struct StorageOptions {
  WalOptions wal;
};

// What Raft restarts from.
struct Recovered {
  raft::HardState hard_state;
  std::optional<raft::Snapshot> snapshot;
  std::vector<raft::Entry> entries;  // following the snapshot (or from index 1), without gaps
};

class Storage {
 public:
  // Opens or creates the data directory `dir` (its parent must exist) and recovers it.
  static Result<Storage> open(FileSystem& fs, std::string dir, WalIdentity identity,
                              StorageOptions options = {});

  // What recovery found; moved out by the first call.
  Recovered take_recovered() { return std::move(recovered_); }

  Status append(const raft::HardState* state, std::span<const raft::Entry> entries) {
    return wal_.append(state, entries);
  }
  Status save_snapshot(const raft::Snapshot& snapshot);
  Status sync() { return wal_.sync(); }
  // Removes WAL segments covered by the durable snapshot at `index` and older snapshot files
  // (keeping the newest older one).
  Status release_before(raft::Index index);

  const Wal& wal() const { return wal_; }
  const SnapshotStore& snapshots() const { return snapshots_; }

 private:
  Storage(Wal wal, SnapshotStore snapshots)
      : wal_(std::move(wal)), snapshots_(std::move(snapshots)) {}

  Wal wal_;
  SnapshotStore snapshots_;
  Recovered recovered_;
};

}  // namespace keel::storage
