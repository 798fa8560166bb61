#include "core/node/member_attributes.h"

#include <gtest/gtest.h>

#include "sim/world.h"
#include "tests/sim/support/memory_store.h"

namespace keel::node {
namespace {

struct Publisher : sim::Program {
  Publisher(Env& env, sim::MemoryStore& store)
      : client(env, store, {.client_id = 7, .timeout = std::chrono::milliseconds(200)}),
        publisher(env, client, "n2", "http://10.0.0.2:2379", std::chrono::milliseconds(300)) {}
  sim::MemoryStoreClient client;
  MemberAttributesPublisher publisher;
};

TEST(MemberAttributes, APublisherRetriesUntilTheStoreTakesItsUrl) {
  sim::MemoryStore store;
  sim::World world(1);
  store.cut(1);  // the first machine: unreachable at first
  const NodeId id =
      world.add_host("n2", [&store](Env& env) { return std::make_unique<Publisher>(env, store); });
  ASSERT_EQ(id, 1u);
  world.run_for(std::chrono::seconds(2));
  auto& program = *static_cast<Publisher*>(world.host(id).program());
  EXPECT_FALSE(program.publisher.published());
  EXPECT_EQ(published_client_url(store.store(), "n2"), std::nullopt);
  store.heal(id);
  world.run_for(std::chrono::seconds(1));
  EXPECT_TRUE(program.publisher.published());
  EXPECT_EQ(published_client_url(store.store(), "n2"), "http://10.0.0.2:2379");
  EXPECT_EQ(published_client_url(store.store(), "n3"), std::nullopt);
}

}  // namespace
}  // namespace keel::node
