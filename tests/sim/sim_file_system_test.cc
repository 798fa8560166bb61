#include "sim/sim_file_system.h"

#include <gtest/gtest.h>

namespace keel::sim {
namespace {

Bytes bytes(std::string_view text) { return Bytes(text.begin(), text.end()); }
std::string text(const Bytes& b) { return std::string(b.begin(), b.end()); }

std::string read_all(SimFileSystem& fs, std::string_view path) {
  auto file = fs.open(path, OpenMode::kOpenExisting);
  EXPECT_TRUE(file.has_value()) << path;
  if (!file) return "";
  auto data = (*file)->read(0, (*file)->size());
  EXPECT_TRUE(data.has_value());
  return text(*data);
}

TEST(SimFileSystem, ReadsSeeUnsyncedWrites) {
  SimFileSystem fs(Random(1));
  auto file = fs.open("a", OpenMode::kCreateNew);
  ASSERT_TRUE(file);
  ASSERT_TRUE((*file)->append(bytes("hello")));
  EXPECT_EQ(read_all(fs, "a"), "hello");
  EXPECT_EQ(text(*(*file)->read(1, 3)), "ell");
  EXPECT_EQ(text(*(*file)->read(4, 100)), "o");
  EXPECT_TRUE((*file)->read(9, 1)->empty());
}

TEST(SimFileSystem, OpenModesAndErrors) {
  SimFileSystem fs(Random(1));
  EXPECT_EQ(fs.open("x", OpenMode::kOpenExisting).error().code, Errc::kNotFound);
  ASSERT_TRUE(fs.open("x", OpenMode::kCreateNew));
  EXPECT_EQ(fs.open("x", OpenMode::kCreateNew).error().code, Errc::kAlreadyExists);
  EXPECT_TRUE(fs.open("x", OpenMode::kCreateOrOpen));
  EXPECT_EQ(fs.open("d/x", OpenMode::kCreateNew).error().code, Errc::kNotFound);
  ASSERT_TRUE(fs.create_dir("d"));
  EXPECT_TRUE(fs.open("d/x", OpenMode::kCreateNew));
  EXPECT_EQ(*fs.list(""), (std::vector<std::string>{"d", "x"}));
  EXPECT_EQ(*fs.list("d"), (std::vector<std::string>{"x"}));
  EXPECT_EQ(fs.remove("nope").error().code, Errc::kNotFound);
}

// The contract's central promise: whatever a crash does, synced data and synced names survive.
TEST(SimFileSystem, SyncedDataAlwaysSurvivesCrashes) {
  for (std::uint64_t seed = 0; seed < 500; ++seed) {
    SimFileSystem fs{Random(seed)};
    {
      auto file = *fs.open("wal", OpenMode::kCreateNew);
      ASSERT_TRUE(fs.sync_dir(""));
      ASSERT_TRUE(file->append(bytes("durable")));
      ASSERT_TRUE(file->sync());
      ASSERT_TRUE(file->append(bytes("-volatile")));
    }
    fs.crash(seed % 2 ? CrashMode::kCorruptTail : CrashMode::kLoseUnsynced);
    const std::string after = read_all(fs, "wal");
    ASSERT_EQ(after.substr(0, 7), "durable") << "seed " << seed;
    ASSERT_LE(after.size(), std::string("durable-volatile").size()) << "seed " << seed;
    if (seed % 2 == 0) {
      ASSERT_EQ(after, std::string("durable-volatile").substr(0, after.size()));
    }
  }
}

TEST(SimFileSystem, CrashesProduceEveryTailOutcome) {
  int none = 0, part = 0, all = 0, garbage = 0;
  for (std::uint64_t seed = 0; seed < 300; ++seed) {
    SimFileSystem fs{Random(seed)};
    {
      auto file = *fs.open("f", OpenMode::kCreateNew);
      ASSERT_TRUE(fs.sync_dir(""));
      ASSERT_TRUE(file->append(bytes("0123456789")));
    }
    const bool corrupt = seed % 2 == 1;
    fs.crash(corrupt ? CrashMode::kCorruptTail : CrashMode::kLoseUnsynced);
    const std::string after = read_all(fs, "f");
    if (after.empty()) {
      ++none;
    } else if (corrupt) {
      garbage += after != std::string("0123456789").substr(0, after.size());
    } else if (after.size() == 10) {
      ++all;
    } else {
      ++part;
    }
  }
  EXPECT_GT(none, 0);
  EXPECT_GT(part, 0);
  EXPECT_GT(all, 0);
  EXPECT_GT(garbage, 0);
}

TEST(SimFileSystem, UnsyncedCreateMayVanishSyncedCreateStays) {
  int vanished = 0;
  for (std::uint64_t seed = 0; seed < 100; ++seed) {
    SimFileSystem fs{Random(seed)};
    ASSERT_TRUE(fs.open("kept", OpenMode::kCreateNew));
    ASSERT_TRUE(fs.sync_dir(""));
    ASSERT_TRUE(fs.open("maybe", OpenMode::kCreateNew));
    fs.crash(CrashMode::kLoseUnsynced);
    ASSERT_TRUE(fs.exists("kept"));
    vanished += !fs.exists("maybe");
  }
  EXPECT_GT(vanished, 0);
  EXPECT_LT(vanished, 100);
}

TEST(SimFileSystem, RenameIsAtomicAcrossCrashes) {
  for (std::uint64_t seed = 0; seed < 200; ++seed) {
    SimFileSystem fs{Random(seed)};
    {
      auto old_file = *fs.open("snap", OpenMode::kCreateNew);
      ASSERT_TRUE(old_file->append(bytes("old")));
      ASSERT_TRUE(old_file->sync());
      ASSERT_TRUE(fs.sync_dir(""));
      auto tmp = *fs.open("snap.tmp", OpenMode::kCreateNew);
      ASSERT_TRUE(tmp->append(bytes("new")));
      ASSERT_TRUE(tmp->sync());
      ASSERT_TRUE(fs.rename("snap.tmp", "snap"));
    }
    fs.crash(CrashMode::kLoseUnsynced);
    const std::string after = read_all(fs, "snap");
    ASSERT_TRUE(after == "old" || after == "new") << "seed " << seed << ": " << after;
  }
}

TEST(SimFileSystem, UnsyncedTruncateMayBeUndone) {
  int undone = 0;
  for (std::uint64_t seed = 0; seed < 50; ++seed) {
    SimFileSystem fs{Random(seed)};
    {
      auto file = *fs.open("f", OpenMode::kCreateNew);
      ASSERT_TRUE(fs.sync_dir(""));
      ASSERT_TRUE(file->append(bytes("abcdef")));
      ASSERT_TRUE(file->sync());
      ASSERT_TRUE(file->truncate(2));
      EXPECT_EQ(file->size(), 2u);
    }
    fs.crash(CrashMode::kLoseUnsynced);
    undone += read_all(fs, "f") == "abcdef";
  }
  EXPECT_EQ(undone, 50);  // never synced: the truncate is lost every time
}

TEST(SimFileSystem, HandlesFromBeforeACrashAreDead) {
  SimFileSystem fs(Random(1));
  auto file = *fs.open("f", OpenMode::kCreateNew);
  ASSERT_TRUE(fs.sync_dir(""));
  fs.crash(CrashMode::kLoseUnsynced);
  EXPECT_EQ(file->append(bytes("x")).error().code, Errc::kIo);
  EXPECT_EQ(file->sync().error().code, Errc::kIo);
}

TEST(SimFileSystem, SyncLatencyIsChargedAndStallsAddToIt) {
  Duration charged{0};
  SimFileSystem fs(Random(1), [&](Duration d) { charged += d; });
  fs.set_sync_latency(std::chrono::milliseconds(2), std::chrono::milliseconds(2));
  auto file = *fs.open("f", OpenMode::kCreateNew);
  ASSERT_TRUE(file->sync());
  EXPECT_EQ(charged, std::chrono::milliseconds(2));
  fs.set_stalled(true, std::chrono::milliseconds(500));
  ASSERT_TRUE(file->sync());
  EXPECT_EQ(charged, std::chrono::milliseconds(504));
  EXPECT_EQ(fs.stats().syncs, 2u);
}

}  // namespace
}  // namespace keel::sim
