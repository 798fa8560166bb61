#include "core/fleet/container_spec.h"

#include <gtest/gtest.h>

namespace keel::fleet {
namespace {

UnitFile parse(std::string_view name, std::string_view text) {
  auto unit = parse_unit_file(name, text);
  EXPECT_TRUE(unit.has_value()) << unit.error().message;
  return *unit;
}

TEST(ContainerSpec, TakesTheCommandEnvironmentLimitsAndRoot) {
  const UnitFile unit = parse("web@1.service", R"([Service]
ExecStart=/bin/web --name "web %i" --quiet
Environment=A=1 "B=two words"
WorkingDirectory=/srv
MemoryMax=64M
CPUQuota=50%
TasksMax=32
[X-Container]
Image=web:1.0
)");
  auto spec = container_spec(unit);
  ASSERT_TRUE(spec.has_value()) << spec.error().message;
  EXPECT_EQ(spec->name, "web@1.service");
  EXPECT_EQ(spec->hostname, "web@1");
  EXPECT_EQ(spec->argv, (std::vector<std::string>{"/bin/web", "--name", "web 1", "--quiet"}));
  EXPECT_EQ(spec->environment,
            (std::vector<std::pair<std::string, std::string>>{{"A", "1"}, {"B", "two words"}}));
  EXPECT_EQ(spec->working_directory, "/srv");
  EXPECT_EQ(spec->image, "web:1.0");
  EXPECT_EQ(spec->root_directory, "");
  EXPECT_EQ(spec->memory_max_bytes, 64u << 20);
  EXPECT_EQ(spec->cpu_quota_percent, 50u);
  EXPECT_EQ(spec->tasks_max, 32u);
}

TEST(ContainerSpec, LeavesAbsentLimitsUnset) {
  auto spec = container_spec(parse("a.service", "[Service]\nExecStart=/bin/a\n"));
  ASSERT_TRUE(spec.has_value());
  EXPECT_FALSE(spec->memory_max_bytes || spec->cpu_quota_percent || spec->tasks_max);
}

TEST(ContainerSpec, RefusesWhatAContainerCannotRun) {
  UnitFile unit = parse("a.service", "[Service]\nExecStart=/bin/a\n");
  unit.service.exec_start = "  ";
  auto empty = container_spec(unit);
  ASSERT_FALSE(empty.has_value());
  EXPECT_EQ(empty.error().code, Errc::kInvalidArgument);
  EXPECT_NE(empty.error().message.find("ExecStart"), std::string::npos);

  unit.service.exec_start = "/bin/a \"unterminated";
  EXPECT_FALSE(container_spec(unit).has_value());

  unit.service.exec_start = "/bin/a";
  unit.service.tasks_max = std::uint64_t{1} << 33;
  auto tasks = container_spec(unit);
  ASSERT_FALSE(tasks.has_value());
  EXPECT_NE(tasks.error().message.find("TasksMax"), std::string::npos);
}

}  // namespace
}  // namespace keel::fleet
