// make_launch_plan: a spec checked and turned into what the cloned process reads.
#include "real/containers/launch_plan.h"

#include <gtest/gtest.h>

#include <cstring>
#include <fstream>

#include "real/support/temp_dir.h"

namespace keel::real::testing {
namespace {

ContainerSpec spec_with(std::vector<std::string> argv) {
  ContainerSpec spec;
  spec.name = "web";
  spec.argv = std::move(argv);
  return spec;
}

TEST(LaunchPlanTest, ArgvAndEnvironmentAreNullTerminatedArrays) {
  ContainerSpec spec = spec_with({"/bin/echo", "a b"});
  spec.environment = {{"A", "1"}, {"B", "x=y"}};
  auto plan = make_launch_plan(spec);
  ASSERT_TRUE(plan) << plan.error().message;
  const LaunchPlan moved = std::move(*plan);  // the pointers survive a move
  ASSERT_EQ(moved.argv.size(), 3u);
  EXPECT_STREQ(moved.argv[0], "/bin/echo");
  EXPECT_STREQ(moved.argv[1], "a b");
  EXPECT_EQ(moved.argv[2], nullptr);
  ASSERT_EQ(moved.envp.size(), 4u);
  EXPECT_STREQ(moved.envp[0], "A=1");
  EXPECT_STREQ(moved.envp[1], "B=x=y");
  EXPECT_EQ(std::strncmp(moved.envp[2], "PATH=", 5), 0) << "a default PATH is added";
  EXPECT_EQ(moved.envp[3], nullptr);
  EXPECT_EQ(moved.exec_candidates, std::vector<std::string>{"/bin/echo"});
  EXPECT_EQ(moved.working_directory, "/");
  EXPECT_TRUE(moved.root.empty());
}

TEST(LaunchPlanTest, AProgramWithoutSlashIsLookedUpOnTheContainersPath) {
  ContainerSpec spec = spec_with({"sh"});
  spec.environment = {{"PATH", "/opt/bin::/bin"}};
  const auto plan = make_launch_plan(spec);
  ASSERT_TRUE(plan);
  EXPECT_EQ(plan->exec_candidates, (std::vector<std::string>{"/opt/bin/sh", "./sh", "/bin/sh"}));
  EXPECT_EQ(plan->envp.size(), 2u) << "the spec's PATH, no default added";
}

TEST(LaunchPlanTest, ARootDirectoryGetsItsMountPoints) {
  TempDir root;
  ContainerSpec spec = spec_with({"/bin/sh"});
  spec.root_directory = root.path() + "/";
  const auto plan = make_launch_plan(spec);
  ASSERT_TRUE(plan);
  EXPECT_EQ(plan->root, root.path());
  EXPECT_EQ(plan->root_proc, root / "proc");
  ASSERT_EQ(plan->devices.size(), 5u);
  EXPECT_EQ(plan->devices[0].host, "/dev/null");
  EXPECT_EQ(plan->devices[0].inside, root / "dev/null");
}

TEST(LaunchPlanTest, BadSpecsAreRefusedNamingTheField) {
  TempDir root;
  const std::string file = root / "file";
  { std::ofstream(file) << "x"; }
  struct Case {
    ContainerSpec spec;
    Errc code;
    std::string words;
  };
  std::vector<Case> cases;
  cases.push_back({spec_with({}), Errc::kInvalidArgument, "argv is empty"});
  cases.push_back({spec_with({""}), Errc::kInvalidArgument, "argv is empty"});
  ContainerSpec bad_name = spec_with({"/bin/sh"});
  bad_name.name = "a/b";
  cases.push_back({bad_name, Errc::kInvalidArgument, "unit name 'a/b'"});
  ContainerSpec image = spec_with({"/bin/sh"});
  image.image = "busybox:1";
  cases.push_back({image, Errc::kInvalidArgument, "this machine has no image store"});
  ContainerSpec both = image;
  both.root_directory = root.path();
  cases.push_back({both, Errc::kInvalidArgument, "both a root directory and an image"});
  ContainerSpec relative_dir = spec_with({"/bin/sh"});
  relative_dir.working_directory = "tmp";
  cases.push_back({relative_dir, Errc::kInvalidArgument, "working directory 'tmp'"});
  ContainerSpec relative_root = spec_with({"/bin/sh"});
  relative_root.root_directory = "rootfs";
  cases.push_back(
      {relative_root, Errc::kInvalidArgument, "root directory 'rootfs' is not absolute"});
  ContainerSpec missing_root = spec_with({"/bin/sh"});
  missing_root.root_directory = root / "missing";
  cases.push_back({missing_root, Errc::kNotFound, "missing root filesystem"});
  ContainerSpec file_root = spec_with({"/bin/sh"});
  file_root.root_directory = file;
  cases.push_back({file_root, Errc::kInvalidArgument, "is not a directory"});
  ContainerSpec bad_variable = spec_with({"/bin/sh"});
  bad_variable.environment = {{"A=B", "c"}};
  cases.push_back({bad_variable, Errc::kInvalidArgument, "environment variable name 'A=B'"});

  for (const Case& c : cases) {
    const auto plan = make_launch_plan(c.spec);
    ASSERT_FALSE(plan) << c.words;
    EXPECT_EQ(plan.error().code, c.code) << c.words;
    EXPECT_NE(plan.error().message.find(c.words), std::string::npos) << plan.error().message;
  }
}

}  // namespace
}  // namespace keel::real::testing
