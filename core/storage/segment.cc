#include "core/storage/segment.h"

#include "core/env/str.h"
#include "core/storage/paths.h"

namespace keel::storage {
namespace {

constexpr std::string_view kSuffix = ".wal";

}  // namespace

std::string format_segment_name(SegmentName name) {
  return format_pair_name(name.seq, name.first_index, kSuffix);
}

std::optional<SegmentName> parse_segment_name(std::string_view file_name) {
  const auto pair = parse_pair_name(file_name, kSuffix);
  if (!pair) return std::nullopt;
  return SegmentName{pair->first, pair->second};
}

void encode(codec::Writer& out, const SegmentHeader& header) {
  out.u8(header.version);
  out.u64(header.identity.cluster);
  out.u64(header.identity.node);
  out.u64(header.name.seq);
  out.u64(header.name.first_index);
}

void read(codec::Reader& in, SegmentHeader& header) {
  header.version = in.u8("SegmentHeader.version");
  header.identity.cluster = in.u64("SegmentHeader.cluster");
  header.identity.node = in.u64("SegmentHeader.node");
  header.name.seq = in.u64("SegmentHeader.seq");
  header.name.first_index = in.u64("SegmentHeader.first_index");
}

std::string describe(const WalIdentity& identity) {
  return str("cluster 0x", std::hex, identity.cluster, std::dec, " member ", identity.node);
}

}  // namespace keel::storage
