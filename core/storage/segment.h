// WAL segment files: their names and their header record.
//
// A segment is named "<seq>-<first index>.wal" with both numbers as 16 hex digits (etcd's wal
// naming): seq counts segments from 1 without gaps; first index is the index the log's next entry
// would have had when the segment was started. Names sort in sequence order.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/codec/reader.h"
#include "core/codec/writer.h"
#include "core/env/types.h"
#include "core/raft/types.h"

namespace keel::storage {

// Which cluster and member a data directory belongs to; a WAL of another is refused.
struct WalIdentity {
  std::uint64_t cluster = 0;
  NodeId node = kNoNode;
  friend bool operator==(const WalIdentity&, const WalIdentity&) = default;
};

struct SegmentName {
  std::uint64_t seq = 0;
  raft::Index first_index = 0;
  friend bool operator==(const SegmentName&, const SegmentName&) = default;
};

std::string format_segment_name(SegmentName name);
// nullopt for anything that is not exactly a segment name.
std::optional<SegmentName> parse_segment_name(std::string_view file_name);

// The payload of a segment's first record.
inline constexpr std::uint8_t kWalFormatVersion = 1;
struct SegmentHeader {
  std::uint8_t version = kWalFormatVersion;
  WalIdentity identity;
  SegmentName name;
};

void encode(codec::Writer& out, const SegmentHeader& header);
void read(codec::Reader& in, SegmentHeader& header);

// "cluster 0x1f member 3", for error messages.
std::string describe(const WalIdentity& identity);

}  // namespace keel::storage
