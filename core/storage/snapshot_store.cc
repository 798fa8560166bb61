#include "core/storage/snapshot_store.h"

#include <algorithm>

#include "core/codec/crc32c.h"
#include "core/codec/raft_codec.h"
#include "core/codec/reader.h"
#include "core/env/str.h"
#include "core/storage/paths.h"
#include "core/storage/snapshot_format.h"

namespace keel::storage {

Result<SnapshotStore> SnapshotStore::open(FileSystem& fs, std::string dir) {
  if (!dir.empty() && !fs.exists(dir)) {
    if (Status made = fs.create_dir(dir); !made) return std::unexpected(made.error());
    if (Status synced = fs.sync_dir(parent_path(dir)); !synced) {
      return std::unexpected(synced.error());
    }
  }
  auto names = fs.list(dir);
  if (!names) return std::unexpected(names.error());
  for (const std::string& name : *names) {
    if (name.ends_with(kSnapshotTempSuffix)) {
      if (Status removed = fs.remove(join_path(dir, name)); !removed) {
        return std::unexpected(removed.error());
      }
    }
  }
  return SnapshotStore(fs, std::move(dir));
}

SnapshotWriter SnapshotStore::begin_save(const raft::SnapshotMeta& meta, std::size_t data_bytes) {
  return SnapshotWriter(*fs_, dir_, meta, data_bytes);
}

Status SnapshotStore::save(const raft::Snapshot& snapshot) {
  SnapshotWriter writer = begin_save(snapshot.meta, snapshot.data.size());
  for (;;) {
    auto done = writer.step(snapshot.data, kMaxSnapshotDataBytes);
    if (!done) return std::unexpected(done.error());
    if (*done) return {};
  }
}

Result<raft::Snapshot> SnapshotStore::load_file(const std::string& name, raft::Term term,
                                                raft::Index index) const {
  const std::string path = join_path(dir_, name);
  auto corrupt = [&](std::string_view why) {
    return fail(Errc::kCorrupt, str("snapshot ", path, ": ", why));
  };
  auto file = fs_->open(path, OpenMode::kOpenExisting);
  if (!file) return std::unexpected(file.error());
  const std::uint64_t size = (*file)->size();
  if (size > kMaxSnapshotDataBytes + (1u << 20)) {
    return corrupt(str(size, " bytes is over kMaxSnapshotDataBytes"));
  }
  auto content = (*file)->read(0, size);
  if (!content) return std::unexpected(content.error());
  if (content->size() < kSnapshotHeaderBytes) {
    return corrupt(str(content->size(), " bytes, shorter than the header"));
  }
  codec::Reader header(ByteView(*content).first(kSnapshotHeaderBytes));
  const std::uint32_t magic = header.u32("magic");
  const std::uint8_t version = header.u8("version");
  const std::uint32_t crc = header.u32("crc");
  if (magic != kSnapshotMagic) return corrupt("bad magic");
  if (version != kSnapshotVersion) {
    return corrupt(
        str("format version ", int{version}, ", this build reads only ", int{kSnapshotVersion}));
  }
  const ByteView body = ByteView(*content).subspan(kSnapshotHeaderBytes);
  if (codec::crc32c(body) != crc) return corrupt("crc mismatch");
  codec::Reader in(body);
  raft::Snapshot snapshot;
  read(in, snapshot.meta);
  const ByteView data = in.bytes("Snapshot.data", kMaxSnapshotDataBytes);
  if (Status done = in.finish("Snapshot"); !done) return corrupt(done.error().message);
  if (snapshot.meta.term != term || snapshot.meta.index != index) {
    return corrupt(str("holds term ", snapshot.meta.term, " index ", snapshot.meta.index,
                       ", not what its name says"));
  }
  snapshot.data = ChunkedBytes(Bytes(data.begin(), data.end()));
  return snapshot;
}

Result<raft::Snapshot> SnapshotStore::load(raft::Term term, raft::Index index) const {
  const std::string name = snapshot_file_name(term, index);
  if (!fs_->exists(join_path(dir_, name))) {
    return fail(Errc::kNotFound, str("snapshot ", join_path(dir_, name), " does not exist"));
  }
  return load_file(name, term, index);
}

Result<std::optional<raft::Snapshot>> SnapshotStore::load_newest(
    std::vector<std::string>* problems) const {
  auto files = list();
  if (!files) return std::unexpected(files.error());
  for (auto it = files->rbegin(); it != files->rend(); ++it) {
    auto snapshot = load_file(it->name, it->term, it->index);
    if (snapshot) return std::optional<raft::Snapshot>(std::move(*snapshot));
    if (snapshot.error().code != Errc::kCorrupt) return std::unexpected(snapshot.error());
    if (problems != nullptr) problems->push_back(snapshot.error().message);
  }
  return std::optional<raft::Snapshot>();
}

Result<std::vector<SnapshotFile>> SnapshotStore::list() const {
  auto names = fs_->list(dir_);
  if (!names) return std::unexpected(names.error());
  std::vector<SnapshotFile> files;
  for (const std::string& name : *names) {
    if (auto pair = parse_pair_name(name, kSnapshotSuffix)) {
      files.push_back({pair->first, pair->second, name});
    }
  }
  // Names sort by term first; snapshots are ordered by index (a later term never has a lower
  // index for the same member, but sort by both to be certain).
  std::sort(files.begin(), files.end(), [](const SnapshotFile& a, const SnapshotFile& b) {
    return std::pair(a.index, a.term) < std::pair(b.index, b.term);
  });
  return files;
}

Status SnapshotStore::remove_files(const std::vector<SnapshotFile>& files) {
  for (const SnapshotFile& file : files) {
    if (Status removed = fs_->remove(join_path(dir_, file.name)); !removed) return removed;
  }
  if (files.empty()) return {};
  return fs_->sync_dir(dir_);
}

Status SnapshotStore::release_before(raft::Index index) {
  auto files = list();
  if (!files) return std::unexpected(files.error());
  std::vector<SnapshotFile> older;
  for (const SnapshotFile& file : *files) {
    if (file.index < index) older.push_back(file);
  }
  if (!older.empty()) older.pop_back();  // the newest older one stays as a fallback
  return remove_files(older);
}

Status SnapshotStore::remove_after(raft::Index index) {
  auto files = list();
  if (!files) return std::unexpected(files.error());
  std::vector<SnapshotFile> newer;
  for (const SnapshotFile& file : *files) {
    if (file.index > index) newer.push_back(file);
  }
  return remove_files(newer);
}

}  // namespace keel::storage
