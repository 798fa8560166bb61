#include "core/storage/wal.h"

#include <array>
#include <utility>

#include "core/codec/raft_codec.h"
#include "core/codec/reader.h"
#include "core/env/assert.h"
#include "core/env/str.h"
#include "core/storage/paths.h"
#include "core/storage/record.h"

namespace keel::storage {
namespace {

// What every segment starts with (see wal.h).
constexpr std::array<RecordType, 3> kOpening = {RecordType::kSegmentHeader, RecordType::kSnapshot,
                                                RecordType::kHardState};

constexpr std::size_t kMarkBound = 2 * codec::kMaxVarintBytes;

void write_mark(codec::BoundedWriter& out, SnapshotMark mark) {
  out.put(kMarkBound, [&](std::uint8_t* at) {
    return codec::put_varint(codec::put_varint(at, mark.index), mark.term);
  });
}

void write_mark(codec::Writer& out, SnapshotMark mark) {
  out.bounded(kMarkBound, [&](codec::BoundedWriter& room) { write_mark(room, mark); });
}

Result<SnapshotMark> decode_mark(ByteView payload) {
  codec::Reader in(payload);
  SnapshotMark mark;
  mark.index = in.varint("SnapshotMark.index");
  mark.term = in.varint("SnapshotMark.term");
  if (Status done = in.finish("SnapshotMark"); !done) return std::unexpected(done.error());
  return mark;
}

Result<SegmentHeader> decode_header(ByteView payload) {
  codec::Reader in(payload);
  SegmentHeader header;
  read(in, header);
  if (Status done = in.finish("SegmentHeader"); !done) return std::unexpected(done.error());
  return header;
}

}  // namespace

Wal::Wal(FileSystem& fs, std::string dir, WalIdentity identity, WalOptions options, LogTracker log)
    : fs_(&fs),
      dir_(std::move(dir)),
      identity_(identity),
      options_(options),
      log_(std::move(log)) {}

Wal::Wal(Wal&&) noexcept = default;
Wal& Wal::operator=(Wal&&) noexcept = default;
Wal::~Wal() = default;

Result<Wal> Wal::open(FileSystem& fs, std::string dir, WalIdentity identity, WalOptions options) {
  KEEL_ASSERT(options.segment_bytes > 0, "WalOptions.segment_bytes must be positive");
  if (!dir.empty() && !fs.exists(dir)) {
    if (Status made = fs.create_dir(dir); !made) return std::unexpected(made.error());
    if (Status synced = fs.sync_dir(parent_path(dir)); !synced) {
      return std::unexpected(synced.error());
    }
  }
  auto listing = fs.list(dir);
  if (!listing) return std::unexpected(listing.error());
  std::vector<SegmentName> names;  // sorted by sequence, as the listing is sorted by name
  for (const std::string& name : *listing) {
    if (auto parsed = parse_segment_name(name)) names.push_back(*parsed);
  }
  const raft::Index first_index = names.empty() ? 1 : names.front().first_index;
  if (first_index == 0) {
    return fail(Errc::kCorrupt, str(join_path(dir, format_segment_name(names.front())),
                                    ": first index 0 in a segment name"));
  }
  Wal wal(fs, std::move(dir), identity, options, LogTracker(true, first_index));
  const Status ready = names.empty() ? wal.start_segment({1, 1}) : wal.recover(names);
  if (!ready) return std::unexpected(ready.error());
  wal.recovered_ = {wal.hard_state_, wal.log_.snapshot(), wal.log_.take_entries()};
  return wal;
}

Status Wal::recover(std::span<const SegmentName> names) {
  for (std::size_t i = 1; i < names.size(); ++i) {
    if (names[i].seq != names[i - 1].seq + 1) {
      return fail(Errc::kCorrupt,
                  str(dir_, ": segment ", names[i - 1].seq + 1, " is missing between ",
                      format_segment_name(names[i - 1]), " and ", format_segment_name(names[i])));
    }
  }
  bool rewrite_start = false;  // the last segment's opening records are incomplete
  std::uint64_t file_bytes = 0;
  for (std::size_t i = 0; i < names.size(); ++i) {
    const bool last = i + 1 == names.size();
    const std::string path = join_path(dir_, format_segment_name(names[i]));
    auto corrupt = [&](std::uint64_t offset, std::string_view what) -> Status {
      return fail(Errc::kCorrupt, str(path, " at offset ", offset, ": ", what));
    };
    auto file = fs_->open(path, OpenMode::kOpenExisting);
    if (!file) return std::unexpected(file.error());
    auto data = (*file)->read(0, (*file)->size());
    if (!data) return std::unexpected(data.error());
    const ScannedFile scan = scan_records(*data);
    if (!scan.stop_reason.empty()) {
      if (!last) {
        return corrupt(scan.valid_bytes,
                       str(scan.stop_reason, " (only the last segment may have a torn tail)"));
      }
      if (scan.next_valid) {
        return corrupt(
            scan.valid_bytes,
            str(scan.stop_reason, ", but a valid record follows at offset ", *scan.next_valid));
      }
    }
    const bool continues = i == 0 || names[i].first_index == log_.last_index() + 1;
    if (scan.records.empty()) {
      // A crash while the segment was being created. Only the newest segment can be one, and
      // only if it continues the log (or starts it).
      if (!last || !continues || (i == 0 && names[i] != SegmentName{1, 1})) {
        return corrupt(0, str("no valid segment header (", scan.stop_reason, ")"));
      }
    }
    for (std::size_t k = 0; k < scan.records.size(); ++k) {
      const Record& record = scan.records[k];
      if ((k < kOpening.size()) ? record.type != kOpening[k]
                                : record.type == RecordType::kSegmentHeader) {
        return corrupt(record.offset,
                       str("record ", k, " has type ", int{static_cast<std::uint8_t>(record.type)},
                           "; a segment opens with a header, a snapshot marker and a hard state, "
                           "and has one header"));
      }
      switch (record.type) {
        case RecordType::kSegmentHeader: {
          auto header = decode_header(record.payload);
          if (!header) return corrupt(record.offset, header.error().message);
          if (header->version != kWalFormatVersion) {
            return corrupt(record.offset, str("format version ", int{header->version},
                                              ", this build reads only ", int{kWalFormatVersion}));
          }
          if (header->identity != identity_) {
            return fail(Errc::kInvalidArgument,
                        str(path, " belongs to ", describe(header->identity), ", not to ",
                            describe(identity_), ": refusing another member's data directory"));
          }
          if (header->name != names[i]) {
            return corrupt(record.offset,
                           str("header says it is ", format_segment_name(header->name)));
          }
          if (!continues) {
            return corrupt(record.offset,
                           str("segment starts at index ", names[i].first_index,
                               " but the log before it ends at ", log_.last_index()));
          }
          break;
        }
        case RecordType::kSnapshot: {
          auto mark = decode_mark(record.payload);
          if (!mark) return corrupt(record.offset, mark.error().message);
          if (Status ok = log_.add_snapshot(*mark); !ok) {
            return corrupt(record.offset, ok.error().message);
          }
          break;
        }
        case RecordType::kHardState: {
          auto state = codec::decode<raft::HardState>(record.payload);
          if (!state) return corrupt(record.offset, state.error().message);
          hard_state_ = *state;
          break;
        }
        case RecordType::kEntry: {
          auto entry = codec::decode<raft::Entry>(record.payload);
          if (!entry) return corrupt(record.offset, entry.error().message);
          if (Status ok = log_.add_entry(std::move(*entry)); !ok) {
            return corrupt(record.offset, ok.error().message);
          }
          break;
        }
      }
    }
    if (scan.records.size() < kOpening.size()) {
      // Later segments need these records once the earlier ones are released: a newest segment
      // torn inside them is started over; any other segment without them is corrupt.
      if (!last) return corrupt(scan.valid_bytes, "the segment ends inside its opening records");
      rewrite_start = true;
    }
    if (last) {
      file_ = std::move(*file);
      file_bytes = data->size();
      file_size_ = scan.valid_bytes;
    }
  }
  if (Status complete = log_.check_complete(); !complete) {
    return fail(Errc::kCorrupt, str(dir_, ": ", complete.error().message));
  }
  segments_.assign(names.begin(), names.end());
  synced_snapshot_ = log_.snapshot();

  // Repair the torn tail, durably, before anything is appended after it (etcd's Repair).
  stats_.torn_bytes_dropped = file_bytes - file_size_;
  if (rewrite_start) {
    if (Status cut = file_->truncate(0); !cut) return failed(cut.error());
    return write_segment_start(names.back());
  }
  if (file_bytes != file_size_) {
    if (Status cut = file_->truncate(file_size_); !cut) return failed(cut.error());
    if (Status synced = file_->sync(); !synced) return failed(synced.error());
  }
  return {};
}

Status Wal::write_segment_start(SegmentName name) {
  Bytes start;
  append_record(start, 0, RecordType::kSegmentHeader, [&](codec::Writer& out) {
    encode(out, SegmentHeader{kWalFormatVersion, identity_, name});
  });
  append_record(start, start.size(), RecordType::kSnapshot,
                [&](codec::Writer& out) { write_mark(out, log_.snapshot()); });
  append_record(start, start.size(), RecordType::kHardState,
                [&](codec::Writer& out) { codec::encode(out, hard_state_); });
  if (Status written = file_->append(start); !written) return failed(written.error());
  if (Status synced = file_->sync(); !synced) return failed(synced.error());
  file_size_ = start.size();
  stats_.records += 3;
  stats_.bytes_written += start.size();
  ++stats_.syncs;
  return {};
}

Status Wal::start_segment(SegmentName name) {
  const std::string path = join_path(dir_, format_segment_name(name));
  auto file = fs_->open(path, OpenMode::kCreateNew);
  if (!file) return failed(file.error());
  file_ = std::move(*file);
  if (Status started = write_segment_start(name); !started) return started;
  if (Status synced = fs_->sync_dir(dir_); !synced) return failed(synced.error());
  segments_.push_back(name);
  ++stats_.segments_created;
  return {};
}

WalContents Wal::take_recovered() { return std::move(recovered_); }

Status Wal::failed(Error error) {
  error.message = str("wal ", dir_, ": ", error.message);
  failed_ = error;
  return std::unexpected(std::move(error));
}

codec::BoundedWriter Wal::pending_room(std::size_t bound) {
  if (pending_.size() - pending_used_ < bound) pending_.resize(pending_used_ + bound);
  return codec::BoundedWriter(pending_.data() + pending_used_, pending_.data() + pending_.size());
}

template <class WritePayload>
void Wal::put_pending_record(codec::BoundedWriter& room, RecordType type,
                             WritePayload&& write_payload) {
  const std::uint64_t offset =
      file_size_ + static_cast<std::uint64_t>(room.position() - pending_.data());
  put_record(room, offset, type, std::forward<WritePayload>(write_payload));
}

Status Wal::append(const raft::HardState* state, std::span<const raft::Entry> entries) {
  if (Status ok = check_failed(); !ok) return ok;
  if (!entries.empty()) append_entries(entries);
  if (state != nullptr) {
    hard_state_ = *state;
    codec::BoundedWriter room = pending_room(kRecordHeaderBytes + codec::kHardStateBound);
    put_pending_record(room, RecordType::kHardState,
                       [&](codec::BoundedWriter& out) { codec::encode(out, *state); });
    add_pending(room);
  }
  stats_.records += entries.size() + (state != nullptr ? 1 : 0);
  return {};
}

// The batch's records go into room made once for all of them (its size bound: a record header and
// an entry's bound each), each entry encoded by one BoundedWriter put.
void Wal::append_entries(std::span<const raft::Entry> entries) {
  codec::BoundedWriter room =
      pending_room(entries.size() * kRecordHeaderBytes + codec::encoded_size_bound(entries));
  for (const raft::Entry& entry : entries) {
    const Status added = log_.add_entry(entry);
    KEEL_ASSERT(added, "wal append: ", added.error().message);
    put_pending_record(room, RecordType::kEntry,
                       [&](codec::BoundedWriter& out) { codec::encode(out, entry); });
  }
  add_pending(room);
}

Status Wal::save_snapshot(SnapshotMark mark) {
  if (Status ok = check_failed(); !ok) return ok;
  const Status added = log_.add_snapshot(mark);
  KEEL_ASSERT(added, "wal save_snapshot: ", added.error().message);
  codec::BoundedWriter room = pending_room(kRecordHeaderBytes + kMarkBound);
  put_pending_record(room, RecordType::kSnapshot,
                     [&](codec::BoundedWriter& out) { write_mark(out, mark); });
  add_pending(room);
  ++stats_.records;
  return {};
}

Status Wal::sync() {
  if (Status ok = check_failed(); !ok) return ok;
  if (pending_used_ == 0) return {};
  if (Status written = file_->append(ByteView(pending_.data(), pending_used_)); !written) {
    return failed(written.error());
  }
  if (Status synced = file_->sync(); !synced) return failed(synced.error());
  file_size_ += pending_used_;
  stats_.bytes_written += pending_used_;
  ++stats_.syncs;
  pending_used_ = 0;
  synced_snapshot_ = log_.snapshot();
  if (file_size_ < options_.segment_bytes) return {};
  return start_segment({segments_.back().seq + 1, log_.last_index() + 1});
}

Status Wal::release_before(raft::Index index) {
  if (Status ok = check_failed(); !ok) return ok;
  KEEL_ASSERT(index <= synced_snapshot_.index, "wal release_before(", index,
              ") past the last synced snapshot marker at ", synced_snapshot_.index);
  // Segment k's live entries all precede segment k + 1's first index (a later overwrite of them
  // lands in a later segment), and its hard state and marker are repeated at the start of k + 1.
  std::size_t covered = 0;
  while (covered + 1 < segments_.size() && segments_[covered + 1].first_index <= index + 1) {
    ++covered;
  }
  if (covered == 0) return {};
  // Oldest first: a crash keeps an in-order prefix of the removals, so what remains is always a
  // run of consecutive segments.
  for (std::size_t k = 0; k < covered; ++k) {
    if (Status removed = fs_->remove(join_path(dir_, format_segment_name(segments_[k])));
        !removed) {
      return failed(removed.error());
    }
  }
  if (Status synced = fs_->sync_dir(dir_); !synced) return failed(synced.error());
  segments_.erase(segments_.begin(), segments_.begin() + static_cast<std::ptrdiff_t>(covered));
  stats_.segments_released += covered;
  return {};
}

std::vector<std::string> Wal::segment_files() const {
  std::vector<std::string> files;
  for (const SegmentName& name : segments_) files.push_back(format_segment_name(name));
  return files;
}

}  // namespace keel::storage
