// SimFileSystem with File::append_shared (issue 3): a file written from shared chunks behaves
// exactly as one written with the same bytes by append(): same reads, and after a crash the same
// surviving bytes from the same seed (lost, torn inside a chunk, or corrupted tails alike).
#include <gtest/gtest.h>

#include "core/env/chunked_bytes.h"
#include "sim/sim_file_system.h"

namespace keel::sim {
namespace {

ChunkedBytes::ChunkPtr chunk_of(std::size_t n, std::uint8_t seed) {
  Bytes out(n);
  for (std::size_t i = 0; i < n; ++i) out[i] = static_cast<std::uint8_t>(seed + i * 31 + i / 509);
  return std::make_shared<const ChunkedBytes::Chunk>(std::move(out));
}

struct Written {
  std::size_t synced = 0;
  Bytes expected;  // everything appended
};

// Writes a header, a synced shared range, then an unsynced tail of shared ranges (from inside
// chunks) and plain bytes, each either through append_shared or as plain bytes through append.
Written write(SimFileSystem& fs, bool shared) {
  const auto a = chunk_of(100'000, 1);
  const auto b = chunk_of(70'000, 2);
  Written out;
  auto file = *fs.open("snap", OpenMode::kCreateNew);
  EXPECT_TRUE(fs.sync_dir(""));
  auto put = [&](const ChunkedBytes::ChunkPtr& chunk, std::size_t offset, std::size_t length) {
    const ByteView piece = ByteView(chunk->bytes).subspan(offset, length);
    EXPECT_TRUE(shared ? file->append_shared(chunk, offset, length) : file->append(piece));
    out.expected.insert(out.expected.end(), piece.begin(), piece.end());
  };
  const Bytes head = {1, 2, 3, 4, 5};
  EXPECT_TRUE(file->append(head));
  out.expected = head;
  put(a, 0, 60'000);
  EXPECT_TRUE(file->sync());
  out.synced = out.expected.size();
  put(a, 60'000, 40'000);
  put(b, 123, 50'000);
  put(b, 50'123, 100);
  EXPECT_EQ(file->size(), out.expected.size());
  return out;
}

Bytes read_all(SimFileSystem& fs) {
  auto file = fs.open("snap", OpenMode::kOpenExisting);
  EXPECT_TRUE(file.has_value());
  if (!file) return {};
  return *(*file)->read(0, (*file)->size());
}

TEST(SimFileSystemShared, ReadsSeeTheChunksBytesInOrder) {
  SimFileSystem fs{Random(1)};
  const Written written = write(fs, /*shared=*/true);
  EXPECT_EQ(read_all(fs), written.expected);
  EXPECT_EQ(fs.stats().bytes_appended, written.expected.size());
}

TEST(SimFileSystemShared, CrashesKeepTheSameBytesAsPlainAppends) {
  int torn_inside = 0;
  for (std::uint64_t seed = 0; seed < 200; ++seed) {
    const CrashMode mode = seed % 2 ? CrashMode::kCorruptTail : CrashMode::kLoseUnsynced;
    SimFileSystem shared_fs{Random(seed)}, plain_fs{Random(seed)};
    const Written written = write(shared_fs, true);
    write(plain_fs, false);
    shared_fs.crash(mode);
    plain_fs.crash(mode);
    const Bytes after = read_all(shared_fs);
    ASSERT_EQ(after, read_all(plain_fs)) << "seed " << seed;
    ASSERT_GE(after.size(), written.synced) << "seed " << seed;
    ASSERT_TRUE(std::equal(after.begin(), after.begin() + written.synced, written.expected.begin()))
        << "seed " << seed;
    if (mode == CrashMode::kLoseUnsynced) {
      ASSERT_EQ(after, Bytes(written.expected.begin(), written.expected.begin() + after.size()))
          << "seed " << seed;
      torn_inside += after.size() > written.synced && after.size() < written.expected.size();
    }
    EXPECT_EQ(shared_fs.stats().torn_tails, plain_fs.stats().torn_tails);
  }
  EXPECT_GT(torn_inside, 0);  // some crashes cut a shared range in the middle
}

TEST(SimFileSystemShared, UnsyncedTruncateOfASharedRangeIsUndoneByACrash) {
  for (std::uint64_t seed = 0; seed < 20; ++seed) {
    SimFileSystem fs{Random(seed)};
    const Written written = write(fs, true);
    {
      auto file = *fs.open("snap", OpenMode::kOpenExisting);
      ASSERT_TRUE(file->sync());
      ASSERT_TRUE(file->truncate(30'000));
      ASSERT_EQ(file->read(0, 1'000'000).value(),
                Bytes(written.expected.begin(), written.expected.begin() + 30'000));
    }
    fs.crash(CrashMode::kLoseUnsynced);
    // The truncate was never synced, so the synced contents come back whole.
    ASSERT_EQ(read_all(fs), written.expected) << "seed " << seed;
  }
}

}  // namespace
}  // namespace keel::sim
