// keelctl verify (verify_verb.h) and local_unit_file.h: bad unit files are rejected with
// FILE:LINE:COLUMN: message and exit 1, good ones pass silently with exit 0, without any endpoint.
#include <gtest/gtest.h>

#include <fstream>

#include "real/keelctl/exit_code.h"
#include "real/keelctl/local_unit_file.h"
#include "real/support/keelctl_run.h"
#include "real/support/temp_dir.h"

namespace keel::real::keelctl {
namespace {

using testing::keelctl;
using testing::KeelctlRun;

constexpr std::string_view kGood = "[Service]\nExecStart=/bin/true\n";

class VerifyTest : public ::testing::Test {
 protected:
  std::string write(std::string_view name, std::string_view text) {
    const std::string path = dir_ / name;
    std::ofstream(path) << text;
    return path;
  }
  // An endpoint nothing listens on: verify must not need one.
  KeelctlRun verify(std::vector<std::string> files) {
    files.insert(files.begin(), {"--endpoint", "http://127.0.0.1:1", "verify"});
    return keelctl(files);
  }
  real::testing::TempDir dir_;
};

TEST_F(VerifyTest, GoodFilesPassSilently) {
  const std::string web = write("web.service", kGood);
  const std::string instance = write("web@1.service", "[Service]\nExecStart=/bin/echo %i\n");
  const std::string templ = write("web@.service", "[Service]\nExecStart=/bin/echo %i\n");
  const KeelctlRun run = verify({web, instance, templ});
  EXPECT_EQ(run.code, kExitOk) << run.out << run.err;
  EXPECT_EQ(run.out, "");
  EXPECT_EQ(run.err, "");
}

TEST_F(VerifyTest, EachBadFileNamesItsLineAndColumn) {
  const std::string restart =
      write("restart.service", "[Service]\nExecStart=/bin/true\nRestart=sometimes\n");
  const std::string syntax = write("syntax.service", "[Service]\n  not an assignment\n");
  const std::string empty = write("empty.service", "[Unit]\nDescription=nothing to run\n");
  const std::string bad_name = write("noextension", kGood);
  const std::string good = write("good.service", kGood);
  const KeelctlRun run = verify({restart, good, syntax, empty, bad_name});
  EXPECT_EQ(run.code, kExitFailure);
  EXPECT_EQ(run.err, "");
  EXPECT_EQ(run.out, restart +
                         ":3:9: Restart=: 'sometimes' is not one of no, on-failure, always\n" +
                         syntax + ":2:3: expected Key=Value, a [Section] header or a comment\n" +
                         empty + ":1:1: no [Service] section with an ExecStart=\n" + bad_name +
                         ":1:1: " + check_unit_file(bad_name, kGood)->message + "\n");
}

TEST_F(VerifyTest, AFileThatCannotBeReadFailsByName) {
  const std::string missing = dir_ / "missing.service";
  const KeelctlRun run = verify({write("good.service", kGood), missing});
  EXPECT_EQ(run.code, kExitFailure);
  EXPECT_EQ(run.out, "");
  EXPECT_TRUE(run.err.starts_with("Error: " + missing + ": ")) << run.err;
}

TEST(LocalUnitFileTest, ProblemsCarryThePlaceTheParserNames) {
  EXPECT_EQ(check_unit_file("a/b/web.service", kGood), std::nullopt);
  const auto unit_section = check_unit_file("web.service", "[Service]\nExecStart=/x\n[Bogus]\n");
  ASSERT_TRUE(unit_section);
  EXPECT_EQ(unit_section->line, 3);
  EXPECT_EQ(unit_section->column, 1);
  EXPECT_TRUE(unit_section->message.starts_with("unknown section [Bogus]"))
      << unit_section->message;
  const auto bad_name = check_unit_file("dir/web", kGood);  // named after the base name
  ASSERT_TRUE(bad_name);
  EXPECT_NE(bad_name->message.find("web"), std::string::npos) << bad_name->message;
  EXPECT_EQ(format_problem("f", {.line = 4, .column = 2, .message = "why"}), "f:4:2: why");
}

}  // namespace
}  // namespace keel::real::keelctl
