#include "core/storage/wal.h"

#include <gtest/gtest.h>

#include "core/codec/raft_codec.h"
#include "core/storage/record.h"
#include "sim/sim_file_system.h"
#include "storage_test_util.h"

namespace keel::storage {
namespace {

using testing::bytes_of;
using testing::read_file;
using testing::rewrite_file;

constexpr WalIdentity kId{0xC1, 2};
constexpr std::string_view kSegment1 = "wal/0000000000000001-0000000000000001.wal";

raft::Entry entry(raft::Index index, raft::Term term, std::string_view data = "x") {
  return {term, index, raft::EntryType::kNormal, bytes_of(data)};
}

std::vector<raft::Entry> entries(raft::Index from, raft::Index to, raft::Term term) {
  std::vector<raft::Entry> out;
  for (raft::Index i = from; i <= to; ++i) out.push_back(entry(i, term, std::to_string(i)));
  return out;
}

Wal open_wal(FileSystem& fs, WalOptions options = {}) {
  auto wal = Wal::open(fs, "wal", kId, options);
  EXPECT_TRUE(wal.has_value()) << wal.error().message;
  return std::move(*wal);
}

// Writes entries 1..20, one sync each, and returns the segment files they landed in.
std::vector<std::string> write_twenty_entries(FileSystem& fs, WalOptions options) {
  Wal wal = open_wal(fs, options);
  for (raft::Index i = 1; i <= 20; ++i) {
    EXPECT_TRUE(wal.append(nullptr, entries(i, i, 1)));
    EXPECT_TRUE(wal.sync());
  }
  return wal.segment_files();
}

TEST(WalBasic, FreshWalIsEmptyAndDurable) {
  sim::SimFileSystem fs{Random(1)};
  Wal wal = open_wal(fs);
  const WalContents contents = wal.take_recovered();
  EXPECT_EQ(contents.hard_state, raft::HardState{});
  EXPECT_EQ(contents.snapshot, SnapshotMark{});
  EXPECT_TRUE(contents.entries.empty());
  EXPECT_EQ(wal.segment_files(), std::vector<std::string>{std::string(kSegment1.substr(4))});
  fs.crash(sim::CrashMode::kCorruptTail);
  EXPECT_TRUE(fs.exists(kSegment1));
}

TEST(WalBasic, RoundTripAndRestartAfterCleanClose) {
  sim::SimFileSystem fs{Random(2)};
  const raft::HardState state{3, 1, 2};
  {
    Wal wal = open_wal(fs);
    const auto batch = entries(1, 3, 1);
    ASSERT_TRUE(wal.append(&state, batch));
    ASSERT_TRUE(wal.sync());
    EXPECT_EQ(wal.last_index(), 3u);
  }
  Wal wal = open_wal(fs);
  WalContents contents = wal.take_recovered();
  EXPECT_EQ(contents.hard_state, state);
  EXPECT_EQ(contents.entries, entries(1, 3, 1));
  EXPECT_EQ(wal.stats().torn_bytes_dropped, 0u);
  // And it keeps appending where it left off.
  const auto more = entries(4, 5, 2);
  ASSERT_TRUE(wal.append(nullptr, more));
  ASSERT_TRUE(wal.sync());
  fs.crash(sim::CrashMode::kCorruptTail);
  contents = open_wal(fs).take_recovered();
  EXPECT_EQ(contents.entries.size(), 5u);
  EXPECT_EQ(contents.entries.back(), entry(5, 2, "5"));
  EXPECT_EQ(contents.hard_state, state);
}

TEST(WalBasic, OneSyncPerBatch) {
  sim::SimFileSystem fs{Random(3)};
  Wal wal = open_wal(fs);
  const std::uint64_t before = fs.stats().syncs;
  const raft::HardState state{1, 1, 0};
  ASSERT_TRUE(wal.append(&state, entries(1, 100, 1)));
  ASSERT_TRUE(wal.sync());
  EXPECT_EQ(fs.stats().syncs, before + 1);
  ASSERT_TRUE(wal.sync());  // nothing buffered: no sync
  EXPECT_EQ(fs.stats().syncs, before + 1);
}

// Wal::append writes a batch's entries into room made once for all of them; the file must hold
// exactly what one append_record per entry (codec::encode as the payload) writes at those offsets.
TEST(WalBasic, BatchedEntriesAreTheRecordsOneByOne) {
  sim::SimFileSystem fs{Random(4)};
  std::size_t opening = 0;  // the segment's opening records
  std::vector<raft::Entry> batch = entries(1, 40, 1);
  batch[7].data = bytes_of(std::string(300, 'v'));  // a multi-byte length varint
  batch[9].data = SharedBytes();                    // and an empty one
  const raft::HardState state{1, 1, 0};
  {
    Wal wal = open_wal(fs);
    opening = read_file(fs, kSegment1).size();
    ASSERT_TRUE(wal.append(&state, batch));
    ASSERT_TRUE(wal.sync());
  }
  Bytes expected = read_file(fs, kSegment1);
  expected.resize(opening);
  for (const raft::Entry& e : batch) {
    append_record(expected, expected.size(), RecordType::kEntry,
                  [&](codec::Writer& out) { codec::encode(out, e); });
  }
  append_record(expected, expected.size(), RecordType::kHardState,
                [&](codec::Writer& out) { codec::encode(out, state); });
  EXPECT_EQ(read_file(fs, kSegment1), expected);
  EXPECT_EQ(open_wal(fs).take_recovered().entries, batch);
}

// The buffer of pending records keeps its size across syncs: a smaller batch after a larger one
// writes only its own records (none of the larger one's bytes left in the room after them), and a
// hard state or snapshot marker goes right after the entries, exactly as append_record writes it.
TEST(WalBasic, ASmallBatchAfterALargeOneWritesOnlyItsRecords) {
  sim::SimFileSystem fs{Random(5)};
  std::size_t after_large = 0;  // the file's size once the large batch is synced
  const std::vector<raft::Entry> small = entries(41, 42, 1);
  const raft::HardState state{1, 1, 40};
  const SnapshotMark mark{40, 1};
  {
    Wal wal = open_wal(fs);
    std::vector<raft::Entry> large = entries(1, 40, 1);
    large[3].data = bytes_of(std::string(500, 'L'));
    ASSERT_TRUE(wal.append(nullptr, large));
    ASSERT_TRUE(wal.sync());
    after_large = read_file(fs, kSegment1).size();
    ASSERT_TRUE(wal.save_snapshot(mark));
    ASSERT_TRUE(wal.append(&state, small));
    ASSERT_TRUE(wal.sync());
  }
  Bytes expected = read_file(fs, kSegment1);
  expected.resize(after_large);
  append_record(expected, expected.size(), RecordType::kSnapshot, [&](codec::Writer& out) {
    out.varint(mark.index);
    out.varint(mark.term);
  });
  for (const raft::Entry& e : small) {
    append_record(expected, expected.size(), RecordType::kEntry,
                  [&](codec::Writer& out) { codec::encode(out, e); });
  }
  append_record(expected, expected.size(), RecordType::kHardState,
                [&](codec::Writer& out) { codec::encode(out, state); });
  EXPECT_EQ(read_file(fs, kSegment1), expected);
  const WalContents contents = open_wal(fs).take_recovered();
  EXPECT_EQ(contents.snapshot, mark);
  EXPECT_EQ(contents.hard_state, state);
  EXPECT_EQ(contents.entries, small);
}

TEST(WalBasic, ConflictingSuffixIsOverwritten) {
  sim::SimFileSystem fs{Random(4)};
  {
    Wal wal = open_wal(fs);
    ASSERT_TRUE(wal.append(nullptr, entries(1, 10, 1)));
    ASSERT_TRUE(wal.sync());
    ASSERT_TRUE(wal.append(nullptr, entries(6, 8, 2)));  // a new leader's entries from 6
    ASSERT_TRUE(wal.sync());
    EXPECT_EQ(wal.last_index(), 8u);
  }
  auto expected = entries(1, 5, 1);
  for (auto& e : entries(6, 8, 2)) expected.push_back(e);
  EXPECT_EQ(open_wal(fs).take_recovered().entries, expected);
}

TEST(WalBasic, UnsyncedWritesMayBeLostSyncedNever) {
  sim::SimFileSystem fs{Random(5)};
  {
    Wal wal = open_wal(fs);
    ASSERT_TRUE(wal.append(nullptr, entries(1, 5, 1)));
    ASSERT_TRUE(wal.sync());
    ASSERT_TRUE(wal.append(nullptr, entries(6, 9, 1)));
    ASSERT_TRUE(wal.sync());
    ASSERT_TRUE(wal.append(nullptr, entries(10, 20, 1)));  // never synced
  }
  fs.crash(sim::CrashMode::kCorruptTail);
  Wal wal = open_wal(fs);
  EXPECT_EQ(wal.take_recovered().entries, entries(1, 9, 1));
}

TEST(WalSegments, RolloverAndRecoveryAcrossSegments) {
  sim::SimFileSystem fs{Random(6)};
  const WalOptions small{.segment_bytes = 256};
  raft::HardState state;
  {
    Wal wal = open_wal(fs, small);
    for (raft::Index i = 1; i <= 60; i += 3) {
      state = {i, 1, i - 1};
      ASSERT_TRUE(wal.append(&state, entries(i, i + 2, 1)));
      ASSERT_TRUE(wal.sync());
    }
    EXPECT_GT(wal.segment_files().size(), 3u);
    EXPECT_EQ(wal.stats().segments_created, wal.segment_files().size());
  }
  auto listing = fs.list("wal");
  ASSERT_TRUE(listing);
  for (std::size_t k = 1; k < listing->size(); ++k) {
    const auto name = parse_segment_name((*listing)[k]);
    ASSERT_TRUE(name);
    EXPECT_EQ(name->seq, k + 1);
    EXPECT_EQ((name->first_index - 1) % 3, 0u) << (*listing)[k];  // cut after whole batches
  }
  fs.crash(sim::CrashMode::kLoseUnsynced);
  Wal wal = open_wal(fs, small);
  WalContents contents = wal.take_recovered();
  EXPECT_EQ(contents.entries, entries(1, 60, 1));
  EXPECT_EQ(contents.hard_state, state);
}

TEST(WalSegments, ReleaseBeforeRemovesCoveredSegmentsOnly) {
  sim::SimFileSystem fs{Random(7)};
  const WalOptions small{.segment_bytes = 200};
  const raft::HardState state{5, 2, 30};
  {
    Wal wal = open_wal(fs, small);
    ASSERT_TRUE(wal.append(&state, {}));
    for (raft::Index i = 1; i <= 40; i += 2) {
      ASSERT_TRUE(wal.append(nullptr, entries(i, i + 1, 1)));
      ASSERT_TRUE(wal.sync());
    }
    const auto before = wal.segment_files();
    ASSERT_GT(before.size(), 4u);
    ASSERT_TRUE(wal.save_snapshot({25, 1}));
    ASSERT_TRUE(wal.sync());
    ASSERT_TRUE(wal.release_before(25));
    const auto after = wal.segment_files();
    ASSERT_LT(after.size(), before.size());
    // The oldest remaining segment holds entry 25 or starts right after it.
    const auto oldest = parse_segment_name(after.front());
    const auto second = after.size() > 1 ? parse_segment_name(after[1]) : std::nullopt;
    EXPECT_LE(oldest->first_index, 26u);
    if (second) {
      EXPECT_GT(second->first_index, 26u);
    }
    EXPECT_EQ(wal.stats().segments_released, before.size() - after.size());
  }
  fs.crash(sim::CrashMode::kLoseUnsynced);
  Wal wal = open_wal(fs, small);
  WalContents contents = wal.take_recovered();
  EXPECT_EQ(contents.snapshot, (SnapshotMark{25, 1}));
  EXPECT_EQ(contents.entries, entries(26, 40, 1));
  EXPECT_EQ(contents.hard_state, state);  // written only in the first, released, segment
}

// A crash while a segment was started can keep its header but not the snapshot marker and hard
// state after it. Recovery must write them again: once the earlier segments are released, they
// are the only copy (found by StorageCrash at seed 3276).
TEST(WalSegments, TornOpeningRecordsAreRewritten) {
  sim::SimFileSystem fs{Random(15)};
  const WalOptions small{.segment_bytes = 200};
  const raft::HardState state{4, 1, 10};
  std::string newest;
  {
    Wal wal = open_wal(fs, small);
    ASSERT_TRUE(wal.append(&state, entries(1, 10, 1)));
    ASSERT_TRUE(wal.sync());
    ASSERT_EQ(wal.segment_files().size(), 2u);
    newest = "wal/" + wal.segment_files().back();
  }
  const Bytes opening = read_file(fs, newest);
  const ScannedFile scan = scan_records(opening);
  ASSERT_EQ(scan.records.size(), 3u);
  rewrite_file(fs, newest,
               Bytes(opening.begin(),
                     opening.begin() + static_cast<std::ptrdiff_t>(scan.records[1].offset + 4)));
  {
    Wal wal = open_wal(fs, small);
    EXPECT_EQ(read_file(fs, newest), opening);
    ASSERT_TRUE(wal.save_snapshot({10, 1}));
    ASSERT_TRUE(wal.sync());
    ASSERT_TRUE(wal.release_before(10));
    EXPECT_EQ(wal.segment_files().size(), 1u);
  }
  fs.crash(sim::CrashMode::kCorruptTail);
  WalContents contents = open_wal(fs, small).take_recovered();
  EXPECT_EQ(contents.hard_state, state);
  EXPECT_EQ(contents.snapshot, (SnapshotMark{10, 1}));
  EXPECT_TRUE(contents.entries.empty());
}

TEST(WalSegments, EarlierSegmentWithoutOpeningRecordsIsCorruption) {
  sim::SimFileSystem fs{Random(16)};
  const WalOptions small{.segment_bytes = 200};
  {
    Wal wal = open_wal(fs, small);
    ASSERT_TRUE(wal.append(nullptr, entries(1, 10, 1)));
    ASSERT_TRUE(wal.sync());
  }
  const Bytes first = read_file(fs, kSegment1);
  const ScannedFile scan = scan_records(first);
  rewrite_file(
      fs, kSegment1,
      Bytes(first.begin(), first.begin() + static_cast<std::ptrdiff_t>(scan.records[1].offset)));
  auto wal = Wal::open(fs, "wal", kId, small);
  ASSERT_FALSE(wal);
  EXPECT_EQ(wal.error().code, Errc::kCorrupt);
  EXPECT_NE(wal.error().message.find("ends inside its opening records"), std::string::npos)
      << wal.error().message;
}

TEST(WalSegments, MissingMiddleSegmentIsCorruption) {
  sim::SimFileSystem fs{Random(8)};
  const WalOptions small{.segment_bytes = 128};
  const std::vector<std::string> files = write_twenty_entries(fs, small);
  ASSERT_GE(files.size(), 3u);
  ASSERT_TRUE(fs.remove("wal/" + files[1]));
  auto wal = Wal::open(fs, "wal", kId, small);
  ASSERT_FALSE(wal);
  EXPECT_EQ(wal.error().code, Errc::kCorrupt);
  EXPECT_NE(wal.error().message.find("segment 2 is missing"), std::string::npos)
      << wal.error().message;
}

TEST(WalIdentity, AnotherClustersDirectoryIsRefused) {
  sim::SimFileSystem fs{Random(9)};
  open_wal(fs);
  auto other = Wal::open(fs, "wal", WalIdentity{0xBEEF, 2});
  ASSERT_FALSE(other);
  EXPECT_EQ(other.error().code, Errc::kInvalidArgument);
  EXPECT_NE(other.error().message.find("cluster 0xc1 member 2"), std::string::npos)
      << other.error().message;
  EXPECT_NE(other.error().message.find("cluster 0xbeef member 2"), std::string::npos)
      << other.error().message;
  auto member = Wal::open(fs, "wal", WalIdentity{0xC1, 3});
  ASSERT_FALSE(member);
  EXPECT_NE(member.error().message.find("member 3"), std::string::npos);
}

// Corrupts one byte of the `record`-th record's payload (counting from 0) in a synced file.
std::uint64_t corrupt_record(FileSystem& fs, std::string_view path, std::size_t record) {
  Bytes data = read_file(fs, path);
  const ScannedFile scan = scan_records(data);
  EXPECT_LT(record, scan.records.size());
  const std::uint64_t offset = scan.records[record].offset;
  data[offset + kRecordHeaderBytes] ^= 0x01;
  rewrite_file(fs, path, data);
  return offset;
}

TEST(WalCorruption, BadRecordBeforeValidOnesNamesFileAndOffset) {
  sim::SimFileSystem fs{Random(10)};
  {
    Wal wal = open_wal(fs);
    for (raft::Index i = 1; i <= 6; ++i) {
      ASSERT_TRUE(wal.append(nullptr, entries(i, i, 1)));
      ASSERT_TRUE(wal.sync());
    }
  }
  const std::uint64_t offset = corrupt_record(fs, kSegment1, 5);  // entry 3
  auto wal = Wal::open(fs, "wal", kId);
  ASSERT_FALSE(wal);
  EXPECT_EQ(wal.error().code, Errc::kCorrupt);
  const std::string expected = std::string(kSegment1) + " at offset " + std::to_string(offset) +
                               ": crc mismatch, but a valid record follows at offset ";
  EXPECT_EQ(wal.error().message.substr(0, expected.size()), expected) << wal.error().message;
}

TEST(WalCorruption, CorruptLengthFieldBeforeValidRecordsIsFound) {
  sim::SimFileSystem fs{Random(11)};
  {
    Wal wal = open_wal(fs);
    for (raft::Index i = 1; i <= 6; ++i) {
      ASSERT_TRUE(wal.append(nullptr, entries(i, i, 1)));
      ASSERT_TRUE(wal.sync());
    }
  }
  Bytes data = read_file(fs, kSegment1);
  const std::uint64_t offset = scan_records(data).records[4].offset;
  data[offset + 1] = 0x10;  // the length now runs past the end of the file
  rewrite_file(fs, kSegment1, data);
  auto wal = Wal::open(fs, "wal", kId);
  ASSERT_FALSE(wal);
  EXPECT_NE(
      wal.error().message.find(" at offset " + std::to_string(offset) + ": incomplete record"),
      std::string::npos)
      << wal.error().message;
}

TEST(WalCorruption, BadRecordInAnEarlierSegmentIsCorruptionEvenAtItsEnd) {
  sim::SimFileSystem fs{Random(12)};
  const WalOptions small{.segment_bytes = 128};
  const std::vector<std::string> files = write_twenty_entries(fs, small);
  const std::string path = "wal/" + files[1];
  const std::size_t records = scan_records(read_file(fs, path)).records.size();
  const std::uint64_t offset = corrupt_record(fs, path, records - 1);  // its last record
  auto wal = Wal::open(fs, "wal", kId, small);
  ASSERT_FALSE(wal);
  EXPECT_EQ(wal.error().code, Errc::kCorrupt);
  EXPECT_NE(wal.error().message.find(path + " at offset " + std::to_string(offset) +
                                     ": crc mismatch (only the last segment may have a torn tail)"),
            std::string::npos)
      << wal.error().message;
}

TEST(WalCorruption, TornTailIsTruncatedAndAppendsContinue) {
  sim::SimFileSystem fs{Random(13)};
  {
    Wal wal = open_wal(fs);
    ASSERT_TRUE(wal.append(nullptr, entries(1, 4, 1)));
    ASSERT_TRUE(wal.sync());
  }
  Bytes data = read_file(fs, kSegment1);
  const std::size_t good = data.size();
  for (int i = 0; i < 7; ++i) data.push_back(static_cast<std::uint8_t>(0x30 + i));
  rewrite_file(fs, kSegment1, data);
  {
    Wal wal = open_wal(fs);
    EXPECT_EQ(wal.stats().torn_bytes_dropped, 7u);
    EXPECT_EQ(wal.take_recovered().entries, entries(1, 4, 1));
    EXPECT_EQ(read_file(fs, kSegment1).size(), good);
    ASSERT_TRUE(wal.append(nullptr, entries(5, 5, 1)));
    ASSERT_TRUE(wal.sync());
  }
  EXPECT_EQ(open_wal(fs).take_recovered().entries, entries(1, 5, 1));
}

TEST(WalCorruption, ValidCrcThatDoesNotDecodeIsCorruption) {
  sim::SimFileSystem fs{Random(14)};
  open_wal(fs);
  Bytes data = read_file(fs, kSegment1);
  append_record(data, data.size(), RecordType::kEntry, [](codec::Writer& out) { out.u8(0x80); });
  rewrite_file(fs, kSegment1, data);
  auto wal = Wal::open(fs, "wal", kId);
  ASSERT_FALSE(wal);
  EXPECT_NE(wal.error().message.find("Entry.term: varint runs past the end"), std::string::npos)
      << wal.error().message;
}

}  // namespace
}  // namespace keel::storage
