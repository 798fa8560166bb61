#include "sim/checkers/watch_checker.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "tests/sim/checkers/watch_story.h"

namespace keel::sim {
namespace {

using story::Story;
using story::stream;
using story::watcher;

const std::string_view kEverything("\0", 1);

// rev 1 a=a1 · 2 b=b1 · 3 txn a=a2 b=b2 · 4 c=c1 · 5 delete a · 6 a=a3 · 7 b=b3
Story seven_revisions() {
  Story s;
  s.put("a", "a1");
  s.put("b", "b1");
  s.txn({{"a", "a2"}, {"b", "b2"}});
  s.put("c", "c1");
  s.remove("a");
  s.put("a", "a3");
  s.put("b", "b3");
  return s;
}

// A watcher on [a, c) over seven_revisions(): canceled after revision 3, resumed at 4 on n2 (told
// of revision 5 by a progress notification), resumed at 6 on n3.
WatcherLog watcher_ab(const Story& s) {
  WatchStream first = stream("n1", 1, s.events(1, 3, "a", "c"));
  first.canceled = true;
  first.cancel_reason = "slow watcher";
  return watcher(1, "a", "c",
                 {first, stream("n2", 4, s.events(4, 5, "a", "c"), 5),
                  stream("n3", 6, s.events(6, 7, "a", "c"))});
}

WatchCheckResult check(const Story& s, const std::vector<WatcherLog>& logs,
                       kv::Revision first_revision = 1, std::size_t max_violations = 20) {
  const WatchCheckInput input{logs, s.reference, first_revision, s.history, max_violations, {}};
  auto result = check_watches(input);
  EXPECT_TRUE(result.has_value()) << result.error().message;
  if (result) return *result;
  WatchCheckResult failed;
  failed.ok = false;
  return failed;
}

std::string all(const WatchCheckResult& result) {
  std::string text;
  for (const WatchViolation& v : result.violations) text += describe(v) + "\n";
  return text;
}

// Whether the result holds a violation of `check` blaming this stream, revision and key.
bool has(const WatchCheckResult& result, WatchCheck check, int stream_index, kv::Revision revision,
         std::string_view key) {
  return std::ranges::any_of(result.violations, [&](const WatchViolation& v) {
    return v.check == check && v.stream == stream_index && v.revision == revision && v.key == key;
  });
}

TEST(WatchChecker, GoodLogsWithReconnectsProgressAndACancellationAreAccepted) {
  const Story s = seven_revisions();
  const std::vector<WatcherLog> logs{
      watcher_ab(s),
      // Key c from now; after a progress notification at 5 it resumes one revision early, which
      // is allowed as it delivers nothing already seen.
      watcher(2, "c", "", {stream("n1", 0, s.events(4, 4, "c", ""), 5), stream("n2", 5, {}, 7)}),
      watcher(3, "a", kEverything, {stream("n2", 2, s.events(2, 7))}),
  };
  const WatchCheckResult result = check(s, logs);
  EXPECT_TRUE(result.ok) << all(result);
  EXPECT_EQ(result.total_violations, 0u);
  EXPECT_EQ(result.events_checked, 7u + 1u + 7u);
  ASSERT_EQ(result.cancellations.size(), 1u);
  EXPECT_EQ(result.cancellations[0].watcher, 1);
  EXPECT_EQ(result.cancellations[0].stream, 0);
  EXPECT_EQ(result.cancellations[0].member, "n1");
  EXPECT_EQ(result.cancellations[0].reason, "slow watcher");
}

TEST(WatchChecker, AnOutOfOrderEventIsRejected) {
  const Story s = seven_revisions();
  WatcherLog log = watcher_ab(s);
  std::swap(log.streams[2].events[0], log.streams[2].events[1]);  // b@7 before a@6
  const WatchCheckResult result = check(s, {log});
  EXPECT_FALSE(result.ok);
  EXPECT_TRUE(has(result, WatchCheck::kOrder, 2, 6, "a")) << all(result);
}

TEST(WatchChecker, AnEventBelowTheStreamsStartIsRejected) {
  const Story s = seven_revisions();
  WatcherLog log = watcher_ab(s);
  log.streams[2].start_revision = 7;
  const WatchCheckResult result = check(s, {log});
  EXPECT_TRUE(has(result, WatchCheck::kOrder, 2, 6, "a")) << all(result);
}

TEST(WatchChecker, ADuplicateWithinAStreamIsRejected) {
  const Story s = seven_revisions();
  WatcherLog log = watcher_ab(s);
  std::vector<kv::Event>& events = log.streams[0].events;
  events.insert(events.begin() + 2, events[1]);  // b@2 twice
  const WatchCheckResult result = check(s, {log});
  EXPECT_FALSE(result.ok);
  EXPECT_TRUE(has(result, WatchCheck::kDuplicate, 0, 2, "b")) << all(result);
  EXPECT_EQ(result.total_violations, 1u) << all(result);
}

TEST(WatchChecker, ADuplicateAcrossAReconnectIsRejected) {
  const Story s = seven_revisions();
  WatcherLog log = watcher_ab(s);
  log.streams[1] = stream("n2", 3, s.events(3, 5, "a", "c"), 5);  // resends the txn at 3
  const WatchCheckResult result = check(s, {log});
  EXPECT_TRUE(has(result, WatchCheck::kDuplicate, 1, 3, "a")) << all(result);
  EXPECT_TRUE(has(result, WatchCheck::kDuplicate, 1, 3, "b")) << all(result);
  EXPECT_EQ(result.total_violations, 2u) << all(result);
}

TEST(WatchChecker, AGapInsideAStreamIsRejected) {
  const Story s = seven_revisions();
  WatcherLog log = watcher_ab(s);
  std::erase_if(log.streams[0].events, [](const kv::Event& e) { return e.kv.mod_revision == 2; });
  const WatchCheckResult result = check(s, {log});
  EXPECT_TRUE(has(result, WatchCheck::kGap, 0, 2, "b")) << all(result);
  EXPECT_EQ(result.total_violations, 1u) << all(result);
}

TEST(WatchChecker, AGapCoveredByAProgressNotificationIsRejected) {
  const Story s = seven_revisions();
  WatcherLog log = watcher_ab(s);
  log.streams[1].events.clear();  // told "everything up to 5" without the delete at 5
  const WatchCheckResult result = check(s, {log});
  EXPECT_TRUE(has(result, WatchCheck::kGap, 1, 5, "a")) << all(result);
}

TEST(WatchChecker, ResumingTooLateIsRejectedWithTheChangesItSkipped) {
  const Story s = seven_revisions();
  WatcherLog log = watcher_ab(s);
  log.streams[1] = stream("n2", 6, s.events(6, 7, "a", "c"));
  log.streams.pop_back();
  const WatchCheckResult result = check(s, {log});
  EXPECT_TRUE(has(result, WatchCheck::kResumption, 1, 6, "")) << all(result);
  EXPECT_TRUE(has(result, WatchCheck::kGap, 1, 5, "a")) << all(result);
}

TEST(WatchChecker, ResumingFromNowIsRejected) {
  const Story s = seven_revisions();
  WatcherLog log = watcher_ab(s);
  log.streams[2].start_revision = 0;
  const WatchCheckResult result = check(s, {log});
  EXPECT_TRUE(has(result, WatchCheck::kResumption, 2, 0, "")) << all(result);
}

TEST(WatchChecker, AChangeMissedThenDeliveredOutOfOrderIsAGap) {
  const Story s = seven_revisions();
  WatcherLog log = watcher_ab(s);
  std::erase_if(log.streams[1].events, [](const kv::Event& e) { return e.kv.mod_revision == 5; });
  // The next stream resumes early and brings the delete at 5 after the watcher passed revision 5.
  log.streams[2] = stream("n3", 5, s.events(5, 7, "a", "c"));
  const WatchCheckResult result = check(s, {log});
  EXPECT_TRUE(has(result, WatchCheck::kGap, 1, 5, "a")) << all(result);
  EXPECT_NE(result.violations[0].detail.find("late"), std::string::npos) << all(result);
}

TEST(WatchChecker, AValueDifferingFromTheReferenceIsRejected) {
  const Story s = seven_revisions();
  WatcherLog log = watcher_ab(s);
  log.streams[2].events[0].kv.value = kv::to_bytes("a1");  // a client wrote a1, at revision 1
  const WatchCheckResult result = check(s, {log});
  EXPECT_TRUE(has(result, WatchCheck::kMismatch, 2, 6, "a")) << all(result);
}

TEST(WatchChecker, AVersionDifferingFromTheReferenceIsRejected) {
  const Story s = seven_revisions();
  WatcherLog log = watcher_ab(s);
  log.streams[2].events[1].kv.version = 2;  // b@7 is b's third version
  const WatchCheckResult result = check(s, {log});
  EXPECT_TRUE(has(result, WatchCheck::kMismatch, 2, 7, "b")) << all(result);
  EXPECT_EQ(result.total_violations, 1u) << all(result);
}

TEST(WatchChecker, AnEventOutsideTheWatchedRangeIsRejected) {
  const Story s = seven_revisions();
  WatcherLog log = watcher_ab(s);
  log.streams[1].events = s.events(4, 5);  // brings c@4
  const WatchCheckResult result = check(s, {log});
  EXPECT_TRUE(has(result, WatchCheck::kRange, 1, 4, "c")) << all(result);
}

TEST(WatchChecker, AValueNoClientWroteIsRejected) {
  Story s = seven_revisions();
  s.phantom_put("a", "ghost");  // the reference agrees, so only the KV history can tell
  WatcherLog log = watcher_ab(s);
  log.streams[2].events = s.events(6, 8, "a", "c");
  const WatchCheckResult result = check(s, {log});
  EXPECT_TRUE(has(result, WatchCheck::kUnwritten, 2, 8, "a")) << all(result);
  EXPECT_EQ(result.total_violations, 1u) << all(result);
}

TEST(WatchChecker, AValueUnderAPrefixWrittenByOthersNeedsNoClientWrite) {
  Story s = seven_revisions();
  s.phantom_put("a", "ghost");
  WatcherLog log = watcher_ab(s);
  log.streams[2].events = s.events(6, 8, "a", "c");
  WatchCheckInput input{{&log, 1}, s.reference, 1, s.history, 20, {}};
  input.written_by_others = {"a"};
  auto result = check_watches(input);
  ASSERT_TRUE(result.has_value()) << result.error().message;
  EXPECT_TRUE(result->ok) << all(*result);
  input.written_by_others = {"b"};  // another prefix: the ghost is caught again
  result = check_watches(input);
  ASSERT_TRUE(result.has_value());
  EXPECT_TRUE(has(*result, WatchCheck::kUnwritten, 2, 8, "a")) << all(*result);
}

TEST(WatchChecker, AValueWrittenOnlyByARefusedPutIsRejected) {
  Story s = seven_revisions();
  s.put("a", "refused", KvOp::Outcome::kFailed);
  const WatchCheckResult result =
      check(s, {watcher(1, "a", "", {stream("n1", 8, s.events(8, 8))})});
  EXPECT_TRUE(has(result, WatchCheck::kUnwritten, 0, 8, "a")) << all(result);
}

TEST(WatchChecker, AValueDeliveredBeforeItsWriteWasInvokedIsRejected) {
  Story s = seven_revisions();
  s.put("a", "future", KvOp::Outcome::kUnknown);
  s.history.back().invoked = Story::at(20);
  // Stream 0 delivered it, and was over before stream 1 opened at revision 9's time.
  const WatchCheckResult result = check(
      s, {watcher(1, "a", "", {stream("n1", 8, s.events(8, 8, "a", "")), stream("n2", 9, {})})});
  EXPECT_TRUE(has(result, WatchCheck::kUnwritten, 0, 8, "a")) << all(result);
}

TEST(WatchChecker, AWriteAcknowledgedAtAnotherRevisionExplainsNoChange) {
  Story s = seven_revisions();
  s.phantom_put("b", "b3");  // b3 applied twice: acknowledged at 7, seen again at 8
  const WatchCheckResult result =
      check(s, {watcher(1, "b", "", {stream("n1", 1, s.events(1, 8, "b", ""))})});
  EXPECT_TRUE(has(result, WatchCheck::kUnwritten, 0, 8, "b")) << all(result);
  EXPECT_EQ(result.total_violations, 1u) << all(result);
}

TEST(WatchChecker, AnAcknowledgedWriteMissingFromACoveringWatcherIsRejected) {
  Story s = seven_revisions();
  s.put("a", "acked");     // revision 8, acknowledged ...
  s.reference.pop_back();  // ... but lost by the store, so no gap is seen against the reference
  s.put("b", "b4");
  const WatchCheckResult result =
      check(s, {watcher(1, "a", "c", {stream("n1", 6, s.events(6, 9, "a", "c"))})});
  EXPECT_TRUE(has(result, WatchCheck::kLostAck, 0, 8, "a")) << all(result);
  EXPECT_EQ(result.total_violations, 1u) << all(result);
}

TEST(WatchChecker, AnAcknowledgedWriteBeyondTheCoveredRangeIsNotBlamed) {
  Story s = seven_revisions();
  s.put("a", "acked");
  s.reference.pop_back();
  const WatchCheckResult result =
      check(s, {watcher(1, "a", "c", {stream("n1", 6, s.events(6, 7, "a", "c"))})});
  EXPECT_TRUE(result.ok) << all(result);
}

TEST(WatchChecker, ADeleteNoClientAskedForIsRejected) {
  Story s = seven_revisions();
  s.phantom_delete("b");
  const WatchCheckResult result =
      check(s, {watcher(1, "b", "", {stream("n1", 7, s.events(7, 8, "b", ""))})});
  EXPECT_TRUE(has(result, WatchCheck::kUnrequestedDelete, 0, 8, "b")) << all(result);
  EXPECT_EQ(result.total_violations, 1u) << all(result);
}

TEST(WatchChecker, NothingBelowTheFirstRevisionIsBlamed) {
  const Story full = seven_revisions();
  Story s = full;
  std::erase_if(s.reference, [](const kv::Event& e) { return e.kv.mod_revision < 5; });
  // Events 1..2 are not compared; resuming at 5 skips 3..4, compacted away.
  WatcherLog log = watcher(
      1, "a", "c",
      {stream("n1", 1, full.events(1, 2, "a", "c")), stream("n2", 5, s.events(5, 7, "a", "c"))});
  EXPECT_TRUE(check(s, {log}, 5).ok);
  // At and above it, a gap still is.
  log.streams[1].events.erase(log.streams[1].events.begin() + 1);  // a@6
  EXPECT_TRUE(has(check(s, {log}, 5), WatchCheck::kGap, 1, 6, "a"));
}

TEST(WatchChecker, ViolationsAreCappedButAllCounted) {
  const Story s = seven_revisions();
  WatcherLog log = watcher_ab(s);
  for (WatchStream& st : log.streams) st.events.clear();  // every change of [a, c) missed
  const WatchCheckResult result = check(s, {log}, 1, 2);
  EXPECT_FALSE(result.ok);
  EXPECT_EQ(result.violations.size(), 2u);
  EXPECT_GT(result.total_violations, 2u);
}

TEST(WatchChecker, ADescriptionNamesWatcherStreamMemberRevisionAndKey) {
  const WatchViolation v{WatchCheck::kGap, 4, 1, "n2", 17, "k1", "missing put"};
  EXPECT_EQ(describe(v), "gap: watcher 4 stream 1 (n2) revision 17 key k1: missing put");
}

TEST(WatchChecker, MalformedInputIsAnError) {
  Story s = seven_revisions();
  const std::vector<WatcherLog> none;
  WatchCheckInput input{none, s.reference, 1, s.history, 20, {}};

  std::swap(s.reference[0], s.reference[1]);
  auto result = check_watches(input);
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().code, Errc::kInvalidArgument);
  EXPECT_NE(result.error().message.find("reference event 1"), std::string::npos);
  std::swap(s.reference[0], s.reference[1]);

  input.first_revision = 2;  // the reference holds revision 1
  EXPECT_FALSE(check_watches(input).has_value());
  input.first_revision = 1;

  const std::vector<WatcherLog> twice{watcher(1, "a", "", {}), watcher(1, "b", "", {})};
  input.watchers = twice;
  result = check_watches(input);
  ASSERT_FALSE(result.has_value());
  EXPECT_NE(result.error().message.find("watcher id 1 is used twice"), std::string::npos);
}

}  // namespace
}  // namespace keel::sim
