#include "real/stream_trace_sink.h"

#include <gtest/gtest.h>

#include <sstream>

namespace keel::real {
namespace {

void record(TraceSink& sink) {
  const TraceField fields[] = {{"peer", 2}, {"reason", "said \"no\"\n"}, {"lost", -1}};
  sink.record(
      TraceEvent{Time(std::chrono::nanoseconds(12'345'678'901)), "n1", "net", "refused", fields});
}

TEST(StreamTraceSinkTest, TextIsOneLinePerEventWithSecondsAndMachine) {
  std::ostringstream out;
  StreamTraceSink sink(out, TraceFormat::kText);
  record(sink);
  record(sink);
  const std::string line = "12.345678 n1 net.refused peer=2 reason=\"said \"no\"\\x0a\" lost=-1\n";
  EXPECT_EQ(out.str(), line + line);
}

TEST(StreamTraceSinkTest, JsonIsOneObjectPerLineWithEscapedStrings) {
  std::ostringstream out;
  StreamTraceSink sink(out, TraceFormat::kJson);
  record(sink);
  EXPECT_EQ(out.str(),
            "{\"time_ns\":12345678901,\"machine\":\"n1\",\"component\":\"net\","
            "\"event\":\"refused\",\"fields\":{\"peer\":2,\"reason\":\"said \\\"no\\\"\\u000a\","
            "\"lost\":-1}}\n");
}

}  // namespace
}  // namespace keel::real
