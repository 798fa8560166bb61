// WatchHub: the watchers of one member, owned beside its Store and fed by it (etcd's
// watchableStore, without goroutines). The node calls on_applied() after applying Raft entries;
// the transport drains each watcher with poll() and sends the responses to its client.
//
// Guarantees to each watcher: the events of its range with revisions >= its start, in revision
// order, with no gap and no duplicate, until it is canceled; then one last response with
// canceled = true and the reason. A watcher starting in the past first gets the store's history
// (catching up in bounded steps as it is drained); once caught up it is "synced" and gets new
// events as they are applied.
//
// Limits: at most max_watchers watchers; a synced watcher holds at most max_pending_events events
// not yet polled. A watcher that falls further behind is canceled with a reason ("slow watcher"),
// never left to grow. A watcher still catching up is canceled if the history it needs is
// compacted away, with the compaction revision (etcd's compacted watch response).
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/env/error.h"
#include "core/kv/store.h"
#include "core/kv/types.h"

namespace keel::kv {

struct WatchLimits {
  std::size_t max_watchers = 10000;
  std::size_t max_pending_events = 1024;
};

// The response that tells a client its watch could not start (watch() failed with `error`): a
// canceled response with the reason, and the compaction revision when the start was compacted.
WatchResponse watch_refused(const Error& error, Revision compact_revision);

class WatchHub {
 public:
  // `store` must outlive the hub; the hub starts at the store's current revision.
  explicit WatchHub(const Store& store, WatchLimits limits = {});

  // Starts a watcher. Fails with kLimitExceeded past max_watchers, kInvalidArgument for a bad key
  // or range, kNotFound if start_revision is below the compaction revision (the message names the
  // compaction revision: "required revision 3 has been compacted (compaction revision 7)").
  Result<WatchId> watch(const WatchRequest& request);
  // Removes a watcher at once (a client's cancel); no response follows. kNotFound if unknown.
  Status cancel(WatchId id);

  // Takes the store's changes since the last call to the synced watchers. Call after each applied
  // entry (or batch of entries), and after a snapshot restore.
  void on_applied();

  // Asks for a progress notification (etcd's progress_notify / RequestProgress): a synced watcher
  // with nothing else queued is told the hub's revision, meaning it has every event up to it.
  // kUnavailable if the watcher is still catching up; kNotFound if unknown.
  Status progress(WatchId id);
  void progress_all();

  // The watchers with something to poll, ascending.
  std::vector<WatchId> ready() const { return {ready_.begin(), ready_.end()}; }
  // The next response of a watcher: up to max_events events (whole revisions unless one revision
  // alone is larger), or a progress notification, or its cancellation (after which the watcher is
  // gone). Nothing if it has nothing to say or is unknown.
  std::optional<WatchResponse> poll(WatchId id, std::size_t max_events = kMaxWatchEvents);

  std::size_t size() const { return watchers_.size(); }
  // The revision up to which changes have been taken from the store.
  Revision revision() const { return revision_; }

 private:
  struct Item {
    std::shared_ptr<const Event> event;  // null: a progress notification at `revision`
    Revision revision;
  };
  struct Watcher {
    WatchRequest request;
    Revision next;  // the first revision not yet queued or skipped
    std::deque<Item> pending;
    std::size_t pending_events = 0;
    bool canceled = false;
    std::string cancel_reason;
    Revision compact_revision = 0;
  };

  bool synced(const Watcher& w) const { return w.next > revision_; }
  void push(WatchId id, Watcher& w, std::shared_ptr<const Event> event);
  void cancel_with(WatchId id, Watcher& w, std::string reason, Revision compact_revision);
  // Fills an unsynced watcher from history, up to its free space.
  void catch_up(WatchId id, Watcher& w);

  const Store& store_;
  WatchLimits limits_;
  Revision revision_;
  WatchId next_id_ = 1;
  std::map<WatchId, Watcher> watchers_;
  std::set<WatchId> ready_;
};

}  // namespace keel::kv
