// What the watch clients of a workload saw: for each watcher, its streams (one per connection to a
// member, in order; a watcher reconnects after a lost stream, resuming after the last revision it
// received), each with the events it delivered in arrival order. The watch checker
// (watch_checker.h) holds them against the store's change log and the KV history.
#pragma once

#include <string>
#include <vector>

#include "core/env/types.h"
#include "core/kv/types.h"

namespace keel::sim {

struct WatchStream {
  std::string member;                  // the machine that served it
  kv::Revision start_revision = 0;     // the revision the watcher asked to start from
  Time opened{};                       // when the watcher sent its request
  std::vector<kv::Event> events;       // delivered to the watcher, in order
  kv::Revision progress_revision = 0;  // the highest progress notification received (0: none)
  bool canceled = false;               // the member canceled it (slow watcher, compaction)
  std::string cancel_reason;
};

struct WatcherLog {
  int watcher = 0;
  Bytes key;  // the watched range: [key, range_end), etcd's convention (kv/types.h)
  Bytes range_end;
  std::vector<WatchStream> streams;
};

}  // namespace keel::sim
