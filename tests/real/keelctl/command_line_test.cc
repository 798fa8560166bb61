// keelctl's command line: words and flags (command_line.h), flag values, and the dispatch of
// run_keelctl: verbs found by their words, usage errors with exit code 2 before anything is sent.
#include "real/keelctl/command_line.h"

#include <gtest/gtest.h>

#include "real/keelctl/exit_code.h"
#include "real/support/keelctl_run.h"

namespace keel::real::keelctl {
namespace {

using testing::keelctl;
using testing::KeelctlRun;

const std::vector<FlagSpec> kFlags = {
    {.name = "ttl", .takes_value = true, .help = "", .short_name = 't'},
    {.name = "prefix", .takes_value = false, .help = ""},
    {.name = "endpoint", .takes_value = true, .help = ""},
    {.name = "follow", .takes_value = false, .help = "", .short_name = 'f'}};

Result<CommandLine> parse(std::vector<std::string_view> args) {
  return parse_command_line(args, kFlags);
}

TEST(KeelctlCommandLine, WordsAndFlagsInAnyOrder) {
  auto line = parse({"--endpoint", "http://a", "put", "k", "--ttl=5", "v", "--prefix"});
  ASSERT_TRUE(line) << line.error().message;
  EXPECT_EQ(line->words, (std::vector<std::string>{"put", "k", "v"}));
  EXPECT_EQ(line->last("ttl"), "5");
  EXPECT_EQ(line->last("endpoint"), "http://a");
  EXPECT_TRUE(line->has("prefix"));
  EXPECT_FALSE(line->last("missing"));
}

TEST(KeelctlCommandLine, RepeatedFlagsKeepEveryValueAndTheLastWins) {
  auto line = parse({"--endpoint", "http://a", "--endpoint=http://b", "get", "k"});
  ASSERT_TRUE(line);
  EXPECT_EQ(line->flags.at("endpoint"), (std::vector<std::string>{"http://a", "http://b"}));
  EXPECT_EQ(line->last("endpoint"), "http://b");
}

TEST(KeelctlCommandLine, DoubleDashEndsTheFlags) {
  auto line = parse({"put", "--", "k", "--prefix"});
  ASSERT_TRUE(line);
  EXPECT_EQ(line->words, (std::vector<std::string>{"put", "k", "--prefix"}));
  EXPECT_FALSE(line->has("prefix"));
}

TEST(KeelctlCommandLine, BadFlagsAreRefusedByName) {
  auto unknown = parse({"get", "--frob"});
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().message, "unknown flag --frob");
  auto missing = parse({"put", "k", "v", "--ttl"});
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().message, "--ttl needs a value");
  auto valued_switch = parse({"del", "k", "--prefix=yes"});
  ASSERT_FALSE(valued_switch);
  EXPECT_EQ(valued_switch.error().message, "--prefix takes no value");
}

TEST(KeelctlCommandLine, ShortNamesStandForTheirFlagsAndOtherDashWordsStayWords) {
  auto line = parse({"journal", "-f", "u", "-t", "5", "-x", "-1"});
  ASSERT_TRUE(line) << line.error().message;
  EXPECT_EQ(line->words, (std::vector<std::string>{"journal", "u", "-x", "-1"}));
  EXPECT_TRUE(line->has("follow"));
  EXPECT_EQ(line->last("ttl"), "5");
  auto after_double_dash = parse({"get", "--", "-f"});
  ASSERT_TRUE(after_double_dash);
  EXPECT_EQ(after_double_dash->words, (std::vector<std::string>{"get", "-f"}));
  EXPECT_FALSE(after_double_dash->has("follow"));
  auto missing = parse({"put", "-t"});
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().message, "-t needs a value");
}

TEST(KeelctlCommandLine, CountsWithinTheirRange) {
  EXPECT_EQ(parse_count("members", "3", 1, 7), 3u);
  EXPECT_EQ(parse_count("workers", "0", 0, 7), 0u);
  for (const std::string_view bad : {"", "0", "8", "-1", "3x", " 3", "1e1"}) {
    auto parsed = parse_count("members", bad, 1, 7);
    ASSERT_FALSE(parsed) << bad;
    EXPECT_EQ(parsed.error().message,
              std::string("--members wants a whole number from 1 to 7, not \"") + std::string(bad) +
                  "\"");
  }
}

TEST(KeelctlCommandLine, SecondsArePositiveAndBounded) {
  EXPECT_EQ(parse_seconds("timeout", "1.5"), std::chrono::milliseconds(1500));
  EXPECT_EQ(parse_seconds("timeout", "2"), std::chrono::seconds(2));
  for (const std::string_view bad : {"", "0", "-1", "abc", "1s", "86401", "nan", "inf"}) {
    EXPECT_FALSE(parse_seconds("timeout", bad)) << bad;
  }
}

// Each bad line exits 2 with a one-line reason first and the usage after it; an unroutable
// endpoint makes sure nothing could have been sent.
TEST(KeelctlDispatch, BadUsageExitsTwoWithTheReasonAndTheUsage) {
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{}, "Error: no verb given"},
      {{"frob"}, "Error: unknown verb \"frob\""},
      {{"get"}, "Error: missing operands"},
      {{"get", "a", "b"}, "Error: unexpected operand \"b\""},
      {{"get", "a", "--prefix"}, "Error: --prefix does not apply to get"},
      {{"put", "a", "b", "--ttl", "0"}, "Error: --ttl wants a whole number from 1 to"},
      {{"get", "a", "--bogus"}, "Error: unknown flag --bogus"},
      {{"get", "a", "--timeout", "0"}, "Error: --timeout wants a number of seconds"},
      {{"get", "a", "--endpoint", "https://x"}, "Error: endpoint \"https://x\": only http://"},
  };
  for (const auto& [args, reason] : cases) {
    const KeelctlRun run = keelctl(args);
    EXPECT_EQ(run.code, kExitUsage) << reason;
    EXPECT_TRUE(run.err.starts_with(reason)) << run.err;
    EXPECT_NE(run.err.find("Usage: keelctl"), std::string::npos) << run.err;
    EXPECT_EQ(run.out, "");
  }
}

TEST(KeelctlDispatch, HelpListsEveryVerbOnStdout) {
  const KeelctlRun run = keelctl({"--help"});
  EXPECT_EQ(run.code, kExitOk);
  for (const std::string_view verb : {"keelctl get KEY", "keelctl put KEY VALUE [--ttl S]",
                                      "keelctl del KEY", "keelctl ls", "keelctl watch KEY"}) {
    EXPECT_NE(run.out.find(verb), std::string::npos) << verb;
  }
}

}  // namespace
}  // namespace keel::real::keelctl
