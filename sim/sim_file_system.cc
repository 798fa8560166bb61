#include "sim/sim_file_system.h"

#include <algorithm>
#include <optional>
#include <unordered_map>

#include "core/env/assert.h"
#include "core/env/str.h"
#include "sim/file_contents.h"

namespace keel::sim {

// A file's contents. `data` is what reads see; the durable contents are data[0, synced_length),
// unless a truncate below the synced length has not been synced yet, in which case they are
// `durable_override`.
struct SimFileSystem::Inode {
  FileContents data;
  std::uint64_t synced_length = 0;
  std::optional<FileContents> durable_override;
  bool alive = true;  // false once a crash has replaced it
};

namespace {

Status dead_handle() { return fail(Errc::kIo, "file handle opened before a crash"); }

}  // namespace

class SimFile final : public File {
 public:
  SimFile(SimFileSystem& fs, std::shared_ptr<SimFileSystem::Inode> inode)
      : fs_(fs), inode_(std::move(inode)) {}

  Status append(ByteView data) override {
    if (!inode_->alive) return dead_handle();
    inode_->data.append(data);
    fs_.stats_.bytes_appended += data.size();
    return {};
  }

  // Keeps a reference to the chunk, not a copy: the same bytes to every reader and to a crash.
  Status append_shared(const ChunkedBytes::ChunkPtr& chunk, std::size_t offset,
                       std::size_t length) override {
    if (!inode_->alive) return dead_handle();
    inode_->data.append(chunk, offset, length);
    fs_.stats_.bytes_appended += length;
    return {};
  }

  Result<Bytes> read(std::uint64_t offset, std::size_t length) const override {
    if (!inode_->alive) return std::unexpected(dead_handle().error());
    return inode_->data.read(offset, length);
  }

  std::uint64_t size() const override { return inode_->data.size(); }

  Status truncate(std::uint64_t size) override {
    if (!inode_->alive) return dead_handle();
    if (size >= inode_->data.size()) return {};
    if (size < inode_->synced_length && !inode_->durable_override) {
      inode_->durable_override = inode_->data.prefix(inode_->synced_length);
    }
    inode_->data.truncate(size);
    inode_->synced_length = std::min(inode_->synced_length, size);
    return {};
  }

  Status sync() override {
    if (!inode_->alive) return dead_handle();
    inode_->synced_length = inode_->data.size();
    inode_->durable_override.reset();
    fs_.charge_sync();
    return {};
  }

 private:
  SimFileSystem& fs_;
  std::shared_ptr<SimFileSystem::Inode> inode_;
};

std::string_view parent_dir(std::string_view path) {
  const auto slash = path.rfind('/');
  return slash == std::string_view::npos ? std::string_view() : path.substr(0, slash);
}

SimFileSystem::SimFileSystem(Random random, std::function<void(Duration)> charge)
    : random_(std::move(random)), charge_(std::move(charge)) {}

SimFileSystem::~SimFileSystem() = default;

Result<std::unique_ptr<File>> SimFileSystem::open(std::string_view path, OpenMode mode) {
  auto it = live_.find(path);
  if (it != live_.end()) {
    if (!it->second.inode) return fail(Errc::kInvalidArgument, str("'", path, "' is a directory"));
    if (mode == OpenMode::kCreateNew) return fail(Errc::kAlreadyExists, str("'", path, "' exists"));
    return std::make_unique<SimFile>(*this, it->second.inode);
  }
  if (mode == OpenMode::kOpenExisting) return fail(Errc::kNotFound, str("no file '", path, "'"));
  const std::string_view parent = parent_dir(path);
  if (!parent.empty() && !live_.contains(parent)) {
    return fail(Errc::kNotFound, str("no directory '", parent, "' for '", path, "'"));
  }
  auto inode = std::make_shared<Inode>();
  inodes_.push_back(inode);
  live_.emplace(std::string(path), Entry{inode});
  pending_.push_back({NamespaceChange::Kind::kCreate, std::string(path), {}, inode});
  return std::make_unique<SimFile>(*this, inode);
}

Status SimFileSystem::rename(std::string_view from, std::string_view to) {
  auto it = live_.find(from);
  if (it == live_.end()) return fail(Errc::kNotFound, str("rename: no file '", from, "'"));
  if (!it->second.inode) return fail(Errc::kInvalidArgument, "rename of a directory");
  auto inode = it->second.inode;
  live_.erase(it);
  live_.insert_or_assign(std::string(to), Entry{inode});
  pending_.push_back({NamespaceChange::Kind::kRename, std::string(from), std::string(to), inode});
  return {};
}

Status SimFileSystem::remove(std::string_view path) {
  auto it = live_.find(path);
  if (it == live_.end()) return fail(Errc::kNotFound, str("remove: no file '", path, "'"));
  live_.erase(it);
  pending_.push_back({NamespaceChange::Kind::kRemove, std::string(path), {}, nullptr});
  return {};
}

Status SimFileSystem::create_dir(std::string_view path) {
  auto it = live_.find(path);
  if (it != live_.end()) {
    if (it->second.inode) return fail(Errc::kAlreadyExists, str("'", path, "' is a file"));
    return {};
  }
  live_.emplace(std::string(path), Entry{nullptr});
  pending_.push_back({NamespaceChange::Kind::kMakeDir, std::string(path), {}, nullptr});
  return {};
}

bool SimFileSystem::touches(const NamespaceChange& change, std::string_view dir) {
  return parent_dir(change.path) == dir ||
         (change.kind == NamespaceChange::Kind::kRename && parent_dir(change.to) == dir);
}

void SimFileSystem::apply(Namespace& names, const NamespaceChange& change) {
  switch (change.kind) {
    case NamespaceChange::Kind::kCreate:
      names.insert_or_assign(change.path, Entry{change.inode});
      break;
    case NamespaceChange::Kind::kMakeDir:
      names.insert_or_assign(change.path, Entry{nullptr});
      break;
    case NamespaceChange::Kind::kRename:
      names.erase(change.path);
      names.insert_or_assign(change.to, Entry{change.inode});
      break;
    case NamespaceChange::Kind::kRemove:
      names.erase(change.path);
      break;
  }
}

Status SimFileSystem::sync_dir(std::string_view path) {
  if (!path.empty()) {
    auto it = live_.find(path);
    if (it == live_.end() || it->second.inode) {
      return fail(Errc::kNotFound, str("sync_dir: no directory '", path, "'"));
    }
  }
  std::erase_if(pending_, [&](const NamespaceChange& change) {
    if (!touches(change, path)) return false;
    apply(durable_, change);
    return true;
  });
  charge_sync();
  return {};
}

Result<std::vector<std::string>> SimFileSystem::list(std::string_view dir) const {
  if (!dir.empty()) {
    auto it = live_.find(dir);
    if (it == live_.end() || it->second.inode) {
      return fail(Errc::kNotFound, str("list: no directory '", dir, "'"));
    }
  }
  std::vector<std::string> names;
  for (const auto& [path, entry] : live_) {
    if (parent_dir(path) == dir) {
      names.push_back(dir.empty() ? path : path.substr(dir.size() + 1));
    }
  }
  return names;  // live_ is ordered by path, so names come out sorted
}

bool SimFileSystem::exists(std::string_view path) const { return live_.contains(path); }

void SimFileSystem::set_sync_latency(Duration low, Duration high) {
  KEEL_ASSERT(low <= high, "sync latency range reversed");
  sync_low_ = low;
  sync_high_ = high;
}

void SimFileSystem::set_stalled(bool stalled, Duration extra) {
  stalled_ = stalled;
  stall_extra_ = extra;
}

void SimFileSystem::charge_sync() {
  ++stats_.syncs;
  Duration latency = sync_low_ == sync_high_ ? sync_low_ : random_.between(sync_low_, sync_high_);
  if (stalled_) latency += stall_extra_;
  if (charge_ && latency > Duration::zero()) charge_(latency);
}

void SimFileSystem::crash(CrashMode mode) {
  ++stats_.crashes;
  // Namespace: the synced state plus an in-order prefix of what came after.
  Namespace survivors = durable_;
  const std::size_t kept = random_.below(pending_.size() + 1);
  for (std::size_t i = 0; i < kept; ++i) apply(survivors, pending_[i]);
  pending_.clear();

  // Contents: per file, the durable bytes plus none, part or all of the unsynced tail.
  // Keyed by the old inode only to keep names that share one inode sharing it; never iterated.
  std::unordered_map<const Inode*, std::shared_ptr<Inode>> rebuilt;
  std::vector<std::weak_ptr<Inode>> fresh_inodes;
  for (auto& [path, entry] : survivors) {
    if (!entry.inode) continue;
    auto [slot, fresh] = rebuilt.try_emplace(entry.inode.get());
    if (fresh) {
      const Inode& old = *entry.inode;
      auto inode = std::make_shared<Inode>();
      if (old.durable_override) {
        inode->data = old.durable_override->prefix(old.durable_override->size());
      } else {
        const std::uint64_t tail = old.data.size() - old.synced_length;
        std::uint64_t keep = 0;
        if (tail > 0) {
          keep = random_.below(3) == 0 ? tail : random_.below(tail + 1);
          if (keep > 0 && keep < tail) ++stats_.torn_tails;
        }
        if (mode == CrashMode::kCorruptTail && keep > 0) {
          inode->data = old.data.prefix(old.synced_length);
          Bytes garbage(keep);
          for (std::uint8_t& byte : garbage) byte = static_cast<std::uint8_t>(random_.next());
          inode->data.append(garbage);
        } else {
          // The kept part of the tail is the bytes written (still shared where they were).
          inode->data = old.data.prefix(old.synced_length + keep);
        }
      }
      inode->synced_length = inode->data.size();
      fresh_inodes.push_back(inode);
      slot->second = std::move(inode);
    }
    entry.inode = slot->second;
  }
  for (const auto& weak : inodes_) {
    if (auto inode = weak.lock()) inode->alive = false;
  }
  inodes_ = std::move(fresh_inodes);
  live_ = survivors;
  durable_ = std::move(survivors);
}

}  // namespace keel::sim
