// WatchWorkload: watch clients outside the cluster (client hosts x1..xN of the World), each
// watching one prefix from revision 1 through the client protocol (core/node/client_protocol.h),
// and recording what it received as a WatcherLog for the watch checker.
//
// A watcher keeps one stream open on one member. The member numbers the stream's responses; the
// watcher puts early ones aside and delivers them in order (the network reorders and duplicates),
// and gives the stream up, to resume on the next member after the last revision it received, when
// a response stays missing for `gap_timeout`, when it hears nothing for `silence_timeout` (the
// member crashed or is cut off; it renews the stream every `renew_every` and each renewal is
// answered), or when the member cancels the stream.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "sim/checkers/watch_history.h"
#include "sim/world.h"

namespace keel::sim {

struct WatchWorkloadOptions {
  int clients = 1;
  std::string prefix;  // "" watches every key
  Duration renew_every = std::chrono::seconds(1);
  Duration silence_timeout = std::chrono::seconds(3);
  Duration gap_timeout = std::chrono::milliseconds(500);
  std::size_t max_early = 1024;  // responses put aside while one is missing; past it, resume
  std::uint64_t cluster = 1;
};

struct WatchWorkloadStats {
  std::uint64_t streams = 0;
  std::uint64_t events = 0;
  std::uint64_t resumed_after_gap = 0;
  std::uint64_t resumed_after_silence = 0;
  std::uint64_t canceled_by_member = 0;
};

class WatchWorkload {
 public:
  using Members = std::function<std::vector<NodeId>()>;
  WatchWorkload(World& world, Members members, WatchWorkloadOptions options);
  ~WatchWorkload();

  void start();  // adds the client hosts; they watch until the run ends
  // The lowest revision every watcher has received or been told it has all events up to.
  kv::Revision caught_up_to() const;
  const std::vector<WatcherLog>& logs() const { return logs_; }
  const WatchWorkloadStats& stats() const { return stats_; }

 private:
  class Watcher;
  friend class Watcher;

  World& world_;
  Members members_;
  WatchWorkloadOptions options_;
  std::vector<Watcher*> watchers_;  // owned by their hosts (they never crash)
  std::vector<WatcherLog> logs_;    // by watcher - 1
  WatchWorkloadStats stats_;
};

}  // namespace keel::sim
