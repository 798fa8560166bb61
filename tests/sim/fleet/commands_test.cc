#include "core/fleet/commands.h"

#include <gtest/gtest.h>

#include "sim/world.h"
#include "tests/sim/support/memory_store.h"

namespace keel::fleet {
namespace {

using sim::MemoryStore;
using sim::World;

constexpr std::string_view kWeb = "[Service]\nExecStart=/bin/web\n";

struct ClientProgram : sim::Program {
  ClientProgram(Env& env, MemoryStore& store) : client(env, store, {.client_id = env.self}) {}
  sim::MemoryStoreClient client;
};

class Commands : public ::testing::Test {
 protected:
  MemoryStore store;  // outlives the world's programs
  World world{7};
  NodeId user = world.add_host(
      "user", [this](Env& env) { return std::make_unique<ClientProgram>(env, store); });

  client::StoreClient& client() {
    return static_cast<ClientProgram*>(world.host(user).program())->client;
  }

  // Runs a verb and the world until its answer arrives (a bounded number of events).
  Status run(const std::function<void(client::StoreClient&, CommandDone)>& verb) {
    std::optional<Status> outcome;
    verb(client(), [&](Status status) { outcome = std::move(status); });
    for (int i = 0; i < 1000 && !outcome; ++i) world.step();
    if (!outcome) return fail(Errc::kTimeout, "the verb did not answer within 1000 events");
    return *outcome;
  }
  Status submit(std::string_view unit, std::string_view text) {
    return run([&](auto& c, CommandDone done) { submit_unit(c, unit, text, std::move(done)); });
  }

  std::optional<std::string> value(const std::string& key) {
    auto response = store.apply(kv::RangeRequest{.key = kv::to_bytes(key), .range_end = {}});
    const auto& kvs = std::get<kv::RangeResponse>(response->result).kvs;
    if (kvs.empty()) return std::nullopt;
    return kv::to_string(kvs.front().value);
  }
  std::vector<kv::KeyValue> fleet_keys() {
    auto response = store.apply(kv::RangeRequest{
        .key = kv::to_bytes("/fleet/"), .range_end = kv::prefix_end(kv::to_bytes("/fleet/"))});
    return std::get<kv::RangeResponse>(response->result).kvs;
  }
  void put(const std::string& key, const std::string& value) {
    ASSERT_TRUE(store.apply(kv::PutRequest{.key = kv::to_bytes(key), .value = kv::to_bytes(value)})
                    .has_value());
  }
};

void expect_error(const Status& status, Errc code, std::string_view mentions) {
  ASSERT_FALSE(status.has_value());
  EXPECT_EQ(status.error().code, code) << status.error().message;
  EXPECT_NE(status.error().message.find(mentions), std::string::npos) << status.error().message;
}

TEST_F(Commands, SubmitStoresTheTextInactiveAndAcceptsTheSameTextAgain) {
  ASSERT_TRUE(submit("web.service", kWeb).has_value());
  EXPECT_EQ(value(unit_key("web.service")), std::string(kWeb));
  EXPECT_EQ(value(desired_key("web.service")), "inactive");
  ASSERT_TRUE(run([](auto& c, CommandDone d) { start_unit(c, "web.service", std::move(d)); }));
  ASSERT_TRUE(submit("web.service", kWeb).has_value());
  EXPECT_EQ(value(desired_key("web.service")), "launched");  // unchanged by the re-submit
}

TEST_F(Commands, SubmitRefusesDifferentContentNamingTheUnit) {
  ASSERT_TRUE(submit("web.service", kWeb).has_value());
  expect_error(submit("web.service", "[Service]\nExecStart=/bin/other\n"), Errc::kAlreadyExists,
               "web.service");
  EXPECT_EQ(value(unit_key("web.service")), std::string(kWeb));
}

TEST_F(Commands, SubmitRefusesBadNamesBadFilesAndTemplatesWritingNothing) {
  expect_error(submit("web", kWeb), Errc::kInvalidArgument, "web");
  expect_error(submit("web@.service", kWeb), Errc::kInvalidArgument, "template");
  expect_error(submit("web.service", "[Service]\nExecStart=/bin/web\n[X-Fleet]\nBogus=1\n"),
               Errc::kInvalidArgument, "line 4");
  EXPECT_TRUE(fleet_keys().empty());
  ASSERT_TRUE(submit("web@1.service", "[Service]\nExecStart=/bin/web %i\n").has_value());
}

TEST_F(Commands, VerbsSetTheDesiredState) {
  ASSERT_TRUE(submit("web.service", kWeb).has_value());
  const std::vector<
      std::pair<void (*)(client::StoreClient&, std::string_view, CommandDone), std::string>>
      verbs = {{load_unit, "loaded"},
               {start_unit, "launched"},
               {stop_unit, "loaded"},
               {unload_unit, "inactive"}};
  for (const auto& [verb, desired] : verbs) {
    ASSERT_TRUE(run([&](auto& c, CommandDone d) { verb(c, "web.service", std::move(d)); }));
    EXPECT_EQ(value(desired_key("web.service")), desired);
  }
}

TEST_F(Commands, VerbsOnAUnitNeverSubmittedFailNamingItAndWriteNothing) {
  for (auto verb : {load_unit, start_unit, stop_unit, unload_unit, destroy_unit}) {
    expect_error(run([&](auto& c, CommandDone d) { verb(c, "ghost.service", std::move(d)); }),
                 Errc::kNotFound, "ghost.service");
  }
  expect_error(run([](auto& c, CommandDone d) { start_unit(c, "bad name", std::move(d)); }),
               Errc::kInvalidArgument, "bad name");
  EXPECT_TRUE(fleet_keys().empty());
}

TEST_F(Commands, DestroyDeletesTheUnitSoItCanBeSubmittedAgainWithOtherContent) {
  ASSERT_TRUE(submit("web.service", kWeb).has_value());
  ASSERT_TRUE(run([](auto& c, CommandDone d) { destroy_unit(c, "web.service", std::move(d)); }));
  EXPECT_TRUE(fleet_keys().empty());
  expect_error(run([](auto& c, CommandDone d) { start_unit(c, "web.service", std::move(d)); }),
               Errc::kNotFound, "web.service");
  ASSERT_TRUE(submit("web.service", "[Service]\nExecStart=/bin/other\n").has_value());
}

TEST_F(Commands, ListUnitsJoinsDesiredAssignmentsStatesAndReasons) {
  ASSERT_TRUE(submit("web.service", kWeb).has_value());
  ASSERT_TRUE(submit("db.service", kWeb).has_value());
  ASSERT_TRUE(run([](auto& c, CommandDone d) { start_unit(c, "web.service", std::move(d)); }));
  put(assign_key("m1", "web.service"), encode(Assignment{DesiredState::kLaunched, "x"}));
  put(state_key("m1", "web.service"), encode(UnitState{ActiveState::kActive, 0, 0, ""}));
  put(state_key("m2", "old.service"), encode(UnitState{ActiveState::kFailed, 3, 1, "crashed"}));
  put(unplaced_key("db.service"), encode_unplaced("no machine fits (of 2)"));
  put(state_key("m3", "db.service"), "garbage");
  put(machine_key("m1"), encode(MachineRecord{"m1", "10.0.0.1", {}, {}}));

  const std::vector<UnitListing> rows = list_units(fleet_keys());
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].unit, "db.service");
  EXPECT_EQ(rows[0].desired, DesiredState::kInactive);
  EXPECT_EQ(rows[0].unplaced, "no machine fits (of 2)");
  ASSERT_EQ(rows[0].problems.size(), 1u);
  EXPECT_NE(rows[0].problems[0].find("/fleet/state/m3/db.service"), std::string::npos);
  EXPECT_EQ(rows[1].unit, "old.service");
  EXPECT_FALSE(rows[1].submitted);
  ASSERT_EQ(rows[1].machines.size(), 1u);
  EXPECT_EQ(rows[1].machines[0].reported->exit_code, 3);
  const UnitListing web{
      "web.service",
      true,
      DesiredState::kLaunched,
      {{"m1", DesiredState::kLaunched, UnitState{ActiveState::kActive, 0, 0, ""}}},
      "",
      {},
      std::string(kWeb)};
  EXPECT_EQ(rows[2], web);

  const std::string table = format_unit_list(rows);
  EXPECT_NE(table.find("UNIT"), std::string::npos);
  EXPECT_NE(table.find("failed (exit 3) restarts=1"), std::string::npos);
  EXPECT_NE(table.find("crashed; not submitted"), std::string::npos);  // the machine's reason
  EXPECT_NE(table.find("not submitted"), std::string::npos);
  EXPECT_NE(table.find("unplaced: no machine fits"), std::string::npos);
  EXPECT_EQ(std::count(table.begin(), table.end(), '\n'), 4);  // header + one line per row
}

}  // namespace
}  // namespace keel::fleet
