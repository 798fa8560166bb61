#include "real/keeld/timed_file_system.h"

#include <gtest/gtest.h>

#include "real/posix_file_system.h"
#include "real/support/temp_dir.h"

namespace keel::real::keeld {
namespace {

TEST(TimedFileSystemTest, TimesSyncsOfFilesUnderItsDirectoryOnly) {
  testing::TempDir dir;
  PosixFileSystem posix(dir.path());
  LatencyHistogram syncs;
  TimedFileSystem fs(posix, "wal", syncs);
  ASSERT_TRUE(fs.create_dir("wal"));
  auto timed = fs.open("wal/a", OpenMode::kCreateNew);
  auto untimed = fs.open("walrus", OpenMode::kCreateNew);
  ASSERT_TRUE(timed && untimed);
  const Bytes data{1, 2, 3};
  ASSERT_TRUE((*timed)->append(data));
  ASSERT_TRUE((*timed)->sync());
  ASSERT_TRUE((*untimed)->sync());
  EXPECT_EQ(syncs.count(), 1u);
  EXPECT_EQ(*(*timed)->read(0, 10), data) << "calls pass through to the inner file";
  EXPECT_TRUE(fs.exists("wal/a"));
  EXPECT_EQ(*fs.list("wal"), std::vector<std::string>{"a"});
}

}  // namespace
}  // namespace keel::real::keeld
