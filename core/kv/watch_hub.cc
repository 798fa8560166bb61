#include "core/kv/watch_hub.h"

#include <algorithm>
#include <utility>

#include "core/env/assert.h"
#include "core/env/str.h"
#include "core/kv/validate.h"

namespace keel::kv {

WatchResponse watch_refused(const Error& error, Revision compact_revision) {
  WatchResponse response;
  response.canceled = true;
  response.cancel_reason = error.message;
  // watch() refuses a start below the compaction revision with kNotFound.
  if (error.code == Errc::kNotFound) response.compact_revision = compact_revision;
  return response;
}

WatchHub::WatchHub(const Store& store, WatchLimits limits)
    : store_(store), limits_(limits), revision_(store.revision()) {}

Result<WatchId> WatchHub::watch(const WatchRequest& request) {
  if (Status s = validate_key("watch.key", request.key); !s) return std::unexpected(s.error());
  if (Status s = validate_range_end("watch.range_end", request.range_end); !s) {
    return std::unexpected(s.error());
  }
  if (request.start_revision < 0) {
    return fail(Errc::kInvalidArgument,
                str("watch.start_revision: negative ", request.start_revision));
  }
  if (watchers_.size() >= limits_.max_watchers) {
    return fail(Errc::kLimitExceeded,
                str("too many watchers: max_watchers (", limits_.max_watchers, ") are open"));
  }
  // etcd: a watch from a compacted revision fails with the compaction revision.
  if (request.start_revision != 0 && request.start_revision < store_.compact_revision()) {
    return fail(Errc::kNotFound,
                str("required revision ", request.start_revision,
                    " has been compacted (compaction revision ", store_.compact_revision(), ")"));
  }
  const WatchId id = next_id_++;
  Watcher& w = watchers_[id];
  w.request = request;
  w.next = request.start_revision == 0 ? revision_ + 1 : request.start_revision;
  if (!synced(w)) catch_up(id, w);
  return id;
}

Status WatchHub::cancel(WatchId id) {
  if (watchers_.erase(id) == 0) return fail(Errc::kNotFound, str("unknown watcher ", id));
  ready_.erase(id);
  return {};
}

void WatchHub::push(WatchId id, Watcher& w, std::shared_ptr<const Event> event) {
  if (w.pending_events >= limits_.max_pending_events) {
    cancel_with(id, w,
                str("slow watcher: more than max_pending_events (", limits_.max_pending_events,
                    ") events not polled"),
                0);
    return;
  }
  const Revision revision = event->kv.mod_revision;
  w.pending.push_back(Item{std::move(event), revision});
  ++w.pending_events;
  ready_.insert(id);
}

void WatchHub::cancel_with(WatchId id, Watcher& w, std::string reason, Revision compact_revision) {
  w.canceled = true;
  w.cancel_reason = std::move(reason);
  w.compact_revision = compact_revision;
  w.pending.clear();
  w.pending_events = 0;
  ready_.insert(id);
}

void WatchHub::catch_up(WatchId id, Watcher& w) {
  while (!w.canceled && !synced(w) && w.pending_events < limits_.max_pending_events) {
    std::vector<Event> events;
    const std::size_t room = limits_.max_pending_events - w.pending_events;
    Result<Revision> next = store_.events(w.next, revision_, room, events);
    if (!next) {
      cancel_with(id, w, next.error().message, store_.compact_revision());
      return;
    }
    for (Event& event : events) {
      if (!in_range(event.kv.key, w.request.key, w.request.range_end)) continue;
      const Revision revision = event.kv.mod_revision;
      w.pending.push_back(Item{std::make_shared<const Event>(std::move(event)), revision});
      ++w.pending_events;
      ready_.insert(id);
    }
    w.next = *next;
  }
}

void WatchHub::on_applied() {
  const Revision current = store_.revision();
  KEEL_ASSERT(current >= revision_, "store revision went from ", revision_, " back to ", current);
  if (current == revision_) return;
  if (watchers_.empty()) {
    revision_ = current;
    return;
  }
  // Changes the hub has not taken may have been compacted (a snapshot restore, or history that
  // outran its limit): the synced watchers that needed them are canceled.
  if (revision_ + 1 < store_.compact_revision()) {
    for (auto& [id, w] : watchers_) {
      if (!w.canceled && synced(w) && w.next < store_.compact_revision()) {
        cancel_with(id, w,
                    str("required revision ", w.next, " has been compacted (compaction revision ",
                        store_.compact_revision(), ")"),
                    store_.compact_revision());
      }
    }
    revision_ = store_.compact_revision() - 1;
  }
  std::vector<Event> events;
  Result<Revision> taken = store_.events(revision_ + 1, current, SIZE_MAX, events);
  KEEL_ASSERT(taken.has_value(), "history from ", revision_ + 1, ": ", taken.error().message);
  std::vector<std::pair<WatchId, Watcher*>> listening;
  for (auto& [id, w] : watchers_) {
    if (!w.canceled && synced(w)) listening.emplace_back(id, &w);
  }
  for (Event& event : events) {
    auto shared = std::make_shared<const Event>(std::move(event));
    for (auto& [id, w] : listening) {
      if (w->canceled || shared->kv.mod_revision < w->next) continue;
      if (!in_range(shared->kv.key, w->request.key, w->request.range_end)) continue;
      push(id, *w, shared);
    }
  }
  for (auto& [id, w] : listening) w->next = std::max(w->next, current + 1);
  revision_ = current;
}

Status WatchHub::progress(WatchId id) {
  auto it = watchers_.find(id);
  if (it == watchers_.end()) return fail(Errc::kNotFound, str("unknown watcher ", id));
  Watcher& w = it->second;
  if (w.canceled) return fail(Errc::kNotFound, str("watcher ", id, " is canceled"));
  if (!synced(w)) return fail(Errc::kUnavailable, str("watcher ", id, " is catching up"));
  // One notification at most is queued: a later one replaces it.
  if (!w.pending.empty() && w.pending.back().event == nullptr) {
    w.pending.back().revision = revision_;
  } else {
    w.pending.push_back(Item{nullptr, revision_});
  }
  ready_.insert(id);
  return {};
}

void WatchHub::progress_all() {
  for (auto& [id, w] : watchers_) {
    if (!w.canceled && synced(w)) (void)progress(id);
  }
}

std::optional<WatchResponse> WatchHub::poll(WatchId id, std::size_t max_events) {
  auto it = watchers_.find(id);
  if (it == watchers_.end()) return std::nullopt;
  Watcher& w = it->second;
  WatchResponse response;
  response.watch_id = id;
  if (w.canceled) {
    response.canceled = true;
    response.cancel_reason = std::move(w.cancel_reason);
    response.compact_revision = w.compact_revision;
    response.revision = revision_;
    watchers_.erase(it);
    ready_.erase(id);
    return response;
  }
  if (!w.pending.empty() && w.pending.front().event == nullptr) {
    response.revision = w.pending.front().revision;
    w.pending.pop_front();
  } else {
    max_events = std::max<std::size_t>(1, std::min(max_events, kMaxWatchEvents));
    while (!w.pending.empty() && w.pending.front().event != nullptr) {
      const Item& item = w.pending.front();
      // Whole revisions: stop at a revision boundary once full.
      if (response.events.size() >= max_events && item.revision != response.revision) break;
      if (response.events.size() >= kMaxWatchEvents) break;
      Event& event = response.events.emplace_back(*item.event);
      if (!w.request.prev_kv) event.prev_kv.reset();
      response.revision = item.revision;
      w.pending.pop_front();
      --w.pending_events;
    }
  }
  if (!synced(w)) catch_up(id, w);
  if (w.pending.empty() && !w.canceled) ready_.erase(id);
  if (response.events.empty() && response.revision == 0) return std::nullopt;
  return response;
}

}  // namespace keel::kv
