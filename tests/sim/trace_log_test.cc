#include "sim/trace_log.h"

#include <gtest/gtest.h>

#include <sstream>

#include "core/codec/frame.h"

namespace keel::sim {
namespace {

TEST(TraceLog, WritesRecordsAsJsonLinesWithEscapes) {
  TraceLog log;
  log.set_recording(true);
  const TraceField fields[] = {{"reason", "a \"quoted\"\nline"}, {"term", 7}};
  log.record(Time{} + Duration(1500), TraceEvent{Time{} + Duration(99), "n2", "node", "stopped",
                                                 std::span<const TraceField>(fields)});
  std::ostringstream out;
  log.write_json_lines(out);
  EXPECT_EQ(out.str(),
            "{\"time_ns\":1500,\"local_ns\":99,\"machine\":\"n2\",\"event\":\"node.stopped "
            "reason=\\\"a \\\"quoted\\\"\\nline\\\" term=7\"}\n");
}

TEST(TraceLog, KeepsNoRecordsUnlessAskedButHashesEverything) {
  TraceLog log;
  const std::uint64_t before = log.hash();
  log.record(Time{}, TraceEvent{Time{}, "n1", "raft", "role", {}});
  EXPECT_TRUE(log.records().empty());
  EXPECT_NE(log.hash(), before);
}

std::uint64_t hash_after_frame(ByteView frame) {
  TraceLog log;
  log.note(1, Time{} + Duration(5), 2, 3);
  log.note_frame(frame);
  return log.hash();
}

TEST(TraceLog, ARawFrameThatDiffersInAnyByteChangesTheHash) {
  const Bytes frame{1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
  Bytes other_byte = frame;
  other_byte[9] ^= 1;
  Bytes longer = frame;
  longer.push_back(0);
  EXPECT_EQ(hash_after_frame(frame), hash_after_frame(frame));
  EXPECT_NE(hash_after_frame(frame), hash_after_frame(other_byte));
  EXPECT_NE(hash_after_frame(frame), hash_after_frame(longer));
}

// A codec frame is digested by its header, whose CRC32C covers the body: frames encoded from
// different payloads or for different clusters differ in the hash.
TEST(TraceLog, ACodecFrameWithAnotherBodyOrClusterChangesTheHash) {
  const Bytes payload(100, 7);
  Bytes other_payload = payload;
  other_payload[60] ^= 1;
  const SharedBytes frame = codec::encode_node_frame(9, payload);
  EXPECT_EQ(hash_after_frame(frame), hash_after_frame(codec::encode_node_frame(9, payload)));
  EXPECT_NE(hash_after_frame(frame), hash_after_frame(codec::encode_node_frame(9, other_payload)));
  EXPECT_NE(hash_after_frame(frame), hash_after_frame(codec::encode_node_frame(8, payload)));
  Bytes longer_payload = payload;
  longer_payload.push_back(7);
  EXPECT_NE(hash_after_frame(frame), hash_after_frame(codec::encode_node_frame(9, longer_payload)));
}

// The contract's other side: only the header is read, so a body changed behind a stale CRC
// (which no sender produces) is not seen; and bytes that only look like a codec frame, with a
// length field that does not match their size, are hashed whole.
TEST(TraceLog, ACodecFrameIsDigestedByItsHeaderOnlyWhenItsLengthMatches) {
  const SharedBytes encoded = codec::encode_node_frame(9, Bytes(100, 7));
  const Bytes frame(encoded.begin(), encoded.end());
  Bytes stale_crc = frame;
  stale_crc.back() ^= 1;
  EXPECT_EQ(hash_after_frame(frame), hash_after_frame(stale_crc));

  Bytes trailing = frame;  // the length field now understates the size: not a codec frame
  trailing.push_back(0);
  Bytes trailing_other = trailing;
  trailing_other[50] ^= 1;
  EXPECT_NE(hash_after_frame(trailing), hash_after_frame(trailing_other));
}

TEST(TraceLog, EveryFieldOfAKernelNoteCounts) {
  auto hash_of = [](std::uint64_t kind, std::int64_t when, std::uint64_t a, std::uint64_t b) {
    TraceLog log;
    log.note(kind, Time{} + Duration(when), a, b);
    return log.hash();
  };
  const std::uint64_t base = hash_of(1, 100, 2, 3);
  EXPECT_NE(base, hash_of(2, 100, 2, 3));
  EXPECT_NE(base, hash_of(1, 101, 2, 3));
  EXPECT_NE(base, hash_of(1, 100, 3, 3));
  EXPECT_NE(base, hash_of(1, 100, 2, 4));
  EXPECT_NE(hash_of(1, 100, 2, 3), hash_of(1, 100, 3, 2));  // order matters
}

}  // namespace
}  // namespace keel::sim
