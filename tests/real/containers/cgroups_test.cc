// detect_cgroups: which hierarchy a host has and where keeld's own groups are in it, from
// /proc/self/cgroup text (cgroups(7)). ContainerCgroups on the real hierarchy is covered by
// namespace_containers_test.cc, as root.
#include "real/containers/cgroups.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "real/support/temp_dir.h"

namespace keel::real::testing {
namespace {

TEST(DetectCgroupsTest, V1FindsEachControllersOwnGroup) {
  TempDir mount;  // no cgroup.controllers: v1
  const auto host = detect_cgroups(mount.path(),
                                   "9:name=systemd:/\n"
                                   "8:pids:/\n"
                                   "4:memory:/process_api/abc\n"
                                   "2:cpu,cpuacct:/slice\n"
                                   "0::/\n");
  ASSERT_TRUE(host) << host.error().message;
  EXPECT_EQ(host->version, CgroupVersion::kV1);
  EXPECT_EQ(host->own_groups,
            (std::map<std::string, std::string>{{"cpu", mount / "cpu/slice"},
                                                {"memory", mount / "memory/process_api/abc"},
                                                {"pids", mount / "pids"}}));
}

TEST(DetectCgroupsTest, V2IsRecognisedByItsControllersFile) {
  TempDir mount;
  std::ofstream(mount / "cgroup.controllers") << "cpu memory pids\n";
  const auto host = detect_cgroups(mount.path(), "0::/system.slice/keeld.service\n");
  ASSERT_TRUE(host);
  EXPECT_EQ(host->version, CgroupVersion::kV2);
  EXPECT_EQ(host->own_groups,
            (std::map<std::string, std::string>{{"", mount / "system.slice/keeld.service"}}));
}

TEST(DetectCgroupsTest, NoUsableHierarchyIsAnError) {
  TempDir mount;
  EXPECT_FALSE(detect_cgroups(mount.path(), ""));
  EXPECT_FALSE(detect_cgroups(mount.path(), "1:name=systemd:/\n3:devices:/\n"));
  EXPECT_FALSE(detect_cgroups(mount.path(), "garbage without colons\n"));
}

TEST(ContainerCgroupsTest, NoLimitsMakeNoGroups) {
  TempDir mount;
  const auto host = detect_cgroups(mount.path(), "4:memory:/\n");
  ASSERT_TRUE(host);
  auto made = ContainerCgroups::create(*host, "leaf", {});
  ASSERT_TRUE(made);
  EXPECT_TRUE(made->directories().empty());
  EXPECT_FALSE(made->oom_killed());
}

TEST(ContainerCgroupsTest, AMissingControllerIsAnError) {
  TempDir mount;
  const auto host = detect_cgroups(mount.path(), "4:memory:/\n");
  ASSERT_TRUE(host);
  const auto made = ContainerCgroups::create(
      *host, "leaf",
      CgroupLimits{.memory_max_bytes = {}, .cpu_quota_percent = 50, .tasks_max = {}});
  ASSERT_FALSE(made);
  EXPECT_NE(made.error().message.find("no cpu cgroup controller"), std::string::npos);
}

TEST(ContainerCgroupsTest, AFileThatCannotBeWrittenUndoesTheGroup) {
  TempDir mount;  // a plain directory: the limit files do not exist, as if the kernel refused
  std::filesystem::create_directories(mount / "memory");
  const auto host = detect_cgroups(mount.path(), "4:memory:/\n");
  ASSERT_TRUE(host);
  const auto made = ContainerCgroups::create(
      *host, "leaf",
      CgroupLimits{.memory_max_bytes = 1 << 20, .cpu_quota_percent = {}, .tasks_max = {}});
  ASSERT_FALSE(made);
  EXPECT_NE(made.error().message.find("memory.limit_in_bytes"), std::string::npos)
      << made.error().message;
  EXPECT_FALSE(std::filesystem::exists(mount / "memory/keel/leaf"));
}

}  // namespace
}  // namespace keel::real::testing
