// Glob patterns as fleet matches Conflicts= and Replaces= (Go's path.Match).
#include "core/fleet/glob.h"

#include <gtest/gtest.h>

namespace keel::fleet {
namespace {

bool match(std::string_view pattern, std::string_view name) {
  auto glob = Glob::parse(pattern);
  EXPECT_TRUE(glob) << pattern;
  return glob && glob->matches(name);
}

TEST(Glob, MatchesLikePathMatch) {
  EXPECT_TRUE(match("web.service", "web.service"));
  EXPECT_FALSE(match("web.service", "web2.service"));
  EXPECT_TRUE(match("web*", "web@1.service"));
  EXPECT_TRUE(match("*", ""));
  EXPECT_TRUE(match("*.service", "a.service"));
  EXPECT_FALSE(match("*.service", "a.socket"));
  EXPECT_TRUE(match("w?b*", "wxb.service"));
  EXPECT_FALSE(match("w?b", "wb"));
  EXPECT_TRUE(match("web@[0-9].service", "web@7.service"));
  EXPECT_FALSE(match("web@[0-9].service", "web@x.service"));
  EXPECT_TRUE(match("web@[^0-9].service", "web@x.service"));
  EXPECT_FALSE(match("web@[^0-9].service", "web@1.service"));
  EXPECT_TRUE(match("a\\*b", "a*b"));
  EXPECT_FALSE(match("a\\*b", "axb"));
  EXPECT_TRUE(match("*a*b*c*", "xxaxxbxxcxx"));
  EXPECT_FALSE(match("*a*b*c*", "xxaxxcxxbxx"));
  EXPECT_TRUE(match("[ab][cd]", "bd"));
}

TEST(Glob, RefusesMalformedPatterns) {
  for (std::string_view bad : {"", "web[", "web[]", "web[^]", "a\\", "[a-"}) {
    EXPECT_FALSE(Glob::parse(bad)) << bad;
  }
}

TEST(Glob, LiteralPatternsAreKnown) {
  EXPECT_TRUE(Glob::parse("web.service")->is_literal());
  EXPECT_FALSE(Glob::parse("web*")->is_literal());
}

}  // namespace
}  // namespace keel::fleet
