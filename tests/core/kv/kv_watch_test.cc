// WatchHub: history catch-up, live events, progress, overflow and compaction.
#include <gtest/gtest.h>

#include "core/kv/kv_test_util.h"
#include "core/kv/watch_hub.h"

namespace keel::kv {
namespace {

using test::b;
using test::del_req;
using test::put_req;
using test::StoreHarness;

WatchRequest watch_req(std::string_view key, std::string_view end = "", Revision start = 0,
                       bool prev_kv = false) {
  return WatchRequest{b(key), b(end), start, prev_kv};
}

// Every event a watcher gets, polled until it has nothing more.
std::vector<Event> drain(WatchHub& hub, WatchId id, std::size_t max_events = 1000) {
  std::vector<Event> events;
  while (auto response = hub.poll(id, max_events)) {
    for (Event& e : response->events) events.push_back(std::move(e));
  }
  return events;
}

TEST(KvWatch, LiveEventsOfAKeyAndAPrefix) {
  StoreHarness h;
  WatchHub hub(h.store);
  const WatchId key = hub.watch(watch_req("a")).value();
  const WatchId prefix = hub.watch(watch_req("p/", to_string(prefix_end(b("p/"))))).value();
  ASSERT_TRUE(h.apply(put_req("a", "1")));
  ASSERT_TRUE(h.apply(put_req("p/x", "2")));
  ASSERT_TRUE(h.apply(put_req("q", "3")));
  ASSERT_TRUE(h.apply(del_req("a")));
  hub.on_applied();
  EXPECT_EQ(hub.ready(), (std::vector<WatchId>{key, prefix}));
  auto events = drain(hub, key);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].kv.value, b("1"));
  EXPECT_EQ(events[1].type, Event::Type::kDelete);
  EXPECT_FALSE(events[1].prev_kv);  // not asked for
  events = drain(hub, prefix);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].kv.key, b("p/x"));
  EXPECT_TRUE(hub.ready().empty());
}

TEST(KvWatch, WatcherFromAPastRevisionGetsHistoryThenLiveEventsWithoutGaps) {
  StoreHarness h;
  for (int i = 0; i < 50; ++i) ASSERT_TRUE(h.apply(put_req("k", str(i))));  // 2..51
  WatchHub hub(h.store, WatchLimits{10, 8});
  const WatchId id = hub.watch(watch_req("k", "", 10, true)).value();
  for (int i = 50; i < 55; ++i) ASSERT_TRUE(h.apply(put_req("k", str(i))));  // 52..56
  hub.on_applied();
  auto events = drain(hub, id, 3);
  ASSERT_EQ(events.size(), 47u);
  for (std::size_t i = 0; i < events.size(); ++i) {
    EXPECT_EQ(events[i].kv.mod_revision, static_cast<Revision>(10 + i));
    ASSERT_TRUE(events[i].prev_kv);
    EXPECT_EQ(events[i].prev_kv->mod_revision, static_cast<Revision>(9 + i));
  }
}

TEST(KvWatch, WatchOnACompactedRevisionFailsNamingTheCompaction) {
  StoreHarness h;
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(h.apply(put_req("k", "v")));
  ASSERT_TRUE(h.apply(CompactRequest{4}));
  WatchHub hub(h.store);
  Result<WatchId> w = hub.watch(watch_req("k", "", 3));
  ASSERT_FALSE(w);
  EXPECT_NE(w.error().message.find("compaction revision 4"), std::string::npos);
  EXPECT_TRUE(hub.watch(watch_req("k", "", 4)));
}

TEST(KvWatch, CatchingUpWatcherIsCanceledWhenItsHistoryIsCompacted) {
  StoreHarness h;
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(h.apply(put_req("k", "v")));
  WatchHub hub(h.store, WatchLimits{10, 4});
  const WatchId id = hub.watch(watch_req("k", "", 2)).value();
  ASSERT_TRUE(h.apply(CompactRequest{15}));
  hub.on_applied();
  auto first = hub.poll(id, 4);
  ASSERT_TRUE(first);
  EXPECT_EQ(first->events.size(), 4u);
  auto canceled = hub.poll(id);
  ASSERT_TRUE(canceled);
  EXPECT_TRUE(canceled->canceled);
  EXPECT_EQ(canceled->compact_revision, 15);
  EXPECT_FALSE(hub.poll(id));
  EXPECT_EQ(hub.size(), 0u);
}

TEST(KvWatch, SlowWatcherIsCanceledWithAReason) {
  StoreHarness h;
  WatchHub hub(h.store, WatchLimits{10, 5});
  const WatchId slow = hub.watch(watch_req("k")).value();
  const WatchId other = hub.watch(watch_req("z")).value();
  for (int i = 0; i < 6; ++i) {
    ASSERT_TRUE(h.apply(put_req("k", "v")));
    hub.on_applied();
  }
  auto response = hub.poll(slow);
  ASSERT_TRUE(response);
  EXPECT_TRUE(response->canceled);
  EXPECT_NE(response->cancel_reason.find("max_pending_events (5)"), std::string::npos);
  EXPECT_EQ(hub.size(), 1u);
  EXPECT_FALSE(hub.poll(other));
}

TEST(KvWatch, ProgressTellsASyncedWatcherTheRevision) {
  StoreHarness h;
  WatchHub hub(h.store);
  const WatchId id = hub.watch(watch_req("k")).value();
  ASSERT_TRUE(h.apply(put_req("other", "v")));
  hub.on_applied();
  EXPECT_FALSE(hub.poll(id));
  ASSERT_TRUE(hub.progress(id));
  ASSERT_TRUE(hub.progress(id));  // one notification at most
  auto response = hub.poll(id);
  ASSERT_TRUE(response);
  EXPECT_TRUE(response->events.empty());
  EXPECT_FALSE(response->canceled);
  EXPECT_EQ(response->revision, 2);
  EXPECT_FALSE(hub.poll(id));
  hub.progress_all();
  EXPECT_EQ(hub.ready(), (std::vector<WatchId>{id}));
  EXPECT_EQ(hub.progress(99).error().code, Errc::kNotFound);
}

TEST(KvWatch, WatchersAreBoundedAndCancelRemoves) {
  StoreHarness h;
  WatchHub hub(h.store, WatchLimits{2, 10});
  const WatchId a = hub.watch(watch_req("a")).value();
  ASSERT_TRUE(hub.watch(watch_req("b")));
  Result<WatchId> third = hub.watch(watch_req("c"));
  ASSERT_FALSE(third);
  EXPECT_NE(third.error().message.find("max_watchers (2)"), std::string::npos);
  ASSERT_TRUE(hub.cancel(a));
  EXPECT_TRUE(hub.watch(watch_req("c")));
  EXPECT_FALSE(hub.cancel(a));
  EXPECT_FALSE(hub.watch(watch_req("")));
}

TEST(KvWatch, FutureStartRevisionWaitsForIt) {
  StoreHarness h;
  WatchHub hub(h.store);
  const WatchId id = hub.watch(watch_req("k", "", 4)).value();
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(h.apply(put_req("k", str(i))));  // 2..5
  hub.on_applied();
  auto events = drain(hub, id);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].kv.mod_revision, 4);
}

}  // namespace
}  // namespace keel::kv
