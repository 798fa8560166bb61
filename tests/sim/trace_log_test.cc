#include "sim/trace_log.h"

#include <gtest/gtest.h>

#include <sstream>

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

TEST(TraceLog, AFrameThatDiffersChangesTheHash) {
  auto hash_of = [](const Bytes& frame) {
    TraceLog log;
    log.note(1, Time{} + Duration(5), 2, 3);
    log.note_bytes(frame);
    return log.hash();
  };
  const Bytes frame{1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
  Bytes other_byte = frame;
  other_byte[9] ^= 1;
  Bytes longer = frame;
  longer.push_back(0);
  EXPECT_EQ(hash_of(frame), hash_of(frame));
  EXPECT_NE(hash_of(frame), hash_of(other_byte));
  EXPECT_NE(hash_of(frame), hash_of(longer));
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
