#include "sim/units.h"

#include <gtest/gtest.h>

namespace keel::sim {
namespace {

using namespace std::chrono_literals;

TEST(Units, Durations) {
  EXPECT_EQ(*parse_duration("1.5s"), 1500ms);
  EXPECT_EQ(*parse_duration("250ms"), 250ms);
  EXPECT_EQ(*parse_duration("10us"), 10us);
  EXPECT_EQ(*parse_duration("7ns"), 7ns);
  EXPECT_EQ(*parse_duration("3m"), 180s);
  EXPECT_EQ(*parse_duration("1h"), 3600s);
  EXPECT_EQ(*parse_duration("-800ms"), -800ms);
  for (const char* bad : {"", "10", "10 s", "s", "1.5.2s", "10sec", "abc"}) {
    auto parsed = parse_duration(bad);
    ASSERT_FALSE(parsed) << bad;
    EXPECT_NE(parsed.error().message.find("expected a duration"), std::string::npos);
  }
}

TEST(Units, SizesRatesProbabilities) {
  EXPECT_EQ(*parse_size("4GiB"), 4ull << 30);
  EXPECT_EQ(*parse_size("512MiB"), 512ull << 20);
  EXPECT_EQ(*parse_size("1024"), 1024u);
  EXPECT_FALSE(parse_size("4GB"));
  EXPECT_DOUBLE_EQ(*parse_rate("200/s"), 200);
  EXPECT_DOUBLE_EQ(*parse_rate("30/m"), 0.5);
  EXPECT_FALSE(parse_rate("200"));
  EXPECT_FALSE(parse_rate("200/h"));
  EXPECT_DOUBLE_EQ(*parse_probability("0.25"), 0.25);
  EXPECT_FALSE(parse_probability("1.5"));
  EXPECT_FALSE(parse_probability("-0.1"));
}

TEST(Units, SeedRanges) {
  EXPECT_EQ(parse_seed_range("1..200")->count(), 200u);
  EXPECT_EQ(parse_seed_range("7")->first, 7u);
  EXPECT_EQ(parse_seed_range("7")->last, 7u);
  EXPECT_FALSE(parse_seed_range("9..3"));
  EXPECT_FALSE(parse_seed_range("a..b"));
  EXPECT_FALSE(parse_seed_range(""));
}

}  // namespace
}  // namespace keel::sim
