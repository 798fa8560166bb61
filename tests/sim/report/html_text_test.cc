#include "sim/report/html_text.h"

#include <gtest/gtest.h>

#include "sim/report/svg_canvas.h"

namespace keel::sim {
namespace {

using namespace std::chrono_literals;

TEST(HtmlText, EscapesMarkupQuotesAndControlBytes) {
  EXPECT_EQ(escape_html("<a href=\"x\">'&'</a>"),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
  EXPECT_EQ(escape_html(std::string("a\0b\x1b\tc\n", 7)), "a\\x00b\\x1b\tc\n");
  EXPECT_EQ(escape_html("n1 → n2 ×1.05"), "n1 → n2 ×1.05");  // UTF-8 passes through
}

TEST(HtmlText, ClipsAtACharacterBoundary) {
  EXPECT_EQ(clip("short", 10), "short");
  EXPECT_EQ(clip("abcdef", 3), "abc…");
  EXPECT_EQ(clip("a→b", 2), "a…");  // '→' is 3 bytes: not split
}

TEST(HtmlText, WritesSecondsWithMilliseconds) {
  EXPECT_EQ(seconds_text(Time(1200ms)), "1.200s");
  EXPECT_EQ(seconds_text(Duration(-500ms)), "-0.500s");
  EXPECT_EQ(seconds_text(Time{}), "0.000s");
}

TEST(TimeScale, MapsAndClampsAndPicksRoundTicks) {
  const TimeScale scale{100, 1000, Time(10s)};
  EXPECT_DOUBLE_EQ(scale.x(Time{}), 100);
  EXPECT_DOUBLE_EQ(scale.x(Time(5s)), 600);
  EXPECT_DOUBLE_EQ(scale.x(Time(20s)), 1100);  // clamped
  const std::vector<Time> ticks = scale.ticks(16);
  ASSERT_EQ(ticks.size(), 11u);  // every second
  EXPECT_EQ(ticks[3], Time(3s));
  EXPECT_EQ((TimeScale{0, 100, Time(60s)}.ticks(16)[1]), Time(5s));
  EXPECT_EQ((TimeScale{0, 100, Time(300ms)}.ticks(16)[1]), Time(20ms));
}

}  // namespace
}  // namespace keel::sim
