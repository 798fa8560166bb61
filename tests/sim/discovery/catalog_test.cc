// The catalog over a MemoryStore in the simulator: its copy follows /services/, it skips what
// does not decode, answers linearizable lookups from the store, follows a re-read after
// compaction, and sees an agent's announcements come and go.
#include "core/discovery/catalog.h"

#include <gtest/gtest.h>

#include "tests/sim/fleet/agent_harness.h"

namespace keel::sim {
namespace {

using fleet::ServiceRecord;
using std::chrono::milliseconds;
using std::chrono::seconds;

struct CatalogProgram : Program {
  CatalogProgram(Env& env, MemoryStore& store)
      : client(env, store, {.client_id = env.self}),
        catalog(env, client, [this](const std::string& service) { changes.push_back(service); }) {}
  MemoryStoreClient client;
  std::vector<std::string> changes;
  discovery::Catalog catalog;
};

CatalogProgram& catalog_of(World& world, NodeId id) {
  return *static_cast<CatalogProgram*>(world.host(id).program());
}

NodeId add_catalog(World& world, MemoryStore& store, const std::string& name) {
  return world.add_host(
      name, [&store](Env& env) { return std::make_unique<CatalogProgram>(env, store); });
}

ServiceRecord record(const std::string& service, const std::string& unit, std::uint16_t port) {
  return ServiceRecord{service, unit, "m1", "10.0.0.1", port};
}

void announce(MemoryStore& store, const ServiceRecord& r) {
  put(store, fleet::service_key(r.name, r.unit), fleet::encode(r));
}

TEST(Catalog, FollowsTheServicesAndTellsTheListenerWhichChanged) {
  MemoryStore store;
  announce(store, record("web", "web@2.service", 81));
  announce(store, record("web", "web@1.service", 80));
  announce(store, record("db", "db.service", 5432));
  World world(1);
  NodeId n = add_catalog(world, store, "n");
  CatalogProgram& p = catalog_of(world, n);
  ASSERT_TRUE(run_until(
      world, [&] { return p.catalog.synced(); }, seconds(1)));
  EXPECT_EQ(p.catalog.lookup("web"),
            (std::vector{record("web", "web@1.service", 80), record("web", "web@2.service", 81)}));
  EXPECT_EQ(p.catalog.services(), (std::vector<std::string>{"db", "web"}));
  EXPECT_TRUE(p.catalog.lookup("mail").empty());

  p.changes.clear();
  announce(store, record("web", "web@1.service", 90));
  remove(store, fleet::service_key("db", "db.service"));
  ASSERT_TRUE(run_until(
      world, [&] { return p.changes.size() == 2; }, seconds(1)));
  EXPECT_EQ(p.changes, (std::vector<std::string>{"web", "db"}));
  EXPECT_EQ(p.catalog.lookup("web").front().port, 90);
  EXPECT_TRUE(p.catalog.lookup("db").empty());
  EXPECT_EQ(p.catalog.services(), (std::vector<std::string>{"web"}));
}

TEST(Catalog, SkipsRecordsThatDoNotDecodeOrDisagreeWithTheirKey) {
  MemoryStore store;
  World world(2);
  NodeId n = add_catalog(world, store, "n");
  CatalogProgram& p = catalog_of(world, n);
  ASSERT_TRUE(run_until(
      world, [&] { return p.catalog.synced(); }, seconds(1)));
  put(store, "/services/web/a.service", "not a record");
  put(store, "/services/web/b.service", fleet::encode(record("web", "other.service", 80)));
  put(store, "/services/web", fleet::encode(record("web", "c.service", 80)));
  put(store, "/services/web/d.service", fleet::encode(record("web", "d.service", 80)));
  ASSERT_TRUE(run_until(
      world, [&] { return p.catalog.undecodable() == 3; }, seconds(1)));
  EXPECT_EQ(p.catalog.lookup("web"), (std::vector{record("web", "d.service", 80)}));
  // A good record overwritten with garbage disappears.
  put(store, "/services/web/d.service", "garbage");
  ASSERT_TRUE(run_until(
      world, [&] { return p.catalog.lookup("web").empty(); }, seconds(1)));
  EXPECT_EQ(p.catalog.undecodable(), 4u);
}

TEST(Catalog, ALinearizableLookupReadsTheStoreItself) {
  MemoryStore store;
  World world(3);
  NodeId n = add_catalog(world, store, "n");
  CatalogProgram& p = catalog_of(world, n);
  ASSERT_TRUE(run_until(
      world, [&] { return p.catalog.synced(); }, seconds(1)));
  store.cut(n);  // the watch stalls, so the local copy is stale
  announce(store, record("web", "web.service", 80));
  store.heal(n);
  std::optional<Result<std::vector<ServiceRecord>>> answer;
  p.catalog.lookup_linearizable("web", [&](auto result) { answer = std::move(result); });
  EXPECT_TRUE(p.catalog.lookup("web").empty());
  ASSERT_TRUE(run_until(
      world, [&] { return answer.has_value(); }, seconds(1)));
  ASSERT_TRUE(answer->has_value());
  EXPECT_EQ(**answer, (std::vector{record("web", "web.service", 80)}));

  answer.reset();
  p.catalog.lookup_linearizable("a/b", [&](auto result) { answer = std::move(result); });
  ASSERT_TRUE(answer.has_value());
  EXPECT_EQ(answer->error().code, Errc::kInvalidArgument);

  answer.reset();
  store.cut(n);
  p.catalog.lookup_linearizable("web", [&](auto result) { answer = std::move(result); });
  ASSERT_TRUE(run_until(
      world, [&] { return answer.has_value(); }, seconds(6)));
  EXPECT_EQ(answer->error().code, Errc::kTimeout);
}

TEST(Catalog, MatchesTheStoreAfterAReReadForCompaction) {
  MemoryStore store;
  announce(store, record("web", "a.service", 80));
  World world(4);
  int compactions_seen = 0;
  world.trace().add_observer([&](Time, const TraceEvent& event) {
    if (event.component == "mirror" && event.name == "compacted") ++compactions_seen;
  });
  NodeId n = add_catalog(world, store, "n");
  CatalogProgram& p = catalog_of(world, n);
  ASSERT_TRUE(run_until(
      world, [&] { return p.catalog.lookup("web").size() == 1; }, seconds(1)));
  // Cut off, the catalog's watcher piles up more events than the hub holds and is canceled as
  // slow; after the compaction, reopening it is refused, so the mirror reads everything again.
  store.cut(n);
  const int writes = static_cast<int>(kv::WatchLimits{}.max_pending_events) + 10;
  for (int i = 0; i < writes; ++i) announce(store, record("db", "db.service", 5432));
  remove(store, fleet::service_key("db", "db.service"));
  remove(store, fleet::service_key("web", "a.service"));
  announce(store, record("web", "b.service", 81));
  ASSERT_TRUE(store.apply(kv::CompactRequest{store.store().revision()}).has_value());
  store.heal(n);
  p.changes.clear();
  ASSERT_TRUE(run_until(
      world, [&] { return p.catalog.lookup("web") == std::vector{record("web", "b.service", 81)}; },
      seconds(3)));
  EXPECT_EQ(compactions_seen, 1) << "the watch was not canceled for compaction: no re-read";
  EXPECT_EQ(p.changes, (std::vector<std::string>{"web", "web"}));  // only a removed, b added
}

TEST(Catalog, SeesAnAgentAnnounceAndWithdrawAService) {
  MemoryStore store;
  World world(5);
  NodeId m1 = add_agent(world, store, "m1");
  NodeId n = add_catalog(world, store, "n");
  CatalogProgram& p = catalog_of(world, n);
  assign(store, "m1", "web.service",
         "[Service]\nExecStart=/bin/web\n[X-Service]\nName=web\nPort=8080\nCheck=none\n");
  ASSERT_TRUE(run_until(
      world, [&] { return p.catalog.lookup("web").size() == 1; }, seconds(2)));
  EXPECT_EQ(p.catalog.lookup("web").front(),
            (ServiceRecord{"web", "web.service", "m1", "10.0.0.1", 8080}));
  // The machine's lease expires: its announcements go with it, the catalog follows.
  store.revoke(agent_of(world, m1).agent.lease());
  world.run_for(milliseconds(1));
  EXPECT_TRUE(run_until(
      world, [&] { return p.catalog.lookup("web").empty(); }, milliseconds(100)));
  // The agent registers again, restarts the unit and announces it anew.
  EXPECT_TRUE(run_until(
      world, [&] { return p.catalog.lookup("web").size() == 1; }, seconds(4)));
  remove(store, fleet::assign_key("m1", "web.service"));
  // Withdrawn first, then stopped (TimeoutStopSec= grace; the simulator's process ends at once).
  EXPECT_TRUE(run_until(
      world, [&] { return p.catalog.lookup("web").empty(); }, seconds(1)));
  EXPECT_TRUE(run_until(
      world, [&] { return running(world, m1, "web.service") == 0; }, seconds(1)));
}

}  // namespace
}  // namespace keel::sim
