#include "core/storage/record.h"

#include <gtest/gtest.h>

namespace keel::storage {
namespace {

Bytes records(int count, std::size_t payload_bytes) {
  Bytes file;
  for (int i = 0; i < count; ++i) {
    append_record(file, file.size(), RecordType::kEntry, [&](codec::Writer& out) {
      out.raw(Bytes(payload_bytes, static_cast<std::uint8_t>(i)));
    });
  }
  return file;
}

TEST(StorageRecord, RoundTrip) {
  const Bytes file = records(3, 10);
  ASSERT_EQ(file.size(), 3 * (kRecordHeaderBytes + 10));
  const ScannedFile scan = scan_records(file);
  ASSERT_EQ(scan.records.size(), 3u);
  EXPECT_EQ(scan.valid_bytes, file.size());
  EXPECT_TRUE(scan.stop_reason.empty());
  EXPECT_EQ(scan.records[1].offset, kRecordHeaderBytes + 10);
  EXPECT_EQ(scan.records[1].type, RecordType::kEntry);
  EXPECT_EQ(Bytes(scan.records[2].payload.begin(), scan.records[2].payload.end()), Bytes(10, 2));
}

// append_record computes the CRC in one pass over the prefix laid where the header goes; it must
// be record_crc's value, which is what parse_record checks.
TEST(StorageRecord, StoredCrcIsRecordCrcOfOffsetTypeAndPayload) {
  const Bytes payload = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11};
  Bytes out = {0xAA, 0xBB};  // bytes already in the buffer are not part of the record
  append_record(out, 0x0102030405060708, RecordType::kHardState,
                [&](codec::Writer& w) { w.raw(payload); });
  ASSERT_EQ(out.size(), 2 + kRecordHeaderBytes + payload.size());
  auto u32_at = [&](std::size_t at) {
    return std::uint32_t{out[at]} | std::uint32_t{out[at + 1]} << 8 |
           std::uint32_t{out[at + 2]} << 16 | std::uint32_t{out[at + 3]} << 24;
  };
  EXPECT_EQ(u32_at(2), payload.size());
  EXPECT_EQ(out[6], static_cast<std::uint8_t>(RecordType::kHardState));
  EXPECT_EQ(u32_at(7), record_crc(0x0102030405060708, RecordType::kHardState, payload));
  EXPECT_NE(u32_at(7), record_crc(0x0102030405060709, RecordType::kHardState, payload));
  EXPECT_EQ(Bytes(out.begin() + 11, out.end()), payload);
}

TEST(StorageRecord, EveryTruncationIsATornTail) {
  const Bytes file = records(3, 10);
  const std::size_t record = kRecordHeaderBytes + 10;
  for (std::size_t n = 0; n < file.size(); ++n) {
    const ScannedFile scan = scan_records(ByteView(file).first(n));
    EXPECT_EQ(scan.records.size(), n / record) << n;
    EXPECT_EQ(scan.valid_bytes, n / record * record) << n;
    EXPECT_EQ(scan.stop_reason.empty(), n % record == 0) << n;
    EXPECT_FALSE(scan.next_valid) << n;
  }
}

TEST(StorageRecord, BadRecordFollowedByAValidOneIsFound) {
  Bytes file = records(3, 10);
  file[kRecordHeaderBytes + 3] ^= 0x40;  // the first record's payload
  ScannedFile scan = scan_records(file);
  EXPECT_EQ(scan.records.size(), 0u);
  EXPECT_EQ(scan.stop_reason, "crc mismatch");
  ASSERT_TRUE(scan.next_valid);
  EXPECT_EQ(*scan.next_valid, kRecordHeaderBytes + 10);

  file = records(3, 10);
  file[0] = 0xFF;  // the first record's length: where the next one starts is lost
  scan = scan_records(file);
  ASSERT_TRUE(scan.next_valid);
  EXPECT_EQ(*scan.next_valid, kRecordHeaderBytes + 10);
}

// The CRC is seeded with the record's offset: the same bytes elsewhere are not a valid record.
TEST(StorageRecord, RecordImageAtAnotherOffsetDoesNotValidate) {
  const Bytes one = records(1, 10);
  Bytes file(5, 0);
  file.insert(file.end(), one.begin(), one.end());
  const ScannedFile scan = scan_records(file);
  EXPECT_TRUE(scan.records.empty());
  EXPECT_FALSE(scan.next_valid);
}

TEST(StorageRecord, ZerosAndGarbageAreNotRecords) {
  EXPECT_FALSE(parse_record(Bytes(64, 0), 0));
  EXPECT_EQ(parse_record(Bytes(64, 0), 0).error(), "unknown record type 0");
  Bytes big = records(1, 10);
  big[3] = 0x7F;
  EXPECT_EQ(parse_record(big, 0).error(),
            "record length 2130706442 exceeds kMaxRecordPayloadBytes");
  EXPECT_EQ(parse_record(records(1, 10), 12).error(), "incomplete record header (7 bytes)");
}

}  // namespace
}  // namespace keel::storage
