#include "core/storage/log_tracker.h"

#include <gtest/gtest.h>

namespace keel::storage {
namespace {

raft::Entry entry(raft::Index index, raft::Term term) { return {term, index, {}, {}}; }

std::vector<std::pair<raft::Index, raft::Term>> shape(std::vector<raft::Entry> entries) {
  std::vector<std::pair<raft::Index, raft::Term>> out;
  for (const auto& e : entries) out.emplace_back(e.index, e.term);
  return out;
}

using Shape = std::vector<std::pair<raft::Index, raft::Term>>;

TEST(StorageLogTracker, LaterEntryReplacesTheSuffix) {
  LogTracker log(true, 1);
  for (raft::Index i = 1; i <= 5; ++i) ASSERT_TRUE(log.add_entry(entry(i, 1)));
  ASSERT_TRUE(log.add_entry(entry(3, 2)));
  EXPECT_EQ(log.last_index(), 3u);
  ASSERT_TRUE(log.add_entry(entry(4, 2)));
  EXPECT_EQ(shape(log.take_entries()), (Shape{{1, 1}, {2, 1}, {3, 2}, {4, 2}}));
}

TEST(StorageLogTracker, GapIsAnError) {
  LogTracker log(true, 1);
  ASSERT_TRUE(log.add_entry(entry(1, 1)));
  const Status gap = log.add_entry(entry(3, 1));
  ASSERT_FALSE(gap);
  EXPECT_EQ(gap.error().message, "entry 3 (term 1) leaves a gap after index 1");
}

TEST(StorageLogTracker, MatchingSnapshotKeepsTheEntriesAfterIt) {
  LogTracker log(true, 1);
  for (raft::Index i = 1; i <= 5; ++i) ASSERT_TRUE(log.add_entry(entry(i, 1)));
  ASSERT_TRUE(log.add_snapshot({3, 1}));
  EXPECT_EQ(log.snapshot(), (SnapshotMark{3, 1}));
  ASSERT_TRUE(log.add_entry(entry(2, 9)));  // covered by the snapshot: ignored
  EXPECT_EQ(log.last_index(), 5u);
  ASSERT_TRUE(log.check_complete());
  EXPECT_EQ(shape(log.take_entries()), (Shape{{4, 1}, {5, 1}}));
}

TEST(StorageLogTracker, ConflictingSnapshotDiscardsTheLog) {
  LogTracker log(true, 1);
  for (raft::Index i = 1; i <= 5; ++i) ASSERT_TRUE(log.add_entry(entry(i, 1)));
  ASSERT_TRUE(log.add_snapshot({4, 2}));  // a leader's snapshot: our entry 4 has term 1
  EXPECT_EQ(log.last_index(), 4u);
  EXPECT_TRUE(log.take_entries().empty());
  LogTracker beyond(true, 1);
  ASSERT_TRUE(beyond.add_entry(entry(1, 1)));
  ASSERT_TRUE(beyond.add_snapshot({10, 3}));
  EXPECT_EQ(beyond.last_index(), 10u);
  EXPECT_FALSE(beyond.add_entry(entry(12, 3)));
  EXPECT_TRUE(beyond.add_entry(entry(11, 3)));
}

TEST(StorageLogTracker, OlderSnapshotIsAnError) {
  LogTracker log(true, 1);
  ASSERT_TRUE(log.add_snapshot({10, 3}));
  EXPECT_FALSE(log.add_snapshot({9, 3}));
  EXPECT_TRUE(log.add_snapshot({10, 3}));  // a repeat (a segment's opening marker) is fine
}

TEST(StorageLogTracker, ReleasedHoleMustBeCoveredBySnapshot) {
  LogTracker log(true, 11);               // entries 1..10 were released
  ASSERT_TRUE(log.add_snapshot({4, 1}));  // the opening marker, from before the release
  ASSERT_TRUE(log.add_entry(entry(11, 2)));
  ASSERT_TRUE(log.add_entry(entry(12, 2)));
  const Status incomplete = log.check_complete();
  ASSERT_FALSE(incomplete);
  EXPECT_EQ(incomplete.error().message,
            "entries 5..10 are missing: released, but no snapshot marker covers them");
  ASSERT_TRUE(log.add_snapshot({10, 2}));  // in the hole: the entries held stay
  ASSERT_TRUE(log.check_complete());
  EXPECT_EQ(shape(log.take_entries()), (Shape{{11, 2}, {12, 2}}));
}

TEST(StorageLogTracker, OverwriteInsideTheHoleReplacesEverythingHeld) {
  LogTracker log(true, 11);
  ASSERT_TRUE(log.add_snapshot({10, 1}));
  ASSERT_TRUE(log.add_entry(entry(11, 1)));
  ASSERT_TRUE(log.add_entry(entry(12, 1)));
  LogTracker hole(true, 11);
  ASSERT_TRUE(hole.add_snapshot({5, 1}));
  ASSERT_TRUE(hole.add_entry(entry(11, 1)));
  ASSERT_TRUE(hole.add_entry(entry(9, 2)));
  EXPECT_EQ(hole.last_index(), 9u);
  ASSERT_TRUE(hole.add_snapshot({8, 1}));
  ASSERT_TRUE(hole.check_complete());
  EXPECT_EQ(shape(hole.take_entries()), (Shape{{9, 2}}));
}

// A tracker that keeps only terms (a live Wal's) takes the next entry on an inline path; it must
// refuse and replace exactly as one that keeps entries.
TEST(StorageLogTracker, TermsOnlyTrackerAgreesWithAKeepingOne) {
  LogTracker terms_only(false, 1);
  LogTracker keeping(true, 1);
  auto both = [&](const raft::Entry& e) {
    const Status a = terms_only.add_entry(e);
    const Status b = keeping.add_entry(e);
    EXPECT_EQ(a.has_value(), b.has_value()) << "entry " << e.index;
    EXPECT_EQ(terms_only.last_index(), keeping.last_index()) << "entry " << e.index;
    return a.has_value();
  };
  for (raft::Index i = 1; i <= 5; ++i) EXPECT_TRUE(both(entry(i, 1)));
  EXPECT_FALSE(both(entry(7, 1)));  // a gap
  EXPECT_TRUE(both(entry(3, 2)));   // replaces 3..5
  EXPECT_EQ(terms_only.last_index(), 3u);
  ASSERT_TRUE(terms_only.add_snapshot({3, 2}));
  ASSERT_TRUE(keeping.add_snapshot({3, 2}));
  EXPECT_TRUE(both(entry(2, 1)));  // covered by the snapshot: skipped
  EXPECT_EQ(terms_only.last_index(), 3u);
  EXPECT_TRUE(both(entry(4, 2)));
  EXPECT_EQ(terms_only.last_index(), 4u);
}

}  // namespace
}  // namespace keel::storage
