// Mirror over a MemoryStore in the simulator: the first copy, changes and deletes, a re-read
// after compaction, retries after failed reads, and destruction with callbacks pending.
#include "core/client/mirror.h"

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/kv/limits.h"
#include "sim/world.h"
#include "tests/sim/support/memory_store.h"

namespace keel::client {
namespace {

using sim::MemoryStore;
using sim::MemoryStoreClient;
using sim::World;

struct Change {
  std::string key;
  std::optional<std::string> previous;  // values only
  std::optional<std::string> current;
  bool operator==(const Change&) const = default;
};

std::optional<std::string> value_of(const std::optional<kv::KeyValue>& kv) {
  if (!kv) return std::nullopt;
  return kv::to_string(kv->value);
}

// A machine whose program holds a store client and, when the test makes one, a mirror of "a/".
// The listener records what it is told and checks that the mirror's map already holds it.
struct MirrorProgram : sim::Program {
  MirrorProgram(Env& e, MemoryStore& store) : env(e), client(e, store, {.client_id = e.self}) {}

  void start(Duration retry = std::chrono::seconds(1)) {
    MirrorListener listener;
    listener.on_change = [this](const std::string& key, const std::optional<kv::KeyValue>& previous,
                                const std::optional<kv::KeyValue>& current) {
      changes.push_back({key, value_of(previous), value_of(current)});
      auto it = mirror->entries().find(key);
      if (current) {
        EXPECT_TRUE(it != mirror->entries().end() && it->second == *current) << key;
      } else {
        EXPECT_TRUE(it == mirror->entries().end()) << key;
      }
      if (current) {
        replayed[key] = *current;
      } else {
        replayed.erase(key);
      }
    };
    listener.on_synced = [this] { ++synced_calls; };
    mirror = std::make_unique<Mirror>(env, client, "a/", std::move(listener), retry);
  }

  Env& env;
  MemoryStoreClient client;
  std::unique_ptr<Mirror> mirror;
  std::vector<Change> changes;
  std::map<std::string, kv::KeyValue> replayed;  // the listener's changes applied in order
  int synced_calls = 0;
};

struct MirrorTest : ::testing::Test {
  MirrorTest() {
    machine = world.add_host(
        "m", [this](Env& env) { return std::make_unique<MirrorProgram>(env, store); });
  }

  MirrorProgram& program() { return *static_cast<MirrorProgram*>(world.host(machine).program()); }
  const Mirror& mirror() { return *program().mirror; }

  void put(std::string key, std::string value) {
    ASSERT_TRUE(store.apply(kv::PutRequest{kv::to_bytes(key), kv::to_bytes(value)}).has_value());
  }
  void remove(std::string key) {
    ASSERT_TRUE(store.apply(kv::DeleteRangeRequest{kv::to_bytes(key), {}, false}).has_value());
  }

  // The store's keys under "a/" now, as the mirror should hold them.
  std::map<std::string, kv::KeyValue> store_copy() {
    auto range = store.store().range(
        kv::RangeRequest{kv::to_bytes("a/"), kv::prefix_end(kv::to_bytes("a/")), 0});
    EXPECT_TRUE(range.has_value());
    std::map<std::string, kv::KeyValue> copy;
    for (const auto& kv : range->kvs) copy[kv::to_string(kv.key)] = kv;
    return copy;
  }
  std::map<std::string, kv::KeyValue> mirror_copy() {
    return {mirror().entries().begin(), mirror().entries().end()};
  }

  MemoryStore store;  // before the world: the programs' clients die first
  World world{7};
  NodeId machine = kNoNode;
};

TEST_F(MirrorTest, FirstCopyHoldsThePrefixAndTellsEachKey) {
  put("a/1", "one");
  put("a/2", "two");
  put("b/1", "outside");
  program().start();
  EXPECT_FALSE(mirror().synced());
  EXPECT_EQ(mirror().revision(), 0);
  world.run_for(std::chrono::milliseconds(10));
  ASSERT_TRUE(mirror().synced());
  EXPECT_EQ(program().synced_calls, 1);
  EXPECT_EQ(mirror().revision(), store.store().revision());
  EXPECT_EQ(mirror_copy(), store_copy());
  EXPECT_EQ(program().changes,
            (std::vector<Change>{{"a/1", std::nullopt, "one"}, {"a/2", std::nullopt, "two"}}));
}

TEST_F(MirrorTest, FollowsPutsUpdatesDeletesAndTransactions) {
  put("a/1", "one");
  program().start();
  world.run_for(std::chrono::milliseconds(10));
  ASSERT_TRUE(mirror().synced());
  program().changes.clear();

  put("a/2", "two");
  put("a/1", "uno");
  remove("a/2");
  put("b/1", "outside");
  kv::TxnRequest txn;  // two keys at one revision
  txn.success = {kv::PutRequest{kv::to_bytes("a/3"), kv::to_bytes("three")},
                 kv::PutRequest{kv::to_bytes("a/4"), kv::to_bytes("four")}};
  ASSERT_TRUE(store.apply(txn).has_value());
  world.run_for(std::chrono::milliseconds(10));

  EXPECT_EQ(program().changes, (std::vector<Change>{{"a/2", std::nullopt, "two"},
                                                    {"a/1", "one", "uno"},
                                                    {"a/2", "two", std::nullopt},
                                                    {"a/3", std::nullopt, "three"},
                                                    {"a/4", std::nullopt, "four"}}));
  EXPECT_EQ(mirror_copy(), store_copy());
  EXPECT_EQ(mirror().revision(), store.store().revision());
  EXPECT_EQ(program().synced_calls, 1);
}

// While the machine is cut off, its synced watcher piles up more events than the hub holds
// (max_pending_events) and is canceled as slow; the store compacts meanwhile, so reopening the
// watch from the mirror's revision is refused with the compaction revision: the mirror reads
// everything again and tells only the differences.
TEST_F(MirrorTest, ReReadsAfterACompactionAndTellsOnlyTheDifferences) {
  put("a/keep", "same");
  put("a/gone", "soon");
  put("a/hot", "0");
  program().start();
  world.run_for(std::chrono::milliseconds(10));
  ASSERT_TRUE(mirror().synced());
  const auto before = mirror_copy();
  program().changes.clear();

  store.cut(machine);
  const int kWrites = static_cast<int>(kv::WatchLimits{}.max_pending_events) + 10;
  for (int i = 1; i <= kWrites; ++i) put("a/hot", std::to_string(i));
  remove("a/gone");
  put("a/new", "fresh");
  ASSERT_TRUE(store.apply(kv::CompactRequest{store.store().revision()}).has_value());
  world.run_for(std::chrono::seconds(1));
  EXPECT_EQ(mirror_copy(), before);  // nothing reached the machine
  store.heal(machine);
  world.run_for(std::chrono::seconds(3));

  EXPECT_EQ(program().synced_calls, 2);
  EXPECT_EQ(mirror_copy(), store_copy());
  EXPECT_EQ(mirror().revision(), store.store().revision());
  EXPECT_EQ(program().changes, (std::vector<Change>{{"a/gone", "soon", std::nullopt},
                                                    {"a/hot", "0", std::to_string(kWrites)},
                                                    {"a/new", std::nullopt, "fresh"}}));
  EXPECT_EQ(program().replayed, mirror_copy());

  put("a/after", "watched again");  // the mirror watches again after the re-read
  world.run_for(std::chrono::milliseconds(10));
  EXPECT_EQ(mirror_copy(), store_copy());
}

TEST_F(MirrorTest, RetriesAFailedReadUntilTheStoreAnswers) {
  put("a/1", "one");
  store.cut(machine);
  program().start(std::chrono::seconds(1));
  world.run_for(std::chrono::seconds(12));  // two reads time out (5 s each) and are retried
  EXPECT_FALSE(mirror().synced());
  EXPECT_TRUE(program().changes.empty());
  store.heal(machine);
  world.run_for(std::chrono::seconds(7));  // the read in flight times out, the next one answers
  ASSERT_TRUE(mirror().synced());
  EXPECT_EQ(mirror_copy(), store_copy());
  EXPECT_EQ(program().synced_calls, 1);
}

TEST_F(MirrorTest, ReadsMoreKeysThanOneRangeAnswerHoldsInPagesAtOneRevision) {
  const int kKeys = static_cast<int>(kv::kMaxRangeKeys) + 5;
  for (int i = 0; i < kKeys; ++i) put("a/" + std::to_string(100000 + i), "v");
  program().start();
  world.run_for(std::chrono::milliseconds(10));
  ASSERT_TRUE(mirror().synced());
  EXPECT_EQ(mirror().entries().size(), static_cast<std::size_t>(kKeys));
  EXPECT_EQ(program().changes.size(), static_cast<std::size_t>(kKeys));
  EXPECT_EQ(mirror().revision(), store.store().revision());
}

TEST_F(MirrorTest, DestroyedWithAReadInFlightNeverCallsBack) {
  put("a/1", "one");
  program().start();
  program().mirror.reset();  // its range answer is queued on the machine's loop
  world.run_for(std::chrono::milliseconds(10));
  EXPECT_TRUE(program().changes.empty());
  EXPECT_EQ(program().synced_calls, 0);
}

TEST_F(MirrorTest, DestroyedWithARetryPendingOrAWatchOpenNeverCallsBack) {
  store.cut(machine);
  program().start();
  world.run_for(std::chrono::milliseconds(5500));  // the read timed out; a retry is set
  program().mirror.reset();
  store.heal(machine);
  world.run_for(std::chrono::seconds(3));
  EXPECT_EQ(program().synced_calls, 0);

  program().start();
  world.run_for(std::chrono::milliseconds(10));
  ASSERT_TRUE(mirror().synced());
  program().mirror.reset();  // cancels its watch
  put("a/1", "one");
  world.run_for(std::chrono::milliseconds(10));
  EXPECT_TRUE(program().changes.empty());
}

}  // namespace
}  // namespace keel::client
