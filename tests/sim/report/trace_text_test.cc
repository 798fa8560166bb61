#include "sim/report/trace_text.h"

#include <gtest/gtest.h>

#include "core/env/trace.h"

namespace keel::sim {
namespace {

TEST(TraceText, ParsesComponentEventAndFields) {
  Result<TraceText> parsed = parse_trace_text("raft.role role=leader term=12 leader=2");
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_EQ(parsed->component, "raft");
  EXPECT_EQ(parsed->event, "role");
  ASSERT_EQ(parsed->fields.size(), 3u);
  EXPECT_EQ(parsed->field("role"), "leader");
  EXPECT_EQ(parsed->number("term"), 12);
  EXPECT_EQ(parsed->field("missing"), std::nullopt);
  EXPECT_EQ(parsed->number("role"), std::nullopt);  // not a number
}

TEST(TraceText, ReadsBackWhatDescribeQuoted) {
  // describe() quotes values with spaces, quotes or '=', and empty ones.
  const TraceField fields[] = {{"groups", "n1 | n2,n3"},
                               {"empty", ""},
                               {"reason", "a \"quoted\"word"},
                               {"eq", "a=b"},
                               {"offset_ns", std::int64_t{-300000000}}};
  const std::string text =
      describe(TraceEvent{Time{}, "sim", "sim", "partition", std::span<const TraceField>(fields)});
  Result<TraceText> parsed = parse_trace_text(text);
  ASSERT_TRUE(parsed) << parsed.error().message << " in " << text;
  EXPECT_EQ(parsed->field("groups"), "n1 | n2,n3");
  EXPECT_EQ(parsed->field("empty"), "");
  EXPECT_EQ(parsed->field("reason"), "a \"quoted\"word");
  EXPECT_EQ(parsed->field("eq"), "a=b");
  EXPECT_EQ(parsed->number("offset_ns"), -300000000);
}

TEST(TraceText, AQuotedValueHoldingQuoteSpaceIsCutThereAndTheRestIsAnError) {
  // describe() does not escape quotes: `reason="said "no" twice"` cannot be read back.
  Result<TraceText> parsed = parse_trace_text("node.stopped reason=\"said \"no\" twice\"");
  ASSERT_FALSE(parsed);
  EXPECT_EQ(parsed.error().message, "trace field 'twice\"' has no '='");
}

TEST(TraceText, EventWithoutFieldsAndExtraSpaces) {
  Result<TraceText> parsed = parse_trace_text("sim.heal");
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->event, "heal");
  EXPECT_TRUE(parsed->fields.empty());
  parsed = parse_trace_text("a.b  x=1   y=2 ");
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->number("y"), 2);
}

TEST(TraceText, RejectsOddInputWithAReason) {
  for (const char* bad : {"", " ", "noevent", ".event", "component.", "a.b key", "a.b =v",
                          "a.b k=\"unterminated", "a.b k=\"x\"y", "a.b k=1 \"stray"}) {
    Result<TraceText> parsed = parse_trace_text(bad);
    EXPECT_FALSE(parsed) << "accepted '" << bad << "'";
    if (!parsed) {
      EXPECT_EQ(parsed.error().code, Errc::kInvalidArgument);
      EXPECT_FALSE(parsed.error().message.empty());
    }
  }
}

TEST(TraceText, SurvivesArbitraryBytes) {
  // Any byte string either parses or gives an error that says why; none crashes.
  std::string text = "x.y ";
  for (int i = 0; i < 2000; ++i) {
    text += static_cast<char>((i * 7919) % 256);
    for (const std::string_view piece :
         {std::string_view(text),
          std::string_view(text).substr(static_cast<std::size_t>(i) % 97)}) {
      Result<TraceText> parsed = parse_trace_text(piece);
      ASSERT_TRUE(parsed || !parsed.error().message.empty()) << "no reason for " << piece;
    }
  }
}

}  // namespace
}  // namespace keel::sim
