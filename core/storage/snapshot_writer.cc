#include "core/storage/snapshot_writer.h"

#include <algorithm>

#include "core/codec/crc32c.h"
#include "core/codec/crc32c_combine.h"
#include "core/codec/raft_codec.h"
#include "core/codec/writer.h"
#include "core/env/assert.h"
#include "core/env/str.h"
#include "core/storage/snapshot_format.h"
#include "core/storage/snapshot_store.h"

namespace keel::storage {

SnapshotWriter::SnapshotWriter(FileSystem& fs, std::string dir, raft::SnapshotMeta meta,
                               std::size_t data_bytes)
    : fs_(fs),
      dir_(std::move(dir)),
      path_(join_path(dir_, snapshot_file_name(meta.term, meta.index))),
      meta_(std::move(meta)),
      data_bytes_(data_bytes) {
  KEEL_ASSERT(data_bytes_ <= kMaxSnapshotDataBytes, "snapshot at index ", meta_.index, " has ",
              data_bytes_, " bytes of data, over kMaxSnapshotDataBytes");
  codec::Writer out(head_);
  out.u32(kSnapshotMagic);
  out.u8(kSnapshotVersion);
  out.u32(0);  // the crc, patched in once the data is checksummed
  encode(out, meta_);
  out.varint(data_bytes_);  // the data follows as codec bytes: length, then raw
  crc_ = codec::crc32c(ByteView(head_).subspan(kSnapshotHeaderBytes));
}

Result<bool> SnapshotWriter::step(const ChunkedBytes& data, std::size_t budget) {
  KEEL_ASSERT(budget > 0, "a snapshot step needs a budget");
  KEEL_ASSERT(data.size() == data_bytes_, "snapshot at index ", meta_.index, ": a step with ",
              data.size(), " bytes of data, not ", data_bytes_);
  KEEL_ASSERT(phase_ == Phase::kChecksum || phase_ == Phase::kWrite,
              "step() on a snapshot write that is over (index ", meta_.index, ")");
  if (phase_ == Phase::kChecksum) {
    checksum(data, budget);
    if (chunk_index_ == data.chunks().size()) {
      codec::Writer(head_).patch_u32(kSnapshotCrcOffset, crc_);
      phase_ = Phase::kWrite;
    }
    return false;
  }
  const std::size_t length = std::min(budget, data.size() - position_);
  phase_ = Phase::kFailed;  // until this step succeeds
  if (file_ == nullptr) {
    if (Status opened = open_temp(); !opened) return std::unexpected(opened.error());
  }
  Status written;
  data.for_each_chunk_piece(
      position_, length, [&](const ChunkedBytes::ChunkPtr& chunk, std::size_t at, std::size_t n) {
        if (written) written = file_->append_shared(chunk, at, n);
      });
  if (!written) return std::unexpected(written.error());
  if (Status synced = file_->sync(); !synced) return std::unexpected(synced.error());
  position_ += length;
  if (position_ < data.size()) {
    phase_ = Phase::kWrite;
    return false;
  }
  if (Status finished = finish(); !finished) return std::unexpected(finished.error());
  phase_ = Phase::kDone;
  return true;
}

// Extends crc_ over whole chunks, by their remembered CRCs where known; a chunk not yet
// checksummed is read, at most `budget` bytes per step, and its CRC is remembered once complete.
void SnapshotWriter::checksum(const ChunkedBytes& data, std::size_t budget) {
  const auto chunks = data.chunks();
  while (chunk_index_ < chunks.size()) {
    const ChunkedBytes::Chunk& chunk = *chunks[chunk_index_];
    if (!chunk.crc32c) {
      if (budget == 0) return;
      const std::size_t length = std::min(budget, chunk.bytes.size() - chunk_offset_);
      chunk_crc_ =
          codec::crc32c_extend(chunk_crc_, ByteView(chunk.bytes).subspan(chunk_offset_, length));
      chunk_offset_ += length;
      budget -= length;
      if (chunk_offset_ < chunk.bytes.size()) return;
      chunk.crc32c = chunk_crc_;
    }
    crc_ = codec::crc32c_combine(crc_, *chunk.crc32c, chunk.bytes.size());
    ++chunk_index_;
    chunk_offset_ = 0;
    chunk_crc_ = 0;
  }
}

Status SnapshotWriter::open_temp() {
  const std::string temp = path_ + ".tmp";
  if (fs_.exists(temp)) {
    if (Status removed = fs_.remove(temp); !removed) return removed;
  }
  auto file = fs_.open(temp, OpenMode::kCreateNew);
  if (!file) return std::unexpected(file.error());
  file_ = std::move(*file);
  return file_->append(head_);
}

Status SnapshotWriter::finish() {
  file_.reset();
  if (Status renamed = fs_.rename(path_ + ".tmp", path_); !renamed) return renamed;
  return fs_.sync_dir(dir_);
}

Status SnapshotWriter::abandon() {
  KEEL_ASSERT(phase_ != Phase::kDone, "abandon() after the snapshot at index ", meta_.index,
              " was saved");
  phase_ = Phase::kFailed;
  file_.reset();
  const std::string temp = path_ + ".tmp";
  if (!fs_.exists(temp)) return {};
  return fs_.remove(temp);
}

}  // namespace keel::storage
