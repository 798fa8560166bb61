// Test helper for the watch checker: a Story builds a consistent world change by change (the
// store's reference change log with etcd's create/mod revision and version, and the client
// operations of a KV history that made each change), from which tests cut watcher streams.
// Revision r is committed at time at(r); its write is invoked just before.
#pragma once

#include <chrono>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/kv/types.h"
#include "sim/checkers/kv_history.h"
#include "sim/checkers/watch_history.h"

namespace keel::sim::story {

class Story {
 public:
  static Time at(kv::Revision revision) { return Time(std::chrono::milliseconds(10 * revision)); }

  // A client puts key=value, committed at the next revision; kOk answers carry the revision.
  const kv::Event& put(std::string_view key, std::string_view value,
                       KvOp::Outcome outcome = KvOp::Outcome::kOk) {
    const kv::Revision revision = ++revision_;
    record(KvOp::Kind::kPut, key, value, outcome, revision);
    return reference.emplace_back(apply_put(key, value, revision));
  }

  // A client deletes an existing key at the next revision.
  const kv::Event& remove(std::string_view key) {
    const kv::Revision revision = ++revision_;
    record(KvOp::Kind::kDelete, key, "", KvOp::Outcome::kOk, revision).deleted = true;
    return reference.emplace_back(apply_delete(key, revision));
  }

  // Several puts committed at one revision (a txn), each by a put whose answer was lost.
  void txn(const std::vector<std::pair<std::string, std::string>>& puts) {
    const kv::Revision revision = ++revision_;
    for (const auto& [key, value] : puts) {
      record(KvOp::Kind::kPut, key, value, KvOp::Outcome::kUnknown, revision);
      reference.push_back(apply_put(key, value, revision));
    }
  }

  // Changes the store made that no client asked for.
  const kv::Event& phantom_put(std::string_view key, std::string_view value) {
    return reference.emplace_back(apply_put(key, value, ++revision_));
  }
  const kv::Event& phantom_delete(std::string_view key) {
    return reference.emplace_back(apply_delete(key, ++revision_));
  }

  // The reference events with revisions in [from, to] and keys in [key, range_end).
  std::vector<kv::Event> events(kv::Revision from, kv::Revision to, std::string_view key = "a",
                                std::string_view range_end = std::string_view("\0", 1)) const {
    std::vector<kv::Event> out;
    for (const kv::Event& e : reference) {
      if (e.kv.mod_revision >= from && e.kv.mod_revision <= to &&
          kv::in_range(e.kv.key, kv::to_bytes(key), kv::to_bytes(range_end))) {
        out.push_back(e);
      }
    }
    return out;
  }

  kv::Revision revision() const { return revision_; }

  std::vector<kv::Event> reference;
  KvHistory history;

 private:
  KvOp& record(KvOp::Kind kind, std::string_view key, std::string_view value, KvOp::Outcome outcome,
               kv::Revision revision) {
    KvOp op;
    op.id = history.size() + 1;
    op.client = static_cast<int>(op.id % 3);
    op.kind = kind;
    op.key = key;
    op.value = value;
    op.invoked = at(revision) - std::chrono::milliseconds(5);
    op.completed = at(revision) + std::chrono::milliseconds(1);
    op.outcome = outcome;
    if (outcome == KvOp::Outcome::kOk) op.revision = revision;
    return history.emplace_back(std::move(op));
  }

  kv::Event apply_put(std::string_view key, std::string_view value, kv::Revision revision) {
    kv::KeyValue& live = live_[std::string(key)];
    if (live.version == 0) live.create_revision = revision;
    live.key = kv::to_bytes(key);
    live.value = kv::to_bytes(value);
    live.mod_revision = revision;
    ++live.version;
    return kv::Event{kv::Event::Type::kPut, live, std::nullopt};
  }

  kv::Event apply_delete(std::string_view key, kv::Revision revision) {
    live_.erase(std::string(key));
    kv::KeyValue gone;
    gone.key = kv::to_bytes(key);
    gone.mod_revision = revision;
    return kv::Event{kv::Event::Type::kDelete, gone, std::nullopt};
  }

  kv::Revision revision_ = 0;
  std::map<std::string, kv::KeyValue> live_;
};

// A stream from `member` asking for `start`, opened at Story::at(start).
inline WatchStream stream(std::string member, kv::Revision start, std::vector<kv::Event> events,
                          kv::Revision progress = 0) {
  WatchStream s;
  s.member = std::move(member);
  s.start_revision = start;
  s.opened = Story::at(start);
  s.events = std::move(events);
  s.progress_revision = progress;
  return s;
}

inline WatcherLog watcher(int id, std::string_view key, std::string_view range_end,
                          std::vector<WatchStream> streams) {
  return WatcherLog{id, kv::to_bytes(key), kv::to_bytes(range_end), std::move(streams)};
}

}  // namespace keel::sim::story
