#include "core/storage/storage.h"

#include "core/env/str.h"
#include "core/storage/paths.h"

namespace keel::storage {

Result<Storage> Storage::open(FileSystem& fs, std::string dir, WalIdentity identity,
                              StorageOptions options) {
  if (!dir.empty() && !fs.exists(dir)) {
    if (Status made = fs.create_dir(dir); !made) return std::unexpected(made.error());
    if (Status synced = fs.sync_dir(parent_path(dir)); !synced) {
      return std::unexpected(synced.error());
    }
  }
  auto wal = Wal::open(fs, join_path(dir, "wal"), identity, options.wal);
  if (!wal) return std::unexpected(wal.error());
  auto snapshots = SnapshotStore::open(fs, join_path(dir, "snap"));
  if (!snapshots) return std::unexpected(snapshots.error());

  WalContents contents = wal->take_recovered();
  Recovered recovered{contents.hard_state, std::nullopt, std::move(contents.entries)};
  const SnapshotMark mark = contents.snapshot;
  if (mark.index > 0) {
    auto snapshot = snapshots->load(mark.term, mark.index);
    if (!snapshot) {
      return fail(snapshot.error().code == Errc::kNotFound ? Errc::kCorrupt : snapshot.error().code,
                  str("the WAL's log starts after the snapshot at term ", mark.term, " index ",
                      mark.index, ", which cannot be loaded: ", snapshot.error().message));
    }
    recovered.snapshot = std::move(*snapshot);
  }
  if (Status removed = snapshots->remove_after(mark.index); !removed) {
    return std::unexpected(removed.error());
  }
  Storage storage(std::move(*wal), std::move(*snapshots));
  storage.recovered_ = std::move(recovered);
  return storage;
}

Status Storage::save_snapshot(const raft::Snapshot& snapshot) {
  if (Status saved = snapshots_.save(snapshot); !saved) return saved;
  return wal_.save_snapshot({snapshot.meta.index, snapshot.meta.term});
}

Status Storage::release_before(raft::Index index) {
  if (Status released = wal_.release_before(index); !released) return released;
  return snapshots_.release_before(index);
}

}  // namespace keel::storage
