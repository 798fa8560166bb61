// SnapshotStore: Raft snapshots as files, after etcd's snap package.
//
// Each snapshot is one file "<term>-<index>.snap" (16 hex digits each) holding:
//   magic u32 "KSNP" | version u8 | crc32c u32 of the body | body
// where the body is the encoded SnapshotMeta followed by the length-prefixed state machine data.
//
// save() writes "<name>.snap.tmp", syncs it, renames it over "<name>.snap" and syncs the
// directory: a crash leaves either no new snapshot or a complete, durable one, and the snapshots
// saved before are untouched. Leftover temporary files are removed by open(). begin_save() does the
// same in bounded steps (snapshot_writer.h), for a caller that must not block for long.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/env/error.h"
#include "core/env/file_system.h"
#include "core/raft/types.h"
#include "core/storage/snapshot_writer.h"

namespace keel::storage {

// Snapshot data past this is refused on load (principle 6); save() asserts it.
inline constexpr std::uint64_t kMaxSnapshotDataBytes = 1ull << 30;

struct SnapshotFile {
  raft::Term term = 0;
  raft::Index index = 0;
  std::string name;  // e.g. "0000000000000002-0000000000000064.snap"
};

class SnapshotStore {
 public:
  // Opens (creating if needed) the store in `dir`; `dir`'s parent must exist.
  static Result<SnapshotStore> open(FileSystem& fs, std::string dir);

  // Durably stores a snapshot (see above), replacing a file of the same term and index.
  Status save(const raft::Snapshot& snapshot);
  // The same save, done step by step by the returned writer (fed the snapshot's data at each
  // step); this store's files must not be released or removed above `meta`'s index meanwhile.
  SnapshotWriter begin_save(const raft::SnapshotMeta& meta, std::size_t data_bytes);
  // The snapshot of that term and index: Errc::kNotFound if there is no such file, kCorrupt (with
  // the file and the reason) if it fails its checks.
  Result<raft::Snapshot> load(raft::Term term, raft::Index index) const;
  // The newest snapshot that passes its checks, skipping corrupt ones; nullopt if none does.
  // Every corrupt file skipped is described in `problems` ("file: reason"), if given.
  Result<std::optional<raft::Snapshot>> load_newest(std::vector<std::string>* problems) const;
  // The snapshot files, oldest (lowest index) first.
  Result<std::vector<SnapshotFile>> list() const;
  // Removes the files of snapshots older than `index`, except the newest of them (kept as a
  // fallback for an operator, as etcd keeps several).
  Status release_before(raft::Index index);
  // Removes snapshot files newer than `index`: ones saved but never made the log's start by a
  // durable WAL marker (a crash came between the two).
  Status remove_after(raft::Index index);

 private:
  SnapshotStore(FileSystem& fs, std::string dir) : fs_(&fs), dir_(std::move(dir)) {}
  Result<raft::Snapshot> load_file(const std::string& name, raft::Term term,
                                   raft::Index index) const;
  Status remove_files(const std::vector<SnapshotFile>& files);

  FileSystem* fs_;
  std::string dir_;
};

}  // namespace keel::storage
