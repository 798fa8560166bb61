#include "sim/sim_network.h"

#include <algorithm>

#include "core/env/assert.h"

namespace keel::sim {

void SimNetwork::set_link(NodeId from, NodeId to, const LinkConfig& config) {
  KEEL_ASSERT(config.latency_low <= config.latency_high, "latency range reversed");
  links_[{from, to}] = config;
}

void SimNetwork::clear_link(NodeId from, NodeId to) { links_.erase({from, to}); }

const LinkConfig& SimNetwork::link(NodeId from, NodeId to) const {
  if (links_.empty()) return default_;
  auto it = links_.find({from, to});
  return it == links_.end() ? default_ : it->second;
}

void SimNetwork::block(NodeId from, NodeId to) {
  const std::pair<NodeId, NodeId> key{from, to};
  auto it = std::lower_bound(blocked_.begin(), blocked_.end(), key);
  if (it == blocked_.end() || *it != key) blocked_.insert(it, key);
}

void SimNetwork::partition(const std::vector<std::vector<NodeId>>& groups,
                           const std::vector<NodeId>& all) {
  heal();
  auto group_of = [&](NodeId node) -> int {
    for (std::size_t g = 0; g < groups.size(); ++g) {
      if (std::find(groups[g].begin(), groups[g].end(), node) != groups[g].end()) {
        return static_cast<int>(g);
      }
    }
    return -1;
  };
  for (NodeId a : all) {
    for (NodeId b : all) {
      if (a == b) continue;
      const int ga = group_of(a);
      if (ga < 0 || ga != group_of(b)) block(a, b);
    }
  }
}

void SimNetwork::heal() { blocked_.clear(); }

bool SimNetwork::blocked(NodeId from, NodeId to) const {
  if (blocked_.empty()) return false;
  return std::binary_search(blocked_.begin(), blocked_.end(), std::pair{from, to});
}

void SimNetwork::clog(NodeId from, NodeId to, Time until) { clogged_until_[{from, to}] = until; }

SimNetwork::Route SimNetwork::route(NodeId from, NodeId to, Time now) {
  ++stats_.sent;
  Route deliveries;
  if (blocked(from, to)) {
    ++stats_.dropped_partition;
    return deliveries;
  }
  const LinkConfig& config = link(from, to);
  if (random_.chance(config.drop)) {
    ++stats_.dropped_random;
    return deliveries;
  }
  deliveries.copies = random_.chance(config.duplicate) ? 2 : 1;
  if (deliveries.copies == 2) ++stats_.duplicated;
  Time earliest = now;
  if (!clogged_until_.empty()) {
    auto it = clogged_until_.find({from, to});
    if (it != clogged_until_.end()) {
      if (it->second > now) {
        earliest = it->second;
      } else {
        clogged_until_.erase(it);
      }
    }
  }
  for (int i = 0; i < deliveries.copies; ++i) {
    deliveries.at[i] =
        std::max(earliest, now + random_.between(config.latency_low, config.latency_high));
  }
  return deliveries;
}

}  // namespace keel::sim
