#include "core/storage/snapshot_store.h"

#include <gtest/gtest.h>

#include "core/storage/storage.h"
#include "sim/sim_file_system.h"
#include "storage_test_util.h"

namespace keel::storage {
namespace {

using testing::bytes_of;
using testing::DyingFileSystem;
using testing::read_file;
using testing::rewrite_file;

raft::Snapshot snapshot(raft::Index index, raft::Term term, std::string_view data) {
  return {{index, term, {{1, 2, 3}, {4}}}, ChunkedBytes(bytes_of(data))};
}

SnapshotStore open_store(FileSystem& fs) {
  auto store = SnapshotStore::open(fs, "snap");
  EXPECT_TRUE(store.has_value()) << store.error().message;
  return std::move(*store);
}

TEST(StorageSnapshot, SaveAndLoad) {
  sim::SimFileSystem fs{Random(1)};
  SnapshotStore store = open_store(fs);
  ASSERT_TRUE(store.save(snapshot(100, 2, "state at 100")));
  fs.crash(sim::CrashMode::kCorruptTail);  // save() is durable when it returns
  store = open_store(fs);
  auto loaded = store.load(2, 100);
  ASSERT_TRUE(loaded) << loaded.error().message;
  EXPECT_EQ(*loaded, snapshot(100, 2, "state at 100"));
  EXPECT_TRUE(fs.exists("snap/0000000000000002-0000000000000064.snap"));
  EXPECT_EQ(store.load(2, 101).error().code, Errc::kNotFound);
}

TEST(StorageSnapshot, NewestValidIsLoadedAndCorruptOnesReported) {
  sim::SimFileSystem fs{Random(2)};
  SnapshotStore store = open_store(fs);
  ASSERT_TRUE(store.save(snapshot(10, 1, "ten")));
  ASSERT_TRUE(store.save(snapshot(20, 1, "twenty")));
  const std::string newest = "snap/0000000000000001-0000000000000014.snap";
  Bytes data = read_file(fs, newest);
  data.back() ^= 0xFF;
  rewrite_file(fs, newest, data);

  const auto direct = store.load(1, 20);
  ASSERT_FALSE(direct);
  EXPECT_EQ(direct.error().code, Errc::kCorrupt);
  EXPECT_EQ(direct.error().message, "snapshot " + newest + ": crc mismatch");

  std::vector<std::string> problems;
  auto loaded = store.load_newest(&problems);
  ASSERT_TRUE(loaded);
  ASSERT_TRUE(loaded->has_value());
  EXPECT_EQ(**loaded, snapshot(10, 1, "ten"));
  EXPECT_EQ(problems, std::vector<std::string>{"snapshot " + newest + ": crc mismatch"});
}

TEST(StorageSnapshot, TruncatedOrMisnamedFilesAreCorrupt) {
  sim::SimFileSystem fs{Random(3)};
  SnapshotStore store = open_store(fs);
  ASSERT_TRUE(store.save(snapshot(10, 1, "ten")));
  const std::string path = "snap/0000000000000001-000000000000000a.snap";
  const Bytes data = read_file(fs, path);
  for (std::size_t n = 0; n < data.size(); ++n) {
    rewrite_file(fs, path, Bytes(data.begin(), data.begin() + static_cast<std::ptrdiff_t>(n)));
    auto loaded = store.load(1, 10);
    ASSERT_FALSE(loaded) << n;
    EXPECT_EQ(loaded.error().code, Errc::kCorrupt);
  }
  rewrite_file(fs, path, data);
  ASSERT_TRUE(fs.rename(path, "snap/0000000000000001-000000000000000b.snap"));
  auto misnamed = store.load(1, 11);
  ASSERT_FALSE(misnamed);
  EXPECT_NE(misnamed.error().message.find("holds term 1 index 10, not what its name says"),
            std::string::npos);
}

// A crash anywhere inside save() leaves the old snapshot loadable and no partial new one.
TEST(StorageSnapshot, CrashDuringSaveKeepsTheOldSnapshot) {
  for (std::uint64_t budget = 0; budget < 8; ++budget) {
    for (std::uint64_t seed = 0; seed < 20; ++seed) {
      sim::SimFileSystem disk{Random(seed)};
      ASSERT_TRUE(open_store(disk).save(snapshot(10, 1, "old")));
      {
        DyingFileSystem dying(disk, budget);
        SnapshotStore store = open_store(dying);
        const Status saved = store.save(snapshot(20, 2, std::string(500, 'n')));
        if (saved) continue;  // the budget was enough
      }
      disk.crash(seed % 2 ? sim::CrashMode::kCorruptTail : sim::CrashMode::kLoseUnsynced);
      SnapshotStore store = open_store(disk);
      std::vector<std::string> problems;
      auto newest = store.load_newest(&problems);
      ASSERT_TRUE(newest);
      ASSERT_TRUE(newest->has_value());
      EXPECT_TRUE(problems.empty()) << problems.front();
      EXPECT_TRUE(**newest == snapshot(10, 1, "old") ||
                  **newest == snapshot(20, 2, std::string(500, 'n')));
      EXPECT_EQ(*store.load(1, 10), snapshot(10, 1, "old"));
      const auto names = disk.list("snap");
      ASSERT_TRUE(names);
      for (const std::string& name : *names) EXPECT_FALSE(name.ends_with(".tmp")) << name;
    }
  }
}

TEST(StorageSnapshot, ReleaseBeforeKeepsOneOlderSnapshot) {
  sim::SimFileSystem fs{Random(4)};
  SnapshotStore store = open_store(fs);
  for (raft::Index i = 10; i <= 50; i += 10) ASSERT_TRUE(store.save(snapshot(i, 1, "s")));
  ASSERT_TRUE(store.release_before(40));
  auto files = store.list();
  ASSERT_TRUE(files);
  std::vector<raft::Index> indexes;
  for (const auto& f : *files) indexes.push_back(f.index);
  EXPECT_EQ(indexes, (std::vector<raft::Index>{30, 40, 50}));
}

constexpr WalIdentity kId{7, 1};

TEST(StorageFacade, SnapshotThenCompactThenRestart) {
  sim::SimFileSystem fs{Random(5)};
  const StorageOptions small{.wal = {.segment_bytes = 300}};
  std::vector<raft::Entry> all;
  for (raft::Index i = 1; i <= 50; ++i)
    all.push_back({1, i, raft::EntryType::kNormal, bytes_of("e")});
  {
    auto storage = Storage::open(fs, "data", kId, small);
    ASSERT_TRUE(storage) << storage.error().message;
    for (std::size_t i = 0; i < all.size(); i += 5) {
      const raft::HardState state{1, 1, all[i].index};
      ASSERT_TRUE(storage->append(&state, std::span(all).subspan(i, 5)));
      ASSERT_TRUE(storage->sync());
    }
    ASSERT_TRUE(storage->save_snapshot(snapshot(40, 1, "state@40")));
    ASSERT_TRUE(storage->sync());
    ASSERT_TRUE(storage->release_before(40));
    EXPECT_GT(storage->wal().stats().segments_released, 0u);
  }
  fs.crash(sim::CrashMode::kCorruptTail);
  auto storage = Storage::open(fs, "data", kId, small);
  ASSERT_TRUE(storage) << storage.error().message;
  Recovered recovered = storage->take_recovered();
  ASSERT_TRUE(recovered.snapshot);
  EXPECT_EQ(*recovered.snapshot, snapshot(40, 1, "state@40"));
  EXPECT_EQ(recovered.entries, std::vector<raft::Entry>(all.begin() + 40, all.end()));
  EXPECT_EQ(recovered.hard_state, (raft::HardState{1, 1, 46}));
}

TEST(StorageFacade, OrphanSnapshotWithoutMarkerIsIgnoredAndRemoved) {
  sim::SimFileSystem fs{Random(6)};
  {
    auto storage = Storage::open(fs, "data", kId);
    ASSERT_TRUE(storage);
    std::vector<raft::Entry> entries{{1, 1, raft::EntryType::kNormal, {}}};
    ASSERT_TRUE(storage->append(nullptr, entries));
    ASSERT_TRUE(storage->sync());
    ASSERT_TRUE(storage->save_snapshot(snapshot(1, 1, "one")));
    // No sync: the marker is lost in the crash, the snapshot file is not.
  }
  fs.crash(sim::CrashMode::kCorruptTail);
  auto storage = Storage::open(fs, "data", kId);
  ASSERT_TRUE(storage) << storage.error().message;
  Recovered recovered = storage->take_recovered();
  EXPECT_FALSE(recovered.snapshot);
  EXPECT_EQ(recovered.entries.size(), 1u);
  EXPECT_TRUE(fs.list("data/snap")->empty());
}

TEST(StorageFacade, CorruptSnapshotNamedByTheWalIsReported) {
  sim::SimFileSystem fs{Random(7)};
  {
    auto storage = Storage::open(fs, "data", kId);
    ASSERT_TRUE(storage);
    ASSERT_TRUE(storage->save_snapshot(snapshot(9, 3, "nine")));
    ASSERT_TRUE(storage->sync());
  }
  const std::string path = "data/snap/0000000000000003-0000000000000009.snap";
  Bytes data = read_file(fs, path);
  data[0] ^= 1;
  rewrite_file(fs, path, data);
  auto storage = Storage::open(fs, "data", kId);
  ASSERT_FALSE(storage);
  EXPECT_EQ(storage.error().code, Errc::kCorrupt);
  EXPECT_EQ(storage.error().message,
            "the WAL's log starts after the snapshot at term 3 index 9, which cannot be loaded: "
            "snapshot " +
                path + ": bad magic");
  ASSERT_TRUE(fs.remove(path));
  storage = Storage::open(fs, "data", kId);
  ASSERT_FALSE(storage);
  EXPECT_EQ(storage.error().code, Errc::kCorrupt);
  EXPECT_NE(storage.error().message.find("does not exist"), std::string::npos);
}

}  // namespace
}  // namespace keel::storage
