// Unit files: fleet's and systemd's examples are accepted; bad input is refused with its line.
#include "core/fleet/unit_file.h"

#include <gtest/gtest.h>

#include <string>

#include "core/fleet/limits.h"

namespace keel::fleet {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

UnitFile parse_ok(std::string_view name, std::string_view text) {
  auto unit = parse_unit_file(name, text);
  EXPECT_TRUE(unit) << unit.error().message;
  return unit ? *unit : UnitFile{};
}

// The error message of a unit file that must be refused.
std::string refused(std::string_view text, std::string_view name = "app.service") {
  auto unit = parse_unit_file(name, text);
  EXPECT_FALSE(unit) << "accepted:\n" << text;
  return unit ? std::string() : unit.error().message;
}

#define EXPECT_HAS(haystack, needle) \
  EXPECT_NE(std::string(haystack).find(needle), std::string::npos) << (haystack)

// fleet's hello.service example (Documentation/examples), with systemd keys Keel ignores.
TEST(UnitFile, AcceptsFleetHelloExample) {
  const UnitFile unit = parse_ok("hello.service", R"([Unit]
Description=Hello World
After=docker.service
Requires=docker.service

[Service]
TimeoutStartSec=0
ExecStartPre=-/usr/bin/docker kill busybox1
ExecStart=/usr/bin/docker run --name busybox1 busybox /bin/sh -c "trap 'exit 0' INT TERM; while true; do echo Hello World; sleep 1; done"
ExecStop=/usr/bin/docker stop busybox1

[X-Fleet]
X-Conflicts=hello*.service
)");
  EXPECT_EQ(unit.description, "Hello World");
  EXPECT_HAS(unit.service.exec_start, "while true; do echo Hello World");
  EXPECT_EQ(unit.service.exec_stop, std::vector<std::string>{"/usr/bin/docker stop busybox1"});
  ASSERT_EQ(unit.fleet.conflicts.size(), 1u);
  EXPECT_TRUE(unit.fleet.conflicts[0].matches("hello2.service"));
  ASSERT_EQ(unit.ignored.size(), 4u);
  EXPECT_EQ(unit.ignored[0].key, "After");
  EXPECT_EQ(unit.ignored[0].line, 3);
}

// A systemd-style service with every [Service] setting Keel types, continuation and comments.
TEST(UnitFile, TypesEveryServiceSetting) {
  const UnitFile unit = parse_ok("api.service", R"(# an API server
; another comment style
[Unit]
Description=API for %n

[Service]
ExecStart=/bin/api --listen :8080 \
  # a comment inside a continuation is skipped
  --name %p
ExecStop=/bin/kill -TERM $MAINPID
Environment=MODE=prod "GREETING=hello world"
Environment=LEVEL=2
WorkingDirectory=/srv/api
Restart=on-failure
RestartSec=1min 30s
TimeoutStopSec=500ms
MemoryMax=512M
CPUQuota=150%
TasksMax=64

[X-Container]
Image=registry.local/api:1.2

[Install]
WantedBy=multi-user.target
)");
  EXPECT_EQ(unit.description, "API for api.service");
  EXPECT_EQ(unit.service.exec_start, "/bin/api --listen :8080    --name api");
  EXPECT_EQ(unit.service.environment,
            (std::vector<EnvironmentVariable>{
                {"MODE", "prod"}, {"GREETING", "hello world"}, {"LEVEL", "2"}}));
  EXPECT_EQ(unit.service.working_directory, "/srv/api");
  EXPECT_EQ(unit.service.restart, RestartPolicy::kOnFailure);
  EXPECT_EQ(unit.service.restart_sec, seconds(90));
  EXPECT_EQ(unit.service.timeout_stop_sec, milliseconds(500));
  EXPECT_EQ(unit.service.memory_max, 512ull << 20);
  EXPECT_EQ(unit.service.cpu_quota_percent, 150u);
  EXPECT_EQ(unit.service.tasks_max, 64u);
  EXPECT_EQ(unit.container.image, "registry.local/api:1.2");
  ASSERT_EQ(unit.ignored.size(), 1u);
  EXPECT_EQ(unit.ignored[0].section, "Install");
}

TEST(UnitFile, DefaultsAreSystemds) {
  const UnitFile unit = parse_ok("a.service", "[Service]\nExecStart=/bin/true\n");
  EXPECT_EQ(unit.service.restart, RestartPolicy::kNo);
  EXPECT_EQ(unit.service.restart_sec, milliseconds(100));
  EXPECT_EQ(unit.service.timeout_stop_sec, seconds(90));
  EXPECT_FALSE(unit.service.memory_max);
  EXPECT_FALSE(unit.announce);
}

TEST(UnitFile, TemplateInstancesResolveSpecifiers) {
  constexpr std::string_view kTemplate = R"([Unit]
Description=web %i
[Service]
ExecStart=/bin/web --id %i --unit %n --stem %N --prefix %p --percent 100%%
[X-Fleet]
Conflicts=%p@*.service
MachineOf=db@%i.service
)";
  const UnitFile templ = parse_ok("web@.service", kTemplate);
  EXPECT_TRUE(templ.name.is_template);
  auto name = instantiate("web@.service", "7");
  ASSERT_TRUE(name);
  const UnitFile unit = parse_ok(*name, kTemplate);
  EXPECT_EQ(unit.name.full, "web@7.service");
  EXPECT_EQ(unit.description, "web 7");
  EXPECT_EQ(unit.service.exec_start,
            "/bin/web --id 7 --unit web@7.service --stem web@7 --prefix web --percent 100%");
  EXPECT_EQ(unit.fleet.machine_of, std::vector<std::string>{"db@7.service"});
  EXPECT_TRUE(unit.fleet.conflicts[0].matches("web@8.service"));
  EXPECT_EQ(template_of(unit.name), "web@.service");
}

TEST(UnitFile, MetadataRepeatedKeyIsOrDifferentKeysAnd) {
  const UnitFile unit = parse_ok("a.service", R"([Service]
ExecStart=/bin/a
[X-Fleet]
MachineMetadata=region=us-east
MachineMetadata="region=us-west" disk=ssd
Global=true
)");
  EXPECT_TRUE(unit.fleet.global);
  EXPECT_EQ(unit.fleet.machine_metadata.at("region"),
            (std::vector<std::string>{"us-east", "us-west"}));
  EXPECT_EQ(unit.fleet.machine_metadata.at("disk"), std::vector<std::string>{"ssd"});
}

TEST(UnitFile, EmptyAssignmentResetsAList) {
  const UnitFile unit = parse_ok("a.service", R"([Service]
ExecStart=/bin/one
ExecStart=
ExecStart=/bin/two
Environment=A=1
Environment=
Environment=B=2
)");
  EXPECT_EQ(unit.service.exec_start, "/bin/two");
  EXPECT_EQ(unit.service.environment, (std::vector<EnvironmentVariable>{{"B", "2"}}));
}

TEST(UnitFile, ReadsAnnouncement) {
  const UnitFile unit = parse_ok("db.service", R"([Service]
ExecStart=/bin/db
[X-Service]
Name=db
Port=5432
Check=http:/health
Interval=5s
TTL=20s
)");
  ASSERT_TRUE(unit.announce);
  EXPECT_EQ(unit.announce->name, "db");
  EXPECT_EQ(unit.announce->port, 5432);
  EXPECT_EQ(unit.announce->check, CheckKind::kHttp);
  EXPECT_EQ(unit.announce->check_argument, "/health");
  EXPECT_EQ(unit.announce->interval, seconds(5));
  EXPECT_EQ(unit.announce->ttl, seconds(20));
  auto exec = parse_unit_file("db.service",
                              "[Service]\nExecStart=/bin/db\n[X-Service]\nName=db\nPort=1\n"
                              "Check=exec:/bin/probe --fast\n");
  ASSERT_TRUE(exec) << exec.error().message;
  EXPECT_EQ(exec->announce->check, CheckKind::kExec);
  EXPECT_EQ(exec->announce->check_argument, "/bin/probe --fast");
}

TEST(UnitFile, SyntaxErrorsNameTheLineAndColumn) {
  EXPECT_HAS(refused("[Service]\nExecStart=/bin/a\nthis is not an assignment\n"),
             "line 3, column 1: expected Key=Value");
  EXPECT_HAS(refused("ExecStart=/bin/a\n"), "line 1, column 1: assignment before any [Section]");
  EXPECT_HAS(refused("[Service\nExecStart=/bin/a\n"), "line 1: section header is not closed");
  EXPECT_HAS(refused("[Service]\n  Exec$tart=/bin/a\n"), "line 2, column 7: invalid character '$'");
  EXPECT_HAS(refused("[Service]\n=x\n"), "line 2, column 1: empty key");
  EXPECT_HAS(refused("[Service]\nExecStart=/bin/a \\\n"), "line 2: '\\' continues past the end");
  EXPECT_HAS(refused("[Service]\nExecStart=/bin/a %x\n"),
             "line 2, column 11: ExecStart=: position 8: unknown specifier '%x'");
  EXPECT_HAS(refused("[Service]\nExecStart=/bin/a\n[Timer]\nOnBootSec=1\n"),
             "line 3: unknown section [Timer]");
  EXPECT_HAS(refused(std::string("[Service]\nExecStart=/bin/a\0\n", 28)), "line 2: NUL byte");
}

TEST(UnitFile, BadValuesNameTheLineKeyAndExpectation) {
  const std::string head = "[Service]\nExecStart=/bin/a\n";
  EXPECT_HAS(refused(head + "Restart=sometimes\n"),
             "line 3, column 9: Restart=: 'sometimes' is not one of no, on-failure, always");
  EXPECT_HAS(refused(head + "RestartSec=5 parsecs\n"), "unknown unit 'parsecs'");
  EXPECT_HAS(refused(head + "RestartSec=-1\n"), "expected a whole number");
  EXPECT_HAS(refused(head + "MemoryMax=12Q\n"),
             "line 3, column 11: MemoryMax=: '12Q' is not a size");
  EXPECT_HAS(refused(head + "MemoryMax=50%\n"), "percentage of physical memory");
  EXPECT_HAS(refused(head + "MemoryMax=99999999999T\n"), "too large");
  EXPECT_HAS(refused(head + "CPUQuota=150\n"), "'150' is not a CPU quota");
  EXPECT_HAS(refused(head + "CPUQuota=0%\n"), "is not a CPU quota");
  EXPECT_HAS(refused(head + "TasksMax=lots\n"), "is not a count");
  EXPECT_HAS(refused(head + "Environment=1A=x\n"), "is not NAME=value");
  EXPECT_HAS(refused(head + "Environment=\"A=x\n"), "unterminated \" quote");
  EXPECT_HAS(refused(head + "WorkingDirectory=srv\n"), "is not an absolute path");
  EXPECT_HAS(refused(head + "ExecStart=/bin/b\n"),
             "line 3, column 11: ExecStart=: given again (first on line 2)");
  EXPECT_HAS(refused("[Unit]\nDescription=x\n"), "no [Service] section");
  EXPECT_HAS(refused("[Service]\nRestart=no\n"), "line 1: [Service] has no ExecStart=");
  EXPECT_HAS(refused(head + "[X-Container]\nImage=a\nRootDirectory=/r\n"), "not both");
  EXPECT_HAS(refused(head + "[X-Container]\nVolume=/a\n"), "unknown [X-Container] key");
}

TEST(UnitFile, BadFleetSettingsAreRefused) {
  const std::string head = "[Service]\nExecStart=/bin/a\n[X-Fleet]\n";
  EXPECT_HAS(refused(head + "Global=maybe\n"),
             "line 4, column 8: Global=: 'maybe' is not a boolean");
  EXPECT_HAS(refused(head + "MachineMetadata=region\n"), "'region' is not key=value");
  EXPECT_HAS(refused(head + "MachineMetadata=region=\n"), "is not key=value");
  EXPECT_HAS(refused(head + "Conflicts=web[.service\n"), "character class at position 4");
  EXPECT_HAS(refused(head + "MachineOf=db@.service\n"), "is a template");
  EXPECT_HAS(refused(head + "MachineOf=db.socket\n"), "not supported");
  EXPECT_HAS(refused(head + "Priority=1\n"), "unknown [X-Fleet] key");
  EXPECT_HAS(refused(head + "MachineID=m1\nMachineID=m2\n"),
             "line 5, column 11: MachineID=: given again");
}

// The combinations fleet's api.ValidateOptions refuses, and Keel's own.
TEST(UnitFile, ForbiddenFleetCombinationsAreRefusedWithAReason) {
  const std::string head = "[Service]\nExecStart=/bin/a\n[X-Fleet]\n";
  const auto expect = [&](std::string settings, std::string_view reason) {
    const std::string message = refused(head + settings);
    EXPECT_HAS(message, "line 3: [X-Fleet]: ");
    EXPECT_HAS(message, reason);
  };
  expect("MachineID=m1\nMachineOf=db.service\n", "MachineID cannot be used with MachineOf");
  expect("MachineID=m1\nConflicts=x*\n", "MachineID cannot be used with Conflicts");
  expect("MachineID=m1\nGlobal=yes\n", "MachineID cannot be used with Global");
  expect("Global=true\nMachineOf=db.service\n", "Global cannot be used with MachineOf");
  expect("Global=true\nConflicts=x*\n", "Global cannot be used with Conflicts");
  expect("Global=true\nReplaces=x*\n", "Global cannot be used with Replaces");
  expect("MachineOf=db.service\nConflicts=d*\n",
         "unresolvable: MachineOf peer 'db.service' matches Conflicts 'd*'");
  expect("MachineOf=db.service\nReplaces=db.*\n", "matches Replaces");
  expect("MachineOf=app.service\n", "MachineOf names the unit itself");
  expect("Replaces=app*\n", "Replaces matches the unit itself");
  // Allowed: metadata with Global, and Conflicts matching the unit's own name (fleet skips it).
  EXPECT_TRUE(parse_unit_file("app.service", head + "Global=1\nMachineMetadata=a=b\n"));
  EXPECT_TRUE(parse_unit_file("app.service", head + "Conflicts=app*\n"));
}

TEST(UnitFile, BadAnnouncementsAreRefused) {
  const std::string head = "[Service]\nExecStart=/bin/a\n[X-Service]\n";
  EXPECT_HAS(refused(head + "Port=80\n"), "line 3: [X-Service]: Name= is required");
  EXPECT_HAS(refused(head + "Name=web\n"), "Port= is required");
  EXPECT_HAS(refused(head + "Name=Web_1\nPort=80\n"), "is not a DNS label");
  EXPECT_HAS(refused(head + "Name=web\nPort=70000\n"), "is not a port");
  EXPECT_HAS(refused(head + "Name=web\nPort=80\nCheck=http:health\n"), "is not tcp, http:/PATH");
  EXPECT_HAS(refused(head + "Name=web\nPort=80\nInterval=30s\nTTL=30s\n"),
             "TTL= must be longer than Interval=");
}

TEST(UnitFile, NamesAreChecked) {
  EXPECT_HAS(refused("", ""), "unit name is empty");
  EXPECT_HAS(refused("", "app"), "has no type suffix");
  EXPECT_HAS(refused("", "app.timer"), "unit type 'timer' is not supported");
  EXPECT_HAS(refused("", "@x.service"), "must have a prefix");
  EXPECT_HAS(refused("", "a b.service"), "invalid character ' ' at position 2");
  EXPECT_HAS(refused("", std::string(kMaxUnitNameBytes, 'a') + ".service"), "kMaxUnitNameBytes");
  EXPECT_FALSE(instantiate("web.service", "1"));
  EXPECT_FALSE(instantiate("web@.service", "a/b"));
  EXPECT_FALSE(instantiate("web@.service", ""));
}

TEST(UnitFile, SizesAreBounded) {
  std::string big = "[Service]\nExecStart=/bin/a\n";
  while (big.size() <= kMaxUnitFileBytes) big += "# padding padding padding padding padding\n";
  auto unit = parse_unit_file("a.service", big);
  ASSERT_FALSE(unit);
  EXPECT_EQ(unit.error().code, Errc::kLimitExceeded);
  std::string many = "[Service]\nExecStart=/bin/a\n";
  for (std::size_t i = 0; i <= kMaxAssignments; ++i) many += "Environment=A=1\n";
  EXPECT_HAS(refused(many), "kMaxAssignments");
  EXPECT_HAS(refused("[Service]\nExecStart=" + std::string(kMaxLineBytes + 1, 'x') + "\n"),
             "line 2: value of 'ExecStart' exceeds kMaxLineBytes");
}

}  // namespace
}  // namespace keel::fleet
