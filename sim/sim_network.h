// SimNetwork: decides the fate of every frame between simulated machines: delivered after a
// latency drawn from the link's range (jitter reorders), lost, duplicated, blocked by a partition,
// or held back by a clogged link. It only decides; the World carries the bytes.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <utility>
#include <vector>

#include "core/env/random.h"
#include "core/env/types.h"

namespace keel::sim {

struct LinkConfig {
  Duration latency_low = std::chrono::milliseconds(1);
  Duration latency_high = std::chrono::milliseconds(10);
  double drop = 0.0;       // probability a frame is lost
  double duplicate = 0.0;  // probability a frame is delivered twice
};

struct NetworkStats {
  std::uint64_t sent = 0;
  std::uint64_t delivered = 0;
  std::uint64_t dropped_random = 0;
  std::uint64_t dropped_partition = 0;
  std::uint64_t dropped_down = 0;  // the receiver was down or restarted while the frame flew
  std::uint64_t duplicated = 0;
};

class SimNetwork {
 public:
  explicit SimNetwork(Random random) : random_(std::move(random)) {}

  void set_default(const LinkConfig& config) { default_ = config; }
  const LinkConfig& default_config() const { return default_; }
  // A per-direction override; clear_link() returns the link to the default.
  void set_link(NodeId from, NodeId to, const LinkConfig& config);
  void clear_link(NodeId from, NodeId to);

  // Partitions: a blocked direction drops every frame sent on it, and every frame in flight on it
  // when it arrives. A new partition replaces the current one; heal() removes it.
  void block(NodeId from, NodeId to);
  // Machines in different groups cannot talk; machines in no group talk to nobody.
  void partition(const std::vector<std::vector<NodeId>>& groups, const std::vector<NodeId>& all);
  void heal();
  bool blocked(NodeId from, NodeId to) const;

  // Holds every frame on from->to until `until` (it is delivered then, not lost).
  void clog(NodeId from, NodeId to, Time until);

  // The fate of one frame sent at `now`: lost (no copies), delivered once, or twice (duplicated).
  struct Route {
    int copies = 0;
    Time at[2];
  };
  Route route(NodeId from, NodeId to, Time now);

  NetworkStats& stats() { return stats_; }

 private:
  const LinkConfig& link(NodeId from, NodeId to) const;

  Random random_;
  LinkConfig default_;
  std::map<std::pair<NodeId, NodeId>, LinkConfig> links_;
  std::vector<std::pair<NodeId, NodeId>> blocked_;  // sorted
  std::map<std::pair<NodeId, NodeId>, Time> clogged_until_;
  NetworkStats stats_;
};

}  // namespace keel::sim
