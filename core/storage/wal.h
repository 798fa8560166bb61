// Wal: Raft's write-ahead log over env::FileSystem, after etcd's wal package.
//
// Layout: a directory of segment files (segment.h), each a sequence of records (record.h): a
// segment header (format version, cluster and member identity, sequence, first index), then the
// snapshot marker and hard state current when the segment was started (so a segment never needs
// the ones before it for those), then hard states, entries and snapshot markers as Raft produces
// them. The meaning of entries and markers is LogTracker's (log_tracker.h).
//
// Durability: append() and save_snapshot() only buffer; sync() writes the buffer to the last
// segment and syncs it once. Nothing written is durable before sync() returns; everything synced
// survives any crash (env::FileSystem's contract). Within a batch, entries go before the hard
// state, so a torn batch never keeps a commit index without its entries (as etcd's Save does).
// After a sync leaves the segment at options.segment_bytes or more, a new segment is created,
// written, synced and its directory synced before sync() returns.
//
// Recovery (open): every segment is read in order.
// - A last segment may end in a torn tail: a record that is incomplete or fails its CRC, with no
//   valid record anywhere after it. The tail is truncated away (and the truncation synced), as
//   etcd's Repair does; a last segment torn inside its opening records (a crash while it was
//   created) has them rewritten.
// - Anything else is corruption and open fails with Errc::kCorrupt naming the file and byte
//   offset: a bad record in a segment other than the last, a bad record followed by a valid one, a
//   missing segment, a record that passes its CRC but does not decode, or a log with gaps.
// - A segment of another cluster or member fails with Errc::kInvalidArgument naming both.
// Once a Wal has failed an I/O operation, every later call returns that error: the node must
// restart from what the disk holds.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/codec/bounded_writer.h"
#include "core/env/error.h"
#include "core/env/file_system.h"
#include "core/raft/types.h"
#include "core/storage/log_tracker.h"
#include "core/storage/record.h"
#include "core/storage/segment.h"

namespace keel::storage {

struct WalOptions {
  // A segment is closed once a sync leaves it at least this long (etcd: 64 MiB).
  std::uint64_t segment_bytes = 64u << 20;
};

// What recovery found: what Raft needs to restart, apart from the snapshot's data.
struct WalContents {
  raft::HardState hard_state;
  SnapshotMark snapshot;             // {0, 0}: the log starts at index 1
  std::vector<raft::Entry> entries;  // snapshot.index + 1, + 2, ... without gaps
};

struct WalStats {
  std::uint64_t records = 0;        // appended since open
  std::uint64_t bytes_written = 0;  // to segment files since open
  std::uint64_t syncs = 0;          // of segment files
  std::uint64_t segments_created = 0;
  std::uint64_t segments_released = 0;
  std::uint64_t torn_bytes_dropped = 0;  // by recovery
};

class Wal {
 public:
  // Opens (creating if needed) the WAL in `dir` and recovers it (see above). `dir`'s parent must
  // exist.
  static Result<Wal> open(FileSystem& fs, std::string dir, WalIdentity identity,
                          WalOptions options = {});

  Wal(Wal&&) noexcept;
  Wal& operator=(Wal&&) noexcept;
  ~Wal();

  // What recovery found; moved out by the first call.
  WalContents take_recovered();

  // Buffers `entries` (each at most one past the last index: an entry at index i replaces i and
  // everything after it), then `state` if not null. Asserts the entries leave no gap.
  Status append(const raft::HardState* state, std::span<const raft::Entry> entries);
  // Buffers a marker: the log now starts after `mark` (see log_tracker.h). The snapshot itself
  // must already be durable elsewhere (SnapshotStore), as etcd saves the snap file first.
  Status save_snapshot(SnapshotMark mark);
  // Writes what was buffered and syncs once; may start a new segment.
  Status sync();
  // Removes the oldest segments whose entries all lie at or below `index`, never the last one.
  // `index` must not exceed the last synced snapshot marker.
  Status release_before(raft::Index index);

  raft::Index last_index() const { return log_.last_index(); }
  SnapshotMark snapshot() const { return log_.snapshot(); }
  std::vector<std::string> segment_files() const;
  const WalStats& stats() const { return stats_; }

 private:
  Wal(FileSystem& fs, std::string dir, WalIdentity identity, WalOptions options, LogTracker log);

  Status recover(std::span<const SegmentName> names);
  // Writes a segment's opening records to the empty file_ and syncs it.
  Status write_segment_start(SegmentName name);
  // Creates, starts and directory-syncs a new last segment.
  Status start_segment(SegmentName name);
  // append()'s entries, each as a record at the end of the pending ones.
  void append_entries(std::span<const raft::Entry> entries);
  // Room for `bound` more bytes after the pending records (pending_ grows only if it has less),
  // valid until the next call; add_pending() then takes what was written into it as pending.
  codec::BoundedWriter pending_room(std::size_t bound);
  void add_pending(const codec::BoundedWriter& room) {
    pending_used_ = static_cast<std::size_t>(room.position() - pending_.data());
  }
  // Writes a record at `room`'s position, which must be in pending_room().
  template <class WritePayload>
  void put_pending_record(codec::BoundedWriter& room, RecordType type,
                          WritePayload&& write_payload);
  // Inline: every append() asks.
  Status check_failed() const {
    if (failed_) return std::unexpected(*failed_);
    return {};
  }
  // Records an I/O failure: this Wal refuses everything from now on.
  Status failed(Error error);

  FileSystem* fs_;
  std::string dir_;
  WalIdentity identity_;
  WalOptions options_;
  std::vector<SegmentName> segments_;
  std::unique_ptr<File> file_;   // the last segment
  std::uint64_t file_size_ = 0;  // its length, excluding pending_
  // The records appended since the last sync are pending_'s first pending_used_ bytes; the rest is
  // room for the next ones. pending_ keeps its size, so that making room zero-fills nothing
  // unless a batch needs more than any before it.
  Bytes pending_;
  std::size_t pending_used_ = 0;
  LogTracker log_;                // includes pending_
  raft::HardState hard_state_;    // includes pending_
  SnapshotMark synced_snapshot_;  // the last marker synced
  std::optional<Error> failed_;
  WalContents recovered_;
  WalStats stats_;
};

}  // namespace keel::storage
