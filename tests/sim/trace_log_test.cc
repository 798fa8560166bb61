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

}  // namespace
}  // namespace keel::sim
