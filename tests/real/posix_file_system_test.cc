#include "real/posix_file_system.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "core/storage/wal.h"

namespace keel::real {
namespace {

Bytes bytes(std::string_view text) { return Bytes(text.begin(), text.end()); }

class PosixFileSystemTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/keel-fs-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern), nullptr);
    root_ = pattern;
  }
  void TearDown() override { std::filesystem::remove_all(root_); }
  std::string root_;
};

TEST_F(PosixFileSystemTest, AppendReadTruncateSync) {
  PosixFileSystem fs(root_);
  auto file = fs.open("a", OpenMode::kCreateNew);
  ASSERT_TRUE(file) << file.error().message;
  ASSERT_TRUE((*file)->append(bytes("hello world")));
  ASSERT_TRUE((*file)->sync());
  EXPECT_EQ((*file)->size(), 11u);
  EXPECT_EQ(*(*file)->read(6, 100), bytes("world"));
  ASSERT_TRUE((*file)->truncate(5));
  EXPECT_EQ(*(*file)->read(0, 100), bytes("hello"));
  auto again = fs.open("a", OpenMode::kOpenExisting);
  ASSERT_TRUE(again);
  EXPECT_EQ((*again)->size(), 5u);
}

TEST_F(PosixFileSystemTest, NamespaceOperationsAndErrors) {
  PosixFileSystem fs(root_);
  EXPECT_EQ(fs.open("x", OpenMode::kOpenExisting).error().code, Errc::kNotFound);
  ASSERT_TRUE(fs.open("x", OpenMode::kCreateNew));
  EXPECT_EQ(fs.open("x", OpenMode::kCreateNew).error().code, Errc::kAlreadyExists);
  ASSERT_TRUE(fs.create_dir("d"));
  ASSERT_TRUE(fs.create_dir("d"));  // already there is fine
  ASSERT_TRUE(fs.rename("x", "d/y"));
  ASSERT_TRUE(fs.sync_dir("d"));
  ASSERT_TRUE(fs.sync_dir(""));
  EXPECT_EQ(*fs.list(""), std::vector<std::string>{"d"});
  EXPECT_EQ(*fs.list("d"), std::vector<std::string>{"y"});
  EXPECT_TRUE(fs.exists("d/y"));
  ASSERT_TRUE(fs.remove("d/y"));
  EXPECT_FALSE(fs.exists("d/y"));
  auto missing = fs.remove("d/y");
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("d/y"), std::string::npos);
  EXPECT_EQ(fs.open("d", OpenMode::kOpenExisting).error().code, Errc::kInvalidArgument);
}

TEST_F(PosixFileSystemTest, TheWalRoundTripsOnRealFiles) {
  PosixFileSystem fs(root_);
  const storage::WalIdentity identity{7, 1};
  {
    auto wal = storage::Wal::open(fs, "wal", identity);
    ASSERT_TRUE(wal) << wal.error().message;
    std::vector<raft::Entry> entries;
    for (raft::Index i = 1; i <= 100; ++i) {
      entries.push_back(raft::Entry{1, i, raft::EntryType::kNormal, bytes("entry")});
    }
    const raft::HardState state{1, 1, 100};
    ASSERT_TRUE(wal->append(&state, entries));
    ASSERT_TRUE(wal->sync());
  }
  auto wal = storage::Wal::open(fs, "wal", identity);
  ASSERT_TRUE(wal) << wal.error().message;
  const storage::WalContents contents = wal->take_recovered();
  EXPECT_EQ(contents.entries.size(), 100u);
  EXPECT_EQ(contents.hard_state.commit, 100u);
  auto other = storage::Wal::open(fs, "wal", storage::WalIdentity{8, 1});
  ASSERT_FALSE(other);
  EXPECT_EQ(other.error().code, Errc::kInvalidArgument);
}

}  // namespace
}  // namespace keel::real
