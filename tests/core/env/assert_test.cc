#include "core/env/assert.h"

#include <gtest/gtest.h>

#include <string>

namespace keel {
namespace {

TEST(AssertDeathTest, ABrokenInvariantNamesTheFileTheConditionAndTheParts) {
  const int x = 2;
  EXPECT_DEATH(KEEL_ASSERT(x == 1, "x is ", x, " and ", std::string("text")),
               "assert_test.cc:[0-9]+: invariant broken: x == 1: x is 2 and text");
}

// The message is formatted out of line, on the failure path only: its parts are not even
// evaluated while the condition holds.
TEST(Assert, ItsPartsAreEvaluatedOnlyWhenTheConditionFails) {
  int evaluated = 0;
  auto part = [&] { return ++evaluated; };
  KEEL_ASSERT(evaluated == 0, "part ", part());
  EXPECT_EQ(evaluated, 0);
}

}  // namespace
}  // namespace keel
