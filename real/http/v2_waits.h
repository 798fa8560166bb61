// V2Waits: etcd v2's long-poll watches (GET ...?wait=true[&recursive=true][&waitIndex=N]) as
// watchers of the member's WatchHub. A wait is answered once, with the first v2 event at or after
// its start revision on its node (or below it, if recursive; hidden nodes only when named), then
// its watcher is canceled.
//
// Which v2 event a revision is comes from the keyspace's action record (v2_keyspace.h): the
// action and the node that the v2 write at that revision recorded; a revision with deletions and
// no record is a lease expiry ("expire", one per expired node). The event's nodes are read from
// the store at that revision and the one before, as etcd reports them (node after, prevNode
// before). A deletion of a directory answers the waits on nodes below it too (etcd's watcher hub
// does).
//
// The hub has no callback: waits are polled every `poll_interval` while any is open (a small
// delay on top of Raft's). Bounds: the hub's max_watchers; a wait whose start is compacted away
// fails with 401 (EventIndexCleared), one canceled by the hub with 400 (WatcherCleared).
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <expected>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "core/kv/types.h"
#include "real/http/kv_backend.h"
#include "real/http/v2_error.h"
#include "real/http/v2_keyspace.h"

namespace keel::real::http {

struct V2Event {
  std::string action;
  std::optional<V2Node> node;
  std::optional<V2Node> prev_node;
};

class V2Waits {
 public:
  using Answer = std::function<void(std::expected<V2Event, V2Error>)>;

  V2Waits(boost::asio::io_context& io, KvBackend& backend,
          std::chrono::milliseconds poll_interval = std::chrono::milliseconds(10));
  ~V2Waits();
  V2Waits(const V2Waits&) = delete;
  V2Waits& operator=(const V2Waits&) = delete;

  // Starts a wait from revision `from` (0: changes after now). `answer` runs once, later, unless
  // the wait is canceled first. Fails at once when the hub refuses the watcher.
  std::expected<kv::WatchId, V2Error> start(std::string path, bool recursive, kv::Revision from,
                                            Answer answer);
  void cancel(kv::WatchId id);
  std::size_t size() const { return waits_.size(); }

 private:
  struct Wait {
    std::string path;
    bool recursive = false;
    Answer answer;
  };

  void arm();
  void poll_all();
  // The v2 event the changes of one revision make for `wait`, if they concern it.
  std::optional<V2Event> event_for(const Wait& wait, kv::Revision revision,
                                   const std::vector<kv::Event>& events) const;
  bool concerns(const Wait& wait, const std::string& path, bool deleted) const;
  V2Event build(std::string action, const std::string& path, kv::Revision revision,
                bool deleted) const;

  KvBackend& backend_;
  std::chrono::milliseconds poll_interval_;
  boost::asio::steady_timer timer_;
  bool armed_ = false;
  std::map<kv::WatchId, Wait> waits_;
};

}  // namespace keel::real::http
