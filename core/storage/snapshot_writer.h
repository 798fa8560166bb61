// SnapshotWriter: SnapshotStore::save cut into bounded steps, so that a node writes a large
// snapshot across many turns of its event loop instead of stalling it (issue 7: at 1 M keys the
// 122 MB file took ~0.85 s to write and fdatasync in one go, bench/snapshot_bench.cc).
//
// The file and the crash contract are save()'s (snapshot_store.h): each step() first checksums up
// to `budget` bytes of the data, and once the checksum is known appends up to `budget` bytes to
// "<name>.snap.tmp" and syncs them; the last step renames the file to "<name>.snap" and syncs the
// directory. Until step() reports done, a crash leaves at most the temporary file, which
// SnapshotStore::open removes; abandon() removes it at once. Only after done may the caller write
// the WAL marker that points at the snapshot (etcd's order).
//
// The writer does not hold the data: the caller passes the same bytes to every step (a node's are
// the copy Raft keeps to send to followers, so a 122 MB image is not copied once more). The data
// comes in shared chunks (core/env/chunked_bytes.h) and is written piece by piece, never gathered
// into one buffer, through File::append_shared (the simulated disk keeps references to the chunks). The checksum of the data is built from each chunk's own CRC (crc32c_combine),
// and a chunk remembers its CRC: the chunks a snapshot shares with an earlier one are not read
// again, so checksumming costs what changed since then (issue 3), plus a few operations per chunk.
#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include "core/env/chunked_bytes.h"
#include "core/env/error.h"
#include "core/env/file_system.h"
#include "core/raft/types.h"

namespace keel::storage {

class SnapshotWriter {
 public:
  // Will write the snapshot `meta` with `data_bytes` of data into `dir` (which must exist) of
  // `fs`, which must outlive the writer.
  SnapshotWriter(FileSystem& fs, std::string dir, raft::SnapshotMeta meta, std::size_t data_bytes);

  // Does at most about `budget` (> 0) bytes of checksumming or of writing and syncing of `data`,
  // which must be the same bytes at every step (chunks whose CRC is already known cost nothing of
  // the budget). Returns true once the snapshot is durable under
  // its final name; must not be called after that or after a failure (the caller abandons the
  // write then).
  Result<bool> step(const ChunkedBytes& data, std::size_t budget);
  // Stops an unfinished write and removes its temporary file.
  Status abandon();

  const raft::SnapshotMeta& meta() const { return meta_; }
  bool done() const { return phase_ == Phase::kDone; }

 private:
  enum class Phase { kChecksum, kWrite, kDone, kFailed };
  void checksum(const ChunkedBytes& data, std::size_t budget);
  Status open_temp();
  Status finish();

  FileSystem& fs_;
  std::string dir_;
  std::string path_;  // the final name; the temporary one adds ".tmp"
  raft::SnapshotMeta meta_;
  std::size_t data_bytes_;
  Bytes head_;                // the header (with the checksum once known), meta and data length
  std::uint32_t crc_ = 0;     // of the body: head_ after the header, then the data
  std::size_t position_ = 0;  // in the data, of the write
  // The checksum phase: the chunk under way, how far into it, and the CRC of that part of it.
  std::size_t chunk_index_ = 0;
  std::size_t chunk_offset_ = 0;
  std::uint32_t chunk_crc_ = 0;
  std::unique_ptr<File> file_;
  Phase phase_ = Phase::kChecksum;
};

}  // namespace keel::storage
