// SimFileSystem: one simulated machine's disk, with the crash semantics of env::FileSystem's
// contract made as harsh as the contract allows. It survives the crashes of the program using it.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/env/file_system.h"
#include "core/env/random.h"

namespace keel::sim {

// How a crash treats what was not synced.
enum class CrashMode {
  kLoseUnsynced,  // each file keeps none, part or all of its unsynced tail (seed-chosen)
  kCorruptTail,   // ... and the part kept may be garbage instead of the bytes written
};

struct DiskStats {
  std::uint64_t bytes_appended = 0;
  std::uint64_t syncs = 0;
  std::uint64_t crashes = 0;
  std::uint64_t torn_tails = 0;  // files that came back from a crash with part of their tail
};

class SimFileSystem final : public FileSystem {
 public:
  // `charge` is told how long each sync takes, so the machine can be kept busy for that long;
  // it may be empty (the sync is then instant).
  SimFileSystem(Random random, std::function<void(Duration)> charge = {});
  ~SimFileSystem() override;

  Result<std::unique_ptr<File>> open(std::string_view path, OpenMode mode) override;
  Status rename(std::string_view from, std::string_view to) override;
  Status remove(std::string_view path) override;
  Status create_dir(std::string_view path) override;
  Status sync_dir(std::string_view path) override;
  Result<std::vector<std::string>> list(std::string_view dir) const override;
  bool exists(std::string_view path) const override;

  // Simulator controls.
  void set_sync_latency(Duration low, Duration high);
  void set_stalled(bool stalled, Duration extra = std::chrono::seconds(1));
  bool stalled() const { return stalled_; }
  // Replaces the volatile state with what a crash leaves: the synced state, plus an in-order prefix
  // of unsynced namespace changes, plus per file a seed-chosen part of its unsynced tail. Every
  // handle opened before the crash becomes dead: its operations fail with Errc::kIo.
  void crash(CrashMode mode);
  const DiskStats& stats() const { return stats_; }

  struct Inode;

 private:
  struct Entry {
    std::shared_ptr<Inode> inode;  // null for a directory
  };
  struct NamespaceChange {
    enum class Kind { kCreate, kMakeDir, kRename, kRemove } kind;
    std::string path;
    std::string to;  // kRename only
    std::shared_ptr<Inode> inode;
  };
  using Namespace = std::map<std::string, Entry, std::less<>>;

  friend class SimFile;
  void charge_sync();
  static void apply(Namespace& names, const NamespaceChange& change);
  static bool touches(const NamespaceChange& change, std::string_view dir);

  Random random_;
  std::function<void(Duration)> charge_;
  Duration sync_low_{0}, sync_high_{0};
  bool stalled_ = false;
  Duration stall_extra_{0};
  Namespace live_;
  Namespace durable_;
  std::vector<NamespaceChange> pending_;
  std::vector<std::weak_ptr<Inode>> inodes_;  // every inode made since the last crash
  DiskStats stats_;
};

// The parent directory of a path ("" for a top-level name).
std::string_view parent_dir(std::string_view path);

}  // namespace keel::sim
