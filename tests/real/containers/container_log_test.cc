// RotatingLog, tail_log and read_log_from: size-based rotation keeping N files, reading the last
// lines back across them, and following the current file piece by piece.
#include "real/containers/container_log.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/env/str.h"
#include "real/support/temp_dir.h"

namespace keel::real::testing {
namespace {

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(RotatingLogTest, AppendsAndReopensWhereItWas) {
  TempDir dir;
  {
    auto log = RotatingLog::open(dir / "logs", "web.service", {});
    ASSERT_TRUE(log) << log.error().message;
    ASSERT_TRUE(log->append("one\n"));
  }
  auto again = RotatingLog::open(dir / "logs", "web.service", {});
  ASSERT_TRUE(again);
  ASSERT_TRUE(again->append("two\n"));
  EXPECT_EQ(again->path(), dir / "logs/web.service.log");
  EXPECT_EQ(read_text(again->path()), "one\ntwo\n");
}

TEST(RotatingLogTest, RotatesAtTheSizeAndKeepsOnlyTheNewestFiles) {
  TempDir dir;
  auto log = RotatingLog::open(dir.path(), "u", LogRotation{.max_bytes = 10, .keep = 2});
  ASSERT_TRUE(log);
  // 45 bytes in 10-byte files: .log.4 and .log.3 rotated away, .log.2, .log.1, .log remain.
  ASSERT_TRUE(log->append("0123456789abcdefghij"));
  ASSERT_TRUE(log->append("ABCDEFGHIJ"));
  ASSERT_TRUE(log->append("klmnopqrstuvwxy"));
  EXPECT_EQ(read_text(dir / "u.log.2"), "ABCDEFGHIJ");
  EXPECT_EQ(read_text(dir / "u.log.1"), "klmnopqrst");
  EXPECT_EQ(read_text(dir / "u.log"), "uvwxy");
  EXPECT_FALSE(std::filesystem::exists(dir / "u.log.3"));
  for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
    EXPECT_LE(std::filesystem::file_size(entry.path()), 10u) << entry.path();
  }
}

TEST(RotatingLogTest, KeepZeroHoldsOnlyTheCurrentFile) {
  TempDir dir;
  auto log = RotatingLog::open(dir.path(), "u", LogRotation{.max_bytes = 4, .keep = 0});
  ASSERT_TRUE(log);
  ASSERT_TRUE(log->append("aaaabbbbcc"));
  EXPECT_EQ(read_text(dir / "u.log"), "cc");
  EXPECT_FALSE(std::filesystem::exists(dir / "u.log.1"));
}

TEST(RotatingLogTest, BadNamesAndSizesAreRefused) {
  TempDir dir;
  for (const char* name : {"", ".", "..", "a/b"}) {
    const auto log = RotatingLog::open(dir.path(), name, {});
    ASSERT_FALSE(log) << name;
    EXPECT_EQ(log.error().code, Errc::kInvalidArgument);
  }
  EXPECT_FALSE(RotatingLog::open(dir.path(), "u", LogRotation{.max_bytes = 0, .keep = 1}));
  EXPECT_EQ(tail_log(dir.path(), "../etc", 1).error().code, Errc::kInvalidArgument);
}

TEST(TailLogTest, ReadsTheLastLinesAcrossRotatedFiles) {
  TempDir dir;
  auto log = RotatingLog::open(dir.path(), "u", LogRotation{.max_bytes = 8, .keep = 5});
  ASSERT_TRUE(log);
  for (int i = 1; i <= 6; ++i) ASSERT_TRUE(log->append(str("line ", i, "\n")));
  // Lines of 7 bytes in 8-byte files: most are cut in two by a rotation, and whole again here.
  EXPECT_EQ(*tail_log(dir.path(), "u", 3),
            (std::vector<std::string>{"line 4", "line 5", "line 6"}));
  EXPECT_EQ(tail_log(dir.path(), "u", 100)->size(), 6u);
  EXPECT_TRUE(tail_log(dir.path(), "u", 0)->empty());
}

TEST(TailLogTest, ALastLineWithoutNewlineCountsAndNoLogIsNotFound) {
  TempDir dir;
  auto log = RotatingLog::open(dir.path(), "u", {});
  ASSERT_TRUE(log);
  ASSERT_TRUE(log->append("first\nsecond\npartial"));
  EXPECT_EQ(*tail_log(dir.path(), "u", 2), (std::vector<std::string>{"second", "partial"}));
  EXPECT_EQ(tail_log(dir.path(), "nothing", 5).error().code, Errc::kNotFound);
}

TEST(ReadLogFromTest, GivesWholeLinesFromAnOffsetAndWhereToGoOn) {
  TempDir dir;
  auto log = RotatingLog::open(dir.path(), "u", {});
  ASSERT_TRUE(log);
  ASSERT_TRUE(log->append("one\ntwo\nthr"));
  auto end = log_end(dir.path(), "u");
  ASSERT_TRUE(end);
  EXPECT_EQ(*end, 11u);

  auto first = read_log_from(dir.path(), "u", 0, 1024);
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_EQ(first->bytes, "one\ntwo\n");  // "thr" is a line still being written
  EXPECT_EQ(first->next, 8u);
  auto waiting = read_log_from(dir.path(), "u", first->next, 1024);
  ASSERT_TRUE(waiting);
  EXPECT_EQ(waiting->bytes, "");
  EXPECT_EQ(waiting->next, 8u);
  ASSERT_TRUE(log->append("ee\n"));
  auto rest = read_log_from(dir.path(), "u", waiting->next, 1024);
  ASSERT_TRUE(rest);
  EXPECT_EQ(rest->bytes, "three\n");
  EXPECT_EQ(rest->next, 14u);
}

TEST(ReadLogFromTest, BoundsAPieceAndCutsALongLineOnlyWhenItMust) {
  TempDir dir;
  auto log = RotatingLog::open(dir.path(), "u", {});
  ASSERT_TRUE(log);
  ASSERT_TRUE(log->append("ab\ncdefgh\n"));
  auto cut_at_line = read_log_from(dir.path(), "u", 0, 5);
  ASSERT_TRUE(cut_at_line);
  EXPECT_EQ(cut_at_line->bytes, "ab\n");
  auto long_line = read_log_from(dir.path(), "u", 3, 4);
  ASSERT_TRUE(long_line);
  EXPECT_EQ(long_line->bytes, "cdef");  // no newline within the bound: a piece of the line
  EXPECT_EQ(long_line->next, 7u);
}

TEST(ReadLogFromTest, AnOffsetPastTheEndStartsTheNewFileAndNoLogIsNotFound) {
  TempDir dir;
  auto log = RotatingLog::open(dir.path(), "u", LogRotation{.max_bytes = 8, .keep = 1});
  ASSERT_TRUE(log);
  ASSERT_TRUE(log->append("1234567\n"));
  ASSERT_TRUE(log->append("new\n"));  // rotated: the current file holds only this
  auto after = read_log_from(dir.path(), "u", 8, 1024);
  ASSERT_TRUE(after);
  EXPECT_EQ(after->bytes, "new\n");
  EXPECT_EQ(after->next, 4u);

  EXPECT_EQ(read_log_from(dir.path(), "none", 0, 1024).error().code, Errc::kNotFound);
  EXPECT_EQ(log_end(dir.path(), "none").error().code, Errc::kNotFound);
  EXPECT_EQ(read_log_from(dir.path(), "../u", 0, 1024).error().code, Errc::kInvalidArgument);
}

}  // namespace
}  // namespace keel::real::testing
