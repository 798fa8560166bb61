// Property tests of the watch checker: a random reference log (puts, deletes and txns over a few
// keys) sliced into streams with correct resumption is accepted; the same log with one event
// dropped from the middle is rejected with a gap at that event.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <set>
#include <string>

#include "sim/checkers/watch_checker.h"
#include "tests/sim/checkers/watch_story.h"

namespace keel::sim {
namespace {

using story::Story;

const std::vector<std::string> kKeys{"a", "b", "c", "d"};

Story gen_story() {
  Story s;
  std::set<std::string> live;
  const int revisions = *rc::gen::inRange(3, 40);
  for (int i = 0; i < revisions; ++i) {
    const std::string key = *rc::gen::elementOf(kKeys);
    const std::string value = "v" + std::to_string(s.revision() + 1) + "-" + key;
    switch (*rc::gen::weightedElement<int>({{6, 0}, {2, 1}, {2, 2}})) {
      case 0: {  // a put, acknowledged or with its answer lost
        const bool acknowledged = *rc::gen::weightedElement<bool>({{3, true}, {1, false}});
        s.put(key, value, acknowledged ? KvOp::Outcome::kOk : KvOp::Outcome::kUnknown);
        live.insert(key);
        break;
      }
      case 1:
        if (live.erase(key) == 1) {
          s.remove(key);
        } else {
          s.put(key, value);
          live.insert(key);
        }
        break;
      default: {  // a txn on this key and the next
        const std::string other = kKeys[(std::ranges::find(kKeys, key) - kKeys.begin() + 1) % 4];
        s.txn({{key, value}, {other, value + "-" + other}});
        live.insert({key, other});
        break;
      }
    }
  }
  return s;
}

// One watcher over a random range, from a random start to a random end, cut into streams at
// revision boundaries; each resumes one past what the watcher had received (its last event, or
// its progress notification).
WatcherLog gen_watcher(const Story& s) {
  using Range = std::pair<std::string, std::string>;
  const auto [key, range_end] = *rc::gen::element<Range>(
      Range{"a", std::string(1, '\0')}, Range{"b", ""}, Range{"b", "d"}, Range{"a", "c"});
  // Half the watchers see the whole log, from revision 1 to the last.
  const kv::Revision start = *rc::gen::weightedOneOf<kv::Revision>(
      {{1, rc::gen::just<kv::Revision>(1)},
       {1, rc::gen::inRange<kv::Revision>(1, s.revision() + 1)}});
  const kv::Revision end = *rc::gen::weightedOneOf<kv::Revision>(
      {{1, rc::gen::just(s.revision())},
       {1, rc::gen::inRange<kv::Revision>(start - 1, s.revision() + 1)}});
  WatcherLog log = story::watcher(1, key, range_end, {});
  kv::Revision covered = start - 1;  // the revisions the streams so far were cut at
  kv::Revision next = start;         // where the next stream resumes
  do {
    const kv::Revision cut = std::min(end, covered + 1 + *rc::gen::inRange<kv::Revision>(0, 6));
    WatchStream stream = story::stream("n" + std::to_string(log.streams.size() % 3 + 1), next,
                                       s.events(next, cut, key, range_end));
    kv::Revision through = stream.events.empty() ? next - 1 : stream.events.back().kv.mod_revision;
    if (*rc::gen::arbitrary<bool>()) {
      stream.progress_revision = cut;
      through = std::max(through, cut);
    }
    if (*rc::gen::weightedElement<bool>({{4, false}, {1, true}})) {
      stream.canceled = true;
      stream.cancel_reason = "slow watcher";
    }
    log.streams.push_back(std::move(stream));
    covered = cut;
    next = through + 1;
  } while (covered < end);
  return log;
}

WatchCheckResult check(const Story& s, const WatcherLog& log) {
  const std::vector<WatcherLog> logs{log};
  auto result = check_watches(WatchCheckInput{logs, s.reference, 1, s.history, 20, {}});
  RC_ASSERT(result.has_value());
  return *result;
}

std::string all(const WatchCheckResult& result) {
  std::string text;
  for (const WatchViolation& v : result.violations) text += describe(v) + "\n";
  return text;
}

RC_GTEST_PROP(WatchCheckerProperty, CorrectlyResumedSlicesAreAccepted, ()) {
  const Story s = gen_story();
  const WatcherLog log = gen_watcher(s);
  RC_CLASSIFY(log.streams.size() > 2);
  const WatchCheckResult result = check(s, log);
  RC_CLASSIFY(result.events_checked > 5);
  if (!result.ok) RC_FAIL(all(result));
}

RC_GTEST_PROP(WatchCheckerProperty, DroppingAnEventFromTheMiddleIsAGap, ()) {
  const Story s = gen_story();
  WatcherLog log = gen_watcher(s);
  std::vector<std::pair<std::size_t, std::size_t>> delivered;  // (stream, event)
  for (std::size_t i = 0; i < log.streams.size(); ++i) {
    for (std::size_t j = 0; j < log.streams[i].events.size(); ++j) delivered.emplace_back(i, j);
  }
  RC_PRE(delivered.size() >= 2u);
  // Any event but the last: a later one shows the watcher passed its revision.
  const auto [i, j] = delivered[*rc::gen::inRange<std::size_t>(0, delivered.size() - 1)];
  std::vector<kv::Event>& events = log.streams[i].events;
  const kv::Event dropped = events[j];
  events.erase(events.begin() + static_cast<std::ptrdiff_t>(j));
  const WatchCheckResult result = check(s, log);
  RC_ASSERT(std::ranges::any_of(result.violations, [&](const WatchViolation& v) {
    return v.check == WatchCheck::kGap && v.revision == dropped.kv.mod_revision &&
           v.key == kv::to_string(dropped.kv.key);
  }));
}

}  // namespace
}  // namespace keel::sim
