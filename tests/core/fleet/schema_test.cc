#include "core/fleet/schema.h"

#include <gtest/gtest.h>

#include "core/fleet/record.h"

namespace keel::fleet {
namespace {

TEST(Record, EscapesNewlinesAndBackslashesAndRoundTrips) {
  Record record{{"unit", "[Service]\nExecStart=/bin/a \\\n  b\n"}, {"empty", ""}};
  std::string text = encode_record(record);
  EXPECT_EQ(text, "unit=[Service]\\nExecStart=/bin/a \\\\\\n  b\\n\nempty=\n");
  auto back = decode_record(text);
  ASSERT_TRUE(back.has_value()) << back.error().message;
  EXPECT_EQ(*back, record);
}

TEST(Record, RefusesMalformedLinesNamingThem) {
  auto no_equals = decode_record("a=1\nbroken\n");
  ASSERT_FALSE(no_equals.has_value());
  EXPECT_NE(no_equals.error().message.find("line 2"), std::string::npos);
  auto repeated = decode_record("a=1\na=2\n");
  ASSERT_FALSE(repeated.has_value());
  EXPECT_NE(repeated.error().message.find("repeated"), std::string::npos);
  auto escape = decode_record("a=x\\t\n");
  ASSERT_FALSE(escape.has_value());
  EXPECT_NE(escape.error().message.find("column 4"), std::string::npos);
}

TEST(Schema, KeysSplitBackIntoTheirParts) {
  EXPECT_EQ(assign_key("w1", "web@1.service"), "/fleet/assign/w1/web@1.service");
  EXPECT_EQ(key_pair(assign_key("w1", "a.service"), kAssignPrefix),
            std::pair(std::string("w1"), std::string("a.service")));
  EXPECT_EQ(key_suffix(machine_key("n2"), kMachinesPrefix), "n2");
  EXPECT_EQ(key_suffix("/fleet/machines/n2/x", kMachinesPrefix), std::nullopt);
  EXPECT_EQ(key_pair("/fleet/assign/w1", kAssignPrefix), std::nullopt);
  EXPECT_EQ(key_pair("/fleet/assign/w1/a/b", kAssignPrefix), std::nullopt);
  EXPECT_EQ(key_suffix("/other/n2", kMachinesPrefix), std::nullopt);
}

TEST(Schema, MachineIdsAreChecked) {
  EXPECT_TRUE(check_machine_id("node-1.example").has_value());
  EXPECT_FALSE(check_machine_id("").has_value());
  EXPECT_FALSE(check_machine_id("a/b").has_value());
  EXPECT_FALSE(check_machine_id(std::string(65, 'a')).has_value());
}

TEST(Schema, RecordsRoundTrip) {
  MachineRecord machine{"n1", "10.0.0.1", {{"region", "east"}, {"disk", "ssd"}}, {4u << 30, 200}};
  EXPECT_EQ(decode_machine(encode(machine)), machine);
  EXPECT_EQ(encode(machine).find("client_url"), std::string::npos);  // a member's: as before
  MachineRecord worker{"w1", "10.0.0.9", {}, {}, "http://10.0.0.9:2379"};
  EXPECT_EQ(decode_machine(encode(worker)), worker);
  Assignment assignment{DesiredState::kLoaded, "[Service]\nExecStart=/bin/x\n"};
  EXPECT_EQ(decode_assignment(encode(assignment)), assignment);
  UnitState state{ActiveState::kFailed, 137, 3, "killed"};
  EXPECT_EQ(decode_unit_state(encode(state)), state);
  ServiceRecord service{"web", "web@1.service", "w2", "10.0.0.7", 8080};
  EXPECT_EQ(decode_service(encode(service)), service);
  EngineClaim claim{42, "n3"};
  EXPECT_EQ(decode_engine_claim(encode(claim)), claim);
  EXPECT_EQ(decode_unplaced(encode_unplaced("no machine fits (of 3)\nsecond line")),
            "no machine fits (of 3)\nsecond line");
}

TEST(Schema, EngineClaimsSortByTermAsBytes) {
  EXPECT_LT(encode(EngineClaim{9, "n9"}), encode(EngineClaim{10, "n1"}));
  EXPECT_LT(encode(EngineClaim{99, "zz"}), encode(EngineClaim{100, "a"}));
}

TEST(Schema, BadRecordsAreRefusedNamingTheField) {
  auto port = decode_service("name=web\nunit=u.service\nmachine=m\nip=1\nport=70000\n");
  ASSERT_FALSE(port.has_value());
  EXPECT_NE(port.error().message.find("port"), std::string::npos);
  auto missing = decode_machine("id=n1\nip=1\nmemory=1\n");
  ASSERT_FALSE(missing.has_value());
  EXPECT_NE(missing.error().message.find("cpu"), std::string::npos);
  auto inactive = decode_assignment("desired=inactive\nunit=x\n");
  EXPECT_FALSE(inactive.has_value());
  auto reasonless = decode_unplaced("why=x\n");
  ASSERT_FALSE(reasonless.has_value());
  EXPECT_NE(reasonless.error().message.find("reason"), std::string::npos);
  auto state = decode_unit_state("state=running\nexit=0\nrestarts=0\nreason=\n");
  ASSERT_FALSE(state.has_value());
  EXPECT_NE(state.error().message.find("running"), std::string::npos);
}

}  // namespace
}  // namespace keel::fleet
