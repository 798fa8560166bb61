#include "sim/checkers/watch_checker.h"

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <utility>

#include "core/env/assert.h"
#include "core/env/str.h"
#include "sim/checkers/client_writes.h"

namespace keel::sim {
namespace {

// A change is named by its revision and key: a txn changes several keys at one revision.
using ChangeId = std::pair<kv::Revision, Bytes>;

ChangeId id_of(const kv::Event& event) { return {event.kv.mod_revision, event.kv.key}; }

std::string show(const kv::Event& event) {
  const kv::KeyValue& change = event.kv;
  if (event.type == kv::Event::Type::kDelete) {
    return str("delete ", kv::to_string(change.key), " (mod ", change.mod_revision, ")");
  }
  return str("put ", kv::to_string(change.key), "=", kv::to_string(change.value), " (create ",
             change.create_revision, ", mod ", change.mod_revision, ", version ", change.version,
             ", lease ", change.lease, ")");
}

// Whether a delivered event is the reference's change; prev_kv is left out, as only watchers that
// asked for it get it.
bool same_change(const kv::Event& a, const kv::Event& b) {
  return a.type == b.type && a.kv == b.kv;
}

class ReferenceLog {
 public:
  static Result<ReferenceLog> build(std::span<const kv::Event> events,
                                    kv::Revision first_revision) {
    if (first_revision < 1) {
      return fail(Errc::kInvalidArgument, str("first_revision ", first_revision, " is below 1"));
    }
    ReferenceLog log(events);
    kv::Revision previous = first_revision;
    for (std::size_t i = 0; i < events.size(); ++i) {
      const kv::Revision revision = events[i].kv.mod_revision;
      if (revision < previous) {
        return fail(Errc::kInvalidArgument,
                    str("reference event ", i, " (", show(events[i]), ") is below ",
                        i == 0 ? "first_revision " : "the revision before it, ", previous));
      }
      previous = revision;
      if (!log.by_id_.emplace(id_of(events[i]), &events[i]).second) {
        return fail(Errc::kInvalidArgument, str("reference event ", i, " (", show(events[i]),
                                                ") repeats a key changed at its revision"));
      }
    }
    return log;
  }

  const kv::Event* find(const ChangeId& id) const {
    auto it = by_id_.find(id);
    return it == by_id_.end() ? nullptr : it->second;
  }

  // The events with revisions in [from, to].
  std::span<const kv::Event> between(kv::Revision from, kv::Revision to) const {
    const auto below = [](const kv::Event& e, kv::Revision r) { return e.kv.mod_revision < r; };
    const auto above = [](kv::Revision r, const kv::Event& e) { return r < e.kv.mod_revision; };
    auto begin = std::lower_bound(events_.begin(), events_.end(), from, below);
    auto end = std::upper_bound(begin, events_.end(), to, above);
    return {begin, end};
  }

 private:
  explicit ReferenceLog(std::span<const kv::Event> events) : events_(events) {}

  std::span<const kv::Event> events_;
  std::map<ChangeId, const kv::Event*> by_id_;
};

// Collects violations up to the cap, counting all.
class Report {
 public:
  Report(WatchCheckResult& result, std::size_t cap) : result_(result), cap_(cap) {}
  void add(WatchViolation violation) {
    result_.ok = false;
    ++result_.total_violations;
    if (result_.violations.size() < cap_) result_.violations.push_back(std::move(violation));
  }

 private:
  WatchCheckResult& result_;
  std::size_t cap_;
};

// Walks one watcher's streams in order, keeping what it has received, then looks for what it
// should have received and did not.
class WatcherCheck {
 public:
  WatcherCheck(const WatcherLog& log, const ReferenceLog& reference, const ClientWrites& writes,
               const std::vector<std::string>& written_by_others, kv::Revision first_revision,
               Report& report, WatchCheckResult& result)
      : log_(log),
        reference_(reference),
        writes_(writes),
        written_by_others_(written_by_others),
        first_revision_(first_revision),
        report_(report),
        result_(result) {}

  void run() {
    for (std::size_t i = 0; i < log_.streams.size(); ++i) check_stream(static_cast<int>(i));
    if (!origin_ || !through_) return;
    const kv::Revision from = std::max(*origin_, first_revision_);
    check_gaps(from, *through_);
    check_acknowledged(from, *through_);
  }

 private:
  // The revisions a stream covered: from its start to the last it saw; empty when to < from.
  struct Span {
    kv::Revision from;
    kv::Revision to;
  };
  struct Delivery {
    int stream;
    const kv::Event* event;
  };

  const WatchStream& stream(int index) const {
    return log_.streams[static_cast<std::size_t>(index)];
  }

  // The earlier delivery of a change, in order or late; null if none.
  const Delivery* delivered(const ChangeId& id) const {
    if (auto it = seen_.find(id); it != seen_.end()) return &it->second;
    if (auto it = late_.find(id); it != late_.end()) return &it->second;
    return nullptr;
  }

  void violation(WatchCheck check, int stream_index, kv::Revision revision, const Bytes& key,
                 std::string detail) {
    report_.add(WatchViolation{check, log_.watcher, stream_index,
                               stream_index < 0 ? std::string() : stream(stream_index).member,
                               revision, kv::to_string(key), std::move(detail)});
  }

  // The revision a stream starts from, checking a reconnect's resumption (check 2).
  kv::Revision start_of(int index) {
    const WatchStream& s = stream(index);
    if (!through_) {
      if (s.start_revision != 0) return s.start_revision;
      if (!s.events.empty()) return s.events.front().kv.mod_revision;
      return s.progress_revision != 0 ? s.progress_revision + 1 : 0;
    }
    if (s.start_revision == 0) {
      violation(WatchCheck::kResumption, index, 0, {},
                str("resumed from now (start revision 0) after receiving through revision ",
                    *through_, ": changes in between may be skipped"));
      return *through_ + 1;
    }
    if (s.start_revision > *through_ + 1 && s.start_revision - 1 >= first_revision_) {
      violation(WatchCheck::kResumption, index, s.start_revision, {},
                str("resumed at revision ", s.start_revision, " after receiving only through ",
                    *through_, ": revisions ", std::max(*through_ + 1, first_revision_), "..",
                    s.start_revision - 1, " were never asked for"));
    }
    return s.start_revision;
  }

  void check_stream(int index) {
    const WatchStream& s = stream(index);
    const kv::Revision from = start_of(index);
    const std::optional<kv::Revision> passed = through_;
    const bool last_stream = static_cast<std::size_t>(index) + 1 == log_.streams.size();
    const Time delivered_by = last_stream ? Time::max() : stream(index + 1).opened;
    std::set<ChangeId> in_stream;
    kv::Revision last = 0;
    for (const kv::Event& event : s.events) {
      ++result_.events_checked;
      const kv::Revision revision = event.kv.mod_revision;
      if (!kv::in_range(event.kv.key, log_.key, log_.range_end)) {
        violation(WatchCheck::kRange, index, revision, event.kv.key,
                  str(show(event), " is outside the watched range [", kv::to_string(log_.key), ", ",
                      kv::to_string(log_.range_end), ")"));
      }
      if (s.start_revision != 0 && revision < s.start_revision) {
        violation(WatchCheck::kOrder, index, revision, event.kv.key,
                  str(show(event), " is below the stream's start revision ", s.start_revision));
      } else if (revision < last) {
        violation(WatchCheck::kOrder, index, revision, event.kv.key,
                  str(show(event), " came after revision ", last));
      }
      last = std::max(last, revision);
      ChangeId id = id_of(event);
      if (!in_stream.insert(id).second) {
        violation(WatchCheck::kDuplicate, index, revision, event.kv.key,
                  str(show(event), " delivered twice by this stream"));
        continue;
      }
      if (const Delivery* earlier = delivered(id)) {
        violation(WatchCheck::kDuplicate, index, revision, event.kv.key,
                  str(show(event), " already delivered by stream ", earlier->stream));
        continue;
      }
      // Below what the watcher had passed, the change comes out of order: it does not fill the
      // gap it leaves (check 3), and is kept only to say so.
      auto& deliveries = passed && revision <= *passed ? late_ : seen_;
      deliveries.emplace(std::move(id), Delivery{index, &event});
      check_content(index, event, delivered_by);
    }
    if (from != 0) {
      const kv::Revision to = std::max({from - 1, last, s.progress_revision});
      if (!origin_) origin_ = from;
      through_ = std::max(through_.value_or(to), to);
      spans_.push_back(Span{from, to});
    } else {
      spans_.push_back(Span{1, 0});  // an unknown start with nothing seen covers nothing
    }
    if (s.canceled) {
      result_.cancellations.push_back(
          WatchCancellation{log_.watcher, index, s.member, s.cancel_reason});
    }
  }

  bool written_by_others(const Bytes& key) const {
    const std::string text = kv::to_string(key);
    for (const std::string& prefix : written_by_others_) {
      if (text.starts_with(prefix)) return true;
    }
    return false;
  }

  // Checks 4 and 5: the event is the reference's change, and some client write explains it.
  void check_content(int index, const kv::Event& event, Time delivered_by) {
    const kv::Revision revision = event.kv.mod_revision;
    if (revision >= first_revision_) {
      const kv::Event* expected = reference_.find(id_of(event));
      if (expected == nullptr) {
        violation(WatchCheck::kMismatch, index, revision, event.kv.key,
                  str(show(event), " is not in the reference change log"));
      } else if (!same_change(event, *expected)) {
        violation(WatchCheck::kMismatch, index, revision, event.kv.key,
                  str("delivered ", show(event), " but the reference has ", show(*expected)));
      }
    }
    if (written_by_others(event.kv.key)) return;
    if (auto why = writes_.unexplained(event, delivered_by)) {
      const WatchCheck check = event.type == kv::Event::Type::kPut ? WatchCheck::kUnwritten
                                                                   : WatchCheck::kUnrequestedDelete;
      violation(check, index, revision, event.kv.key, std::move(*why));
    }
  }

  // The stream that should have delivered a change at `revision` in the covered range: the first
  // whose span holds it, else the first that resumed past it; and how it failed.
  std::pair<int, std::string> blame(kv::Revision revision) const {
    for (std::size_t i = 0; i < spans_.size(); ++i) {
      if (spans_[i].from <= revision && revision <= spans_[i].to) {
        return {static_cast<int>(i), str("stream covered revisions ", spans_[i].from, "..",
                                         spans_[i].to, " but did not deliver it")};
      }
    }
    for (std::size_t i = 0; i < spans_.size(); ++i) {
      if (spans_[i].from > revision) {
        return {static_cast<int>(i), str("stream resumed at revision ", spans_[i].from,
                                         ", past it, and no earlier stream delivered it")};
      }
    }
    KEEL_UNREACHABLE("watcher ", log_.watcher, ": revision ", revision,
                     " is in the covered range but no stream covered or passed it");
  }

  // Check 3: every reference change of the range in [from, to] was delivered in order.
  void check_gaps(kv::Revision from, kv::Revision to) {
    for (const kv::Event& event : reference_.between(from, to)) {
      if (!kv::in_range(event.kv.key, log_.key, log_.range_end)) continue;
      const ChangeId id = id_of(event);
      if (seen_.contains(id)) continue;
      auto [index, how] = blame(event.kv.mod_revision);
      if (auto it = late_.find(id); it != late_.end()) {
        how += str("; stream ", it->second.stream,
                   " delivered it late, after the watcher had passed its revision");
      }
      violation(WatchCheck::kGap, index, event.kv.mod_revision, event.kv.key,
                str("missing ", show(event), ": ", how));
    }
  }

  // Check 5: every acknowledged write of the range in [from, to] reached the watcher as answered.
  // One the reference also holds was already reported as a gap if missing.
  void check_acknowledged(kv::Revision from, kv::Revision to) {
    for (const KvOp* op : writes_.acknowledged()) {
      if (op->revision < from || op->revision > to) continue;
      const Bytes key = kv::to_bytes(op->key);
      if (!kv::in_range(key, log_.key, log_.range_end)) continue;
      const ChangeId id{op->revision, key};
      const bool is_delete = op->kind == KvOp::Kind::kDelete;
      if (auto it = seen_.find(id); it != seen_.end()) {
        const kv::Event& got = *it->second.event;
        const bool matches = is_delete ? got.type == kv::Event::Type::kDelete
                                       : got.type == kv::Event::Type::kPut &&
                                             kv::to_string(got.kv.value) == op->value;
        if (!matches) {
          violation(WatchCheck::kLostAck, it->second.stream, op->revision, key,
                    str(describe(*op), " but the watcher got ", show(got), " at that revision"));
        }
        continue;
      }
      if (reference_.find(id) != nullptr) continue;
      auto [index, how] = blame(op->revision);
      violation(WatchCheck::kLostAck, index, op->revision, key,
                str(describe(*op), " never reached the watcher: ", how));
    }
  }

  const WatcherLog& log_;
  const ReferenceLog& reference_;
  const ClientWrites& writes_;
  const std::vector<std::string>& written_by_others_;
  const kv::Revision first_revision_;
  Report& report_;
  WatchCheckResult& result_;

  std::map<ChangeId, Delivery> seen_;    // delivered in order
  std::map<ChangeId, Delivery> late_;    // delivered below a revision the watcher had passed
  std::optional<kv::Revision> origin_;   // the first revision the watcher covers
  std::optional<kv::Revision> through_;  // it has received every change up to here
  std::vector<Span> spans_;              // one per stream
};

Status validate_watchers(std::span<const WatcherLog> watchers) {
  std::set<int> ids;
  for (const WatcherLog& log : watchers) {
    if (log.key.empty())
      return fail(Errc::kInvalidArgument, str("watcher ", log.watcher, " has an empty key"));
    if (!ids.insert(log.watcher).second) {
      return fail(Errc::kInvalidArgument, str("watcher id ", log.watcher, " is used twice"));
    }
  }
  return {};
}

}  // namespace

std::string_view to_string(WatchCheck check) {
  switch (check) {
    case WatchCheck::kOrder:
      return "order";
    case WatchCheck::kDuplicate:
      return "duplicate";
    case WatchCheck::kResumption:
      return "resumption";
    case WatchCheck::kGap:
      return "gap";
    case WatchCheck::kRange:
      return "range";
    case WatchCheck::kMismatch:
      return "mismatch";
    case WatchCheck::kUnwritten:
      return "unwritten value";
    case WatchCheck::kUnrequestedDelete:
      return "unrequested delete";
    case WatchCheck::kLostAck:
      return "lost acknowledged write";
  }
  KEEL_UNREACHABLE("unknown watch check ", static_cast<int>(check));
}

std::string describe(const WatchViolation& v) {
  std::string where = str("watcher ", v.watcher);
  if (v.stream >= 0) where += str(" stream ", v.stream, " (", v.member, ")");
  if (v.revision != 0) where += str(" revision ", v.revision);
  if (!v.key.empty()) where += str(" key ", v.key);
  return str(to_string(v.check), ": ", where, ": ", v.detail);
}

Result<WatchCheckResult> check_watches(const WatchCheckInput& input) {
  auto reference = ReferenceLog::build(input.reference, input.first_revision);
  if (!reference) return std::unexpected(std::move(reference.error()));
  if (auto valid = validate_watchers(input.watchers); !valid) {
    return std::unexpected(std::move(valid.error()));
  }
  const ClientWrites writes(input.history);
  WatchCheckResult result;
  Report report(result, input.max_violations);
  for (const WatcherLog& log : input.watchers) {
    WatcherCheck(log, *reference, writes, input.written_by_others, input.first_revision, report,
                 result)
        .run();
  }
  return result;
}

}  // namespace keel::sim
