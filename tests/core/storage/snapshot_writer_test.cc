#include "core/storage/snapshot_writer.h"

#include <gtest/gtest.h>

#include "core/storage/snapshot_store.h"
#include "sim/sim_file_system.h"
#include "storage_test_util.h"

namespace keel::storage {
namespace {

using testing::bytes_of;
using testing::DyingFileSystem;
using testing::read_file;

constexpr std::string_view kNewName = "snap/0000000000000002-0000000000000014.snap";
const std::vector<std::string> kOldOnly = {"0000000000000001-000000000000000a.snap"};

raft::Snapshot snapshot(raft::Index index, raft::Term term, std::string_view data) {
  return {{index, term, {{1, 2, 3}, {}}}, ChunkedBytes(bytes_of(data))};
}

SnapshotStore open_store(FileSystem& fs) {
  auto store = SnapshotStore::open(fs, "snap");
  EXPECT_TRUE(store.has_value()) << store.error().message;
  return std::move(*store);
}

// Runs the writer over `data` to the end; the number of steps it took, or 0 on a failure.
std::size_t run(SnapshotWriter& writer, const ChunkedBytes& data, std::size_t budget) {
  for (std::size_t steps = 1;; ++steps) {
    auto done = writer.step(data, budget);
    if (!done) return 0;
    if (*done) return steps;
  }
}

// Step by step, the writer produces the very file save() writes: one checksum step and one write
// step per `budget` bytes of data.
TEST(StorageSnapshotWriter, StepsProduceTheFileSaveWrites) {
  const raft::Snapshot big = snapshot(20, 2, std::string(1000, 'd'));
  sim::SimFileSystem whole{Random(1)};
  ASSERT_TRUE(open_store(whole).save(big));

  sim::SimFileSystem stepped{Random(1)};
  SnapshotStore store = open_store(stepped);
  // The same bytes in new chunks: save() remembered the CRC of big's chunk (see below).
  const raft::Snapshot again = snapshot(20, 2, std::string(1000, 'd'));
  SnapshotWriter writer = store.begin_save(again.meta, again.data.size());
  EXPECT_EQ(writer.meta(), big.meta);
  EXPECT_EQ(run(writer, again.data, 64), 2u * 16);  // ceil(1000 / 64) = 16 of each
  EXPECT_TRUE(writer.done());
  EXPECT_EQ(read_file(stepped, std::string(kNewName)), read_file(whole, std::string(kNewName)));
  auto loaded = store.load(2, 20);
  ASSERT_TRUE(loaded) << loaded.error().message;
  EXPECT_EQ(*loaded, big);
}

TEST(StorageSnapshotWriter, EmptyDataTakesOneStepOfEach) {
  sim::SimFileSystem fs{Random(2)};
  SnapshotStore store = open_store(fs);
  const raft::Snapshot empty = snapshot(20, 2, "");
  SnapshotWriter writer = store.begin_save(empty.meta, 0);
  EXPECT_EQ(run(writer, empty.data, 64), 2u);
  EXPECT_EQ(*store.load(2, 20), snapshot(20, 2, ""));
}

// The data in several chunks gives the very file one buffer of the same bytes gives.
TEST(StorageSnapshotWriter, ChunkedDataWritesTheSameFileAsOneBuffer) {
  const raft::Snapshot whole = snapshot(20, 2, std::string(300, 'a') + std::string(700, 'b'));
  raft::Snapshot chunked = whole;
  chunked.data = ChunkedBytes();
  chunked.data.append(bytes_of(std::string(300, 'a')));
  chunked.data.append(bytes_of(std::string(650, 'b')));
  chunked.data.append(bytes_of(std::string(50, 'b')));
  sim::SimFileSystem one{Random(1)};
  ASSERT_TRUE(open_store(one).save(whole));
  sim::SimFileSystem many{Random(1)};
  SnapshotStore store = open_store(many);
  SnapshotWriter writer = store.begin_save(chunked.meta, chunked.data.size());
  EXPECT_EQ(run(writer, chunked.data, 64), 16u + 16u);  // a step may span chunks
  EXPECT_EQ(read_file(many, std::string(kNewName)), read_file(one, std::string(kNewName)));
  EXPECT_EQ(*store.load(2, 20), whole);
}

// A chunk checksummed for one snapshot is not read again for the next that shares it: only the
// new chunk costs checksum steps (issue 3: a snapshot costs what changed since the last).
TEST(StorageSnapshotWriter, AChunkIsChecksummedOnceForEverySnapshotThatSharesIt) {
  sim::SimFileSystem fs{Random(3)};
  SnapshotStore store = open_store(fs);
  const ChunkedBytes old_part(bytes_of(std::string(1000, 'o')));
  raft::Snapshot first = snapshot(10, 1, "");
  first.data = old_part;
  SnapshotWriter first_writer = store.begin_save(first.meta, first.data.size());
  EXPECT_EQ(run(first_writer, first.data, 64), 16u + 16u);
  ASSERT_TRUE(old_part.chunks().front()->crc32c.has_value());

  raft::Snapshot second = snapshot(20, 2, "");
  second.data = old_part;
  second.data.append(bytes_of(std::string(100, 'n')));
  SnapshotWriter second_writer = store.begin_save(second.meta, second.data.size());
  EXPECT_EQ(run(second_writer, second.data, 64), 2u + 18u);  // 100 new bytes; 1,100 written
  auto loaded = store.load(2, 20);
  ASSERT_TRUE(loaded) << loaded.error().message;
  EXPECT_EQ(*loaded, second);
}

// The remembered CRC is trusted, so a wrong one shows in the file: load() refuses it. (Chunks
// never change, so only a broken writer could get it wrong; this shows the memo is what is used.)
TEST(StorageSnapshotWriter, AWrongRememberedChunkCrcGivesAFileThatFailsItsCheck) {
  sim::SimFileSystem fs{Random(4)};
  SnapshotStore store = open_store(fs);
  raft::Snapshot bad = snapshot(20, 2, std::string(500, 'x'));
  bad.data.chunks().front()->crc32c = 0x12345678;
  ASSERT_TRUE(store.save(bad));
  auto loaded = store.load(2, 20);
  ASSERT_FALSE(loaded);
  EXPECT_EQ(loaded.error().code, Errc::kCorrupt);
  EXPECT_NE(loaded.error().message.find("crc mismatch"), std::string::npos);
}

// A crash after any step short of the last leaves the older snapshot and no trace of the new one
// (SnapshotStore::open removes the temporary file).
TEST(StorageSnapshotWriter, CrashBeforeTheLastStepLeavesOnlyTheOldSnapshot) {
  for (std::size_t steps = 0; steps < 2 * 16; ++steps) {
    sim::SimFileSystem disk{Random(steps)};
    ASSERT_TRUE(open_store(disk).save(snapshot(10, 1, "old")));
    {
      SnapshotStore store = open_store(disk);
      const raft::Snapshot next = snapshot(20, 2, std::string(1000, 'n'));
      SnapshotWriter writer = store.begin_save(next.meta, next.data.size());
      for (std::size_t i = 0; i < steps; ++i) ASSERT_EQ(writer.step(next.data, 64), false) << i;
    }
    disk.crash(steps % 2 ? sim::CrashMode::kCorruptTail : sim::CrashMode::kLoseUnsynced);
    SnapshotStore store = open_store(disk);
    EXPECT_EQ(store.load(2, 20).error().code, Errc::kNotFound) << steps;
    EXPECT_EQ(*store.load(1, 10), snapshot(10, 1, "old"));
    EXPECT_EQ(disk.list("snap").value(), kOldOnly) << steps;
  }
}

TEST(StorageSnapshotWriter, AbandonRemovesTheTemporaryFile) {
  sim::SimFileSystem fs{Random(3)};
  SnapshotStore store = open_store(fs);
  const raft::Snapshot next = snapshot(20, 2, std::string(1000, 'n'));
  SnapshotWriter writer = store.begin_save(next.meta, next.data.size());
  for (int i = 0; i < 20; ++i) ASSERT_EQ(writer.step(next.data, 64), false);
  EXPECT_TRUE(fs.exists(std::string(kNewName) + ".tmp"));
  ASSERT_TRUE(writer.abandon());
  EXPECT_FALSE(fs.exists(std::string(kNewName) + ".tmp"));
  EXPECT_FALSE(fs.exists(kNewName));
  EXPECT_TRUE(store.list()->empty());
}

// A failing disk is reported by the step that meets it, with the disk's error.
TEST(StorageSnapshotWriter, AFailingDiskFailsTheStep) {
  sim::SimFileSystem disk{Random(4)};
  DyingFileSystem dying(disk, 5);
  SnapshotStore store = open_store(dying);
  const raft::Snapshot next = snapshot(20, 2, std::string(1000, 'n'));
  SnapshotWriter writer = store.begin_save(next.meta, next.data.size());
  EXPECT_EQ(run(writer, next.data, 64), 0u);
  EXPECT_FALSE(writer.done());
  EXPECT_TRUE(dying.dead());
  EXPECT_FALSE(disk.exists(kNewName));
}

}  // namespace
}  // namespace keel::storage
