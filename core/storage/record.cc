#include "core/storage/record.h"

#include "core/codec/crc32c.h"
#include "core/codec/reader.h"
#include "core/env/str.h"

namespace keel::storage {
namespace {

bool known_type(std::uint8_t type) {
  return type >= static_cast<std::uint8_t>(RecordType::kSegmentHeader) &&
         type <= static_cast<std::uint8_t>(RecordType::kEntry);
}

}  // namespace

std::uint32_t record_crc(std::uint64_t offset, RecordType type, ByteView payload) {
  std::uint8_t prefix[9];
  for (int i = 0; i < 8; ++i) prefix[i] = static_cast<std::uint8_t>(offset >> (8 * i));
  prefix[8] = static_cast<std::uint8_t>(type);
  return codec::crc32c_extend(codec::crc32c(prefix), payload);
}

std::expected<Record, std::string> parse_record(ByteView file, std::uint64_t offset) {
  const std::uint64_t left = file.size() - offset;
  if (left < kRecordHeaderBytes) {
    return std::unexpected(str("incomplete record header (", left, " bytes)"));
  }
  codec::Reader header(file.subspan(offset, kRecordHeaderBytes));
  const std::uint32_t length = header.u32("length");
  const std::uint8_t type = header.u8("type");
  const std::uint32_t crc = header.u32("crc");
  if (length > kMaxRecordPayloadBytes) {
    return std::unexpected(str("record length ", length, " exceeds kMaxRecordPayloadBytes"));
  }
  if (!known_type(type)) return std::unexpected(str("unknown record type ", int{type}));
  if (length > left - kRecordHeaderBytes) {
    return std::unexpected(str("incomplete record: ", length, " payload bytes claimed, ",
                               left - kRecordHeaderBytes, " left"));
  }
  const ByteView payload = file.subspan(offset + kRecordHeaderBytes, length);
  const auto record_type = static_cast<RecordType>(type);
  if (record_crc(offset, record_type, payload) != crc) return std::unexpected("crc mismatch");
  return Record{record_type, offset, payload};
}

ScannedFile scan_records(ByteView file) {
  ScannedFile scanned;
  std::uint64_t offset = 0;
  while (offset < file.size()) {
    auto record = parse_record(file, offset);
    if (!record) {
      scanned.stop_reason = std::move(record.error());
      // Cheap rejections (length, type) come first in parse_record, so this byte-by-byte search
      // computes a CRC only where a plausible record header sits.
      for (std::uint64_t next = offset + 1; next < file.size(); ++next) {
        if (parse_record(file, next)) {
          scanned.next_valid = next;
          break;
        }
      }
      break;
    }
    scanned.records.push_back(*record);
    offset += kRecordHeaderBytes + record->payload.size();
  }
  scanned.valid_bytes = offset;
  return scanned;
}

}  // namespace keel::storage
