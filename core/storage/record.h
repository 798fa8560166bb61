// WAL records: the unit a segment file is made of.
//
// Layout (little-endian): length u32 | type u8 | crc u32 | payload (`length` bytes).
// The CRC is CRC32C over the type and payload, seeded with the record's byte offset in its file
// (crc32c of offset u64, then type, then payload). Seeding with the offset means a record image
// found anywhere but where it was written (inside another record's payload, or left over from
// before a truncation) never validates, which is what lets recovery tell a torn tail from
// corruption by looking for valid records after a bad one (see wal.h).
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <expected>
#include <optional>
#include <string>
#include <vector>

#include "core/codec/bounded_writer.h"
#include "core/codec/crc32c.h"
#include "core/codec/limits.h"
#include "core/codec/writer.h"
#include "core/env/types.h"

namespace keel::storage {

enum class RecordType : std::uint8_t {
  kSegmentHeader = 1,  // first record of every segment: format version, identity, sequence
  kSnapshot = 2,       // the log now starts after (index, term)
  kHardState = 3,      // raft::HardState
  kEntry = 4,          // raft::Entry
};

inline constexpr std::size_t kRecordHeaderBytes = 4 + 1 + 4;
// Large enough for an entry of codec::kMaxEntryDataBytes and its varints.
inline constexpr std::size_t kMaxRecordPayloadBytes = codec::kMaxEntryDataBytes + 64;

std::uint32_t record_crc(std::uint64_t offset, RecordType type, ByteView payload);

// A record written in place, in two halves: begin_record() at `at`, to be stored at byte `offset`
// of its file, returns where the payload goes; once the payload is written up to `end`,
// finish_record() fills in the header. The CRC's prefix (offset u64, type u8) is exactly as long as
// the record header, so begin_record writes it where the header goes: the CRC is then one pass
// over contiguous bytes (equal to record_crc by crc32c_extend's contract), and finish_record
// overwrites the prefix with the header.
inline std::uint8_t* begin_record(std::uint8_t* at, std::uint64_t offset, RecordType type) {
  static_assert(kRecordHeaderBytes == 8 + 1, "the CRC prefix must fill the header exactly");
  static_assert(std::endian::native == std::endian::little,
                "record fields are stored as they are held in memory");
  const auto stored_type = static_cast<std::uint8_t>(type);
  std::memcpy(at, &offset, 8);
  std::memcpy(at + 8, &stored_type, 1);
  return at + kRecordHeaderBytes;
}
inline void finish_record(std::uint8_t* at, const std::uint8_t* end, RecordType type) {
  const std::uint32_t crc = codec::crc32c(ByteView(at, end));
  const auto length = static_cast<std::uint32_t>(end - at - kRecordHeaderBytes);
  const auto stored_type = static_cast<std::uint8_t>(type);
  std::memcpy(at, &length, 4);
  std::memcpy(at + 4, &stored_type, 1);
  std::memcpy(at + 5, &crc, 4);
}

// Appends a record to `out`, to be stored at byte `offset` of its file. `write_payload(Writer&)`
// writes the payload in place.
template <class WritePayload>
void append_record(Bytes& out, std::uint64_t offset, RecordType type,
                   WritePayload&& write_payload) {
  const std::size_t start = out.size();
  out.resize(start + kRecordHeaderBytes);
  begin_record(out.data() + start, offset, type);
  codec::Writer writer(out);
  write_payload(writer);
  finish_record(out.data() + start, out.data() + out.size(), type);
}

// Writes a record at `room`'s position, to be stored at byte `offset` of its file:
// `write_payload(BoundedWriter&)` writes the payload into the room after the header.
template <class WritePayload>
void put_record(codec::BoundedWriter& room, std::uint64_t offset, RecordType type,
                WritePayload&& write_payload) {
  std::uint8_t* const record = room.position();
  room.put(kRecordHeaderBytes, [&](std::uint8_t* at) { return begin_record(at, offset, type); });
  write_payload(room);
  finish_record(record, room.position(), type);
}

struct Record {
  RecordType type;
  std::uint64_t offset;  // where the record starts in its file
  ByteView payload;      // a view into the file's bytes
};

// The record at `offset` of `file`, or why there is no valid one there (incomplete, a length over
// kMaxRecordPayloadBytes, an unknown type, or a CRC mismatch).
std::expected<Record, std::string> parse_record(ByteView file, std::uint64_t offset);

// A file read record by record up to the first that does not parse.
struct ScannedFile {
  std::vector<Record> records;
  std::uint64_t valid_bytes = 0;  // where the valid records end
  std::string stop_reason;        // why the record at valid_bytes is bad; empty at end of file
  std::optional<std::uint64_t> next_valid;  // the first valid record after the bad one, if any
};

ScannedFile scan_records(ByteView file);

}  // namespace keel::storage
