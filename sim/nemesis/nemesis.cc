#include "sim/nemesis/nemesis.h"

#include <algorithm>

#include "core/env/assert.h"

namespace keel::sim {
namespace {

template <class... Ts>
struct Overloaded : Ts... {
  using Ts::operator()...;
};

constexpr std::int64_t to_ppm(double rate) {
  return static_cast<std::int64_t>(rate * SimClock::kOneRate + (rate >= 0 ? 0.5 : -0.5));
}

}  // namespace

Nemesis::Nemesis(Cluster& cluster, std::vector<Fault> faults)
    : cluster_(cluster),
      world_(cluster.world()),
      faults_(std::move(faults)),
      random_(Random(world_.seed()).derive("nemesis")) {
  cluster_.on_leader_elected([this](NodeId leader, raft::Term) {
    if (world_.now() < trap_new_leaders_until_ && random_.chance(0.9)) isolate_new_leader(leader);
    figure8_.on_leader_elected(leader);
  });
}

void Nemesis::heal_partition() {
  world_.heal();
  cluster_.leader_back();
}

void Nemesis::isolate_new_leader(NodeId leader) {
  cluster_.leader_lost();
  world_.isolate(leader);
  ++stats_.partitions;
  const std::uint64_t generation = ++partition_generation_;
  const node::NodeConfig& config = cluster_.options().node;
  const Duration lasts = random_.between(config.tick, 2 * config.raft.election_ticks * config.tick);
  world_.after(lasts, [this, generation] {
    if (partition_generation_ == generation) heal_partition();
  });
}

NodeId Nemesis::id_of(const std::string& name) const {
  const NodeId id = world_.id_of(name);
  KEEL_ASSERT(id != kNoNode, "fault names unknown machine '", name, "' (the loader checks names)");
  return id;
}

void Nemesis::schedule(Time start, Time end) {
  for (const Fault& fault : faults_) {
    if (!fault.every) {
      if (start + fault.at < end) world_.at(start + fault.at, [this, &fault] { fire(fault); });
      continue;
    }
    KEEL_ASSERT(*fault.every > Duration::zero(), "a repeated fault needs a positive period");
    const Time last = fault.until ? std::min(end, start + *fault.until) : end;
    for (Time t = start + fault.at; t < last; t += *fault.every) {
      world_.at(t, [this, &fault] { fire(fault); });
    }
  }
}

// `follower`, `minority` and `majority` count members, that is the voters of the committed
// configuration (SCENARIOS.md, "Targets"); `random` and `all` pick among every machine, members
// and workers.
std::vector<NodeId> Nemesis::resolve(const Target& target, bool want_up) {
  const bool among_voters = target.kind == Target::Kind::kFollower ||
                            target.kind == Target::Kind::kMinority ||
                            target.kind == Target::Kind::kMajority;
  const std::vector<NodeId> members =
      among_voters ? cluster_.configuration().voters : world_.machine_ids();
  std::vector<NodeId> candidates;
  for (NodeId id : members) {
    if (world_.host(id).up() == want_up) candidates.push_back(id);
  }
  auto pick = [&](std::vector<NodeId> from, std::size_t count) {
    std::vector<NodeId> chosen;
    while (chosen.size() < count && !from.empty()) {
      const std::size_t i = random_.below(from.size());
      chosen.push_back(from[i]);
      from.erase(from.begin() + static_cast<std::ptrdiff_t>(i));
    }
    std::sort(chosen.begin(), chosen.end());
    return chosen;
  };
  const NodeId leader = cluster_.leader();
  switch (target.kind) {
    case Target::Kind::kNames: {
      std::vector<NodeId> named;
      for (const std::string& name : target.names) {
        const NodeId id = id_of(name);
        if (world_.host(id).up() == want_up) named.push_back(id);
      }
      return named;
    }
    case Target::Kind::kLeader:
      if (leader != kNoNode && want_up) return {leader};
      return {};
    case Target::Kind::kFollower:
      std::erase(candidates, leader);
      return pick(candidates, 1);
    case Target::Kind::kRandom:
      return pick(candidates, 1);
    case Target::Kind::kMinority:
      return pick(candidates, (members.size() - 1) / 2);
    case Target::Kind::kMajority:
      return pick(candidates, members.size() / 2 + 1);
    case Target::Kind::kAll:
      return candidates;
  }
  KEEL_UNREACHABLE("target kind");
}

void Nemesis::crash(NodeId id, CrashMode mode, std::optional<Duration> restart_after) {
  if (!world_.host(id).up()) return;
  if (id == cluster_.leader()) cluster_.leader_lost();
  if (world_.host(id).state() == HostState::kPaused) world_.resume(id);
  world_.crash(id, mode);
  ++stats_.crashes;
  if (restart_after) {
    world_.after(*restart_after, [this, id] {
      if (!world_.host(id).up()) world_.restart(id);
    });
  }
}

// Partitions split every machine, members and workers (clients are never cut off).
void Nemesis::apply_partition(const PartitionFault& p, std::optional<Duration> lasts) {
  const std::vector<NodeId> members = world_.machine_ids();
  std::vector<NodeId> shuffled = members;
  for (std::size_t i = shuffled.size(); i > 1; --i) {
    std::swap(shuffled[i - 1], shuffled[random_.below(i)]);
  }
  auto names_to_ids = [&](const std::vector<std::string>& names) {
    std::vector<NodeId> ids;
    for (const auto& name : names) ids.push_back(id_of(name));
    return ids;
  };
  auto rest = [&](const std::vector<NodeId>& some) {
    std::vector<NodeId> others;
    for (NodeId id : members) {
      if (std::find(some.begin(), some.end(), id) == some.end()) others.push_back(id);
    }
    return others;
  };
  const std::size_t half = shuffled.size() / 2;
  const std::vector<NodeId> first(shuffled.begin(), shuffled.begin() + half);
  const std::vector<NodeId> second(shuffled.begin() + half, shuffled.end());
  switch (p.kind) {
    case PartitionFault::Kind::kIsolateLeader: {
      NodeId leader = cluster_.leader();
      if (leader == kNoNode) leader = shuffled.front();
      cluster_.leader_lost();
      world_.isolate(leader);
      break;
    }
    case PartitionFault::Kind::kIsolateNewLeader:
      // Armed for the fault's window (or to the end of the run); isolate_new_leader() strikes.
      trap_new_leaders_until_ = lasts ? world_.now() + *lasts : Time::max();
      return;
    case PartitionFault::Kind::kFigure8:
      figure8_.arm(lasts ? world_.now() + *lasts : Time::max());  // rounds partition on their own
      return;
    case PartitionFault::Kind::kIsolate: {
      const auto isolated = names_to_ids(p.nodes);
      world_.partition({isolated, rest(isolated)});
      break;
    }
    case PartitionFault::Kind::kHalves:
      world_.partition({first, second});
      break;
    case PartitionFault::Kind::kMajorityMinority: {
      const std::size_t minority = (shuffled.size() - 1) / 2;
      world_.partition({std::vector<NodeId>(shuffled.begin(), shuffled.begin() + minority),
                        std::vector<NodeId>(shuffled.begin() + minority, shuffled.end())});
      break;
    }
    case PartitionFault::Kind::kBridge: {
      // The bridge is the first of the second half; it sees both halves.
      const NodeId bridge = second.front();
      std::vector<std::pair<NodeId, NodeId>> cut;
      for (NodeId a : first) {
        for (NodeId b : second) {
          if (b == bridge) continue;
          cut.emplace_back(a, b);
          cut.emplace_back(b, a);
        }
      }
      world_.cut(cut, "bridge via " + world_.host(bridge).name());
      break;
    }
    case PartitionFault::Kind::kRing: {
      std::vector<std::pair<NodeId, NodeId>> cut;
      const std::size_t n = shuffled.size();
      for (std::size_t i = 0; i < n; ++i) {
        for (std::size_t j = 0; j < n; ++j) {
          const std::size_t distance = std::min((i + n - j) % n, (j + n - i) % n);
          if (distance > 1) cut.emplace_back(shuffled[i], shuffled[j]);
        }
      }
      world_.cut(cut, "ring");
      break;
    }
    case PartitionFault::Kind::kGroups: {
      std::vector<std::vector<NodeId>> groups;
      for (const auto& group : p.groups) groups.push_back(names_to_ids(group));
      world_.partition(groups);
      break;
    }
    case PartitionFault::Kind::kOneWay: {
      std::vector<std::pair<NodeId, NodeId>> cut;
      for (NodeId a : names_to_ids(p.from)) {
        for (NodeId b : names_to_ids(p.to)) cut.emplace_back(a, b);
      }
      world_.cut(cut, "one-way");
      break;
    }
  }
  ++stats_.partitions;
  const std::uint64_t generation = ++partition_generation_;
  if (lasts) {
    // Heal only if no later partition replaced this one.
    world_.after(*lasts, [this, generation] {
      if (partition_generation_ == generation) heal_partition();
    });
  }
}

void Nemesis::fire(const Fault& fault) {
  ++stats_.fired;
  std::visit(Overloaded{
                 [&](const PartitionFault& p) { apply_partition(p, fault.lasts); },
                 [&](const CrashFault& c) {
                   for (NodeId id : resolve(c.target, true)) {
                     crash(id, CrashMode::kLoseUnsynced, c.restart_after);
                   }
                 },
                 [&](const RestartFault& r) {
                   for (NodeId id : resolve(r.target, false)) world_.restart(id);
                 },
                 [&](const ClockFault& c) {
                   for (NodeId id : resolve(c.target, true)) {
                     if (c.offset) world_.step_clock(id, *c.offset);
                     if (c.drift) world_.set_clock_rate(id, to_ppm(*c.drift));
                     if (!fault.lasts) continue;
                     world_.after(*fault.lasts, [this, id, c] {
                       if (c.offset) world_.step_clock(id, -*c.offset);
                       if (c.drift) world_.set_clock_rate(id, SimClock::kOneRate);
                     });
                   }
                 },
                 [&](const DiskFault& d) {
                   for (NodeId id : resolve(d.target, true)) {
                     if (d.kind == DiskFault::Kind::kStall) {
                       world_.host(id).fs().set_stalled(true);
                       world_.record("disk-stall", {{"machine", world_.host(id).name()}});
                       if (fault.lasts) world_.after(*fault.lasts, [this, id] { end_stall(id); });
                       continue;
                     }
                     crash(id,
                           d.kind == DiskFault::Kind::kCorruptTail ? CrashMode::kCorruptTail
                                                                   : CrashMode::kLoseUnsynced,
                           d.restart_after);
                   }
                 },
                 [&](const NetworkFault& n) { begin_network_fault(n, fault.lasts); },
                 [&](const PauseFault& p) {
                   for (NodeId id : resolve(p.target, true)) {
                     if (world_.host(id).state() != HostState::kUp) continue;
                     world_.pause(id);
                     if (fault.lasts) world_.after(*fault.lasts, [this, id] { world_.resume(id); });
                   }
                 },
                 [&](const MemberFault& m) { member_changes_.start(m); },
                 [&](const ContainerFault& c) {
                   for (NodeId id : world_.machine_ids()) {
                     Host& host = world_.host(id);
                     if (!host.up()) continue;
                     if (c.kind == ContainerFault::Kind::kCrash) {
                       host.containers().crash(c.unit);
                     } else {
                       host.containers().fail_next_start(c.unit);
                     }
                   }
                 },
                 [&](const HealFault&) {
                   ++partition_generation_;
                   heal_partition();
                   for (NodeId id : world_.machine_ids()) {
                     if (world_.host(id).state() == HostState::kPaused) world_.resume(id);
                   }
                   end_network_faults();
                 },
             },
             fault.action);
}

// Link faults overlap (a repeated one with itself, or with others): each ends when its own
// duration is over, and what the others in force set comes back, the later over the earlier.
// Restoring the defaults saved when a fault began would not do: with two overlapping faults, the
// one that ends last restores what the other set, which then outlived both.
void Nemesis::begin_network_fault(const NetworkFault& fault, std::optional<Duration> lasts) {
  if (network_faults_.empty()) network_base_ = world_.network().default_config();
  const std::uint64_t number = ++network_faults_begun_;
  network_faults_.emplace_back(number, fault);
  apply_network_faults();
  if (!lasts) return;
  world_.after(*lasts, [this, number] {
    // A heal may have ended it already.
    if (std::erase_if(network_faults_, [&](const auto& f) { return f.first == number; }) == 0) {
      return;
    }
    apply_network_faults();
  });
}

void Nemesis::apply_network_faults() {
  LinkConfig config = network_base_;
  for (const auto& [number, fault] : network_faults_) {
    if (fault.drop) config.drop = *fault.drop;
    if (fault.duplicate) config.duplicate = *fault.duplicate;
    if (fault.latency) std::tie(config.latency_low, config.latency_high) = *fault.latency;
  }
  world_.set_link_defaults(config);
}

void Nemesis::end_network_faults() {
  if (network_faults_.empty()) return;
  network_faults_.clear();
  world_.set_link_defaults(network_base_);
}

void Nemesis::end_stall(NodeId id) {
  SimFileSystem& fs = world_.host(id).fs();
  if (!fs.stalled()) return;
  fs.set_stalled(false);
  world_.record("disk-stall-end", {{"machine", world_.host(id).name()}});
}

void Nemesis::heal_all() {
  member_changes_.stop_all();
  ++partition_generation_;
  trap_new_leaders_until_ = Time{};
  figure8_.disarm();
  heal_partition();
  end_network_faults();
  const std::vector<NodeId> configured = cluster_.configured_machines();
  const std::vector<NodeId> members = cluster_.members();
  for (NodeId id : world_.machine_ids()) {
    Host& host = world_.host(id);
    if (host.state() == HostState::kPaused) world_.resume(id);
    // A member out of the configuration stays down, decommissioned as etcd's removed members
    // shut themselves down: back up, it could only disturb the members (thesis §4.2.3). Workers
    // always come back.
    const bool member = std::find(members.begin(), members.end(), id) != members.end();
    const bool in_configuration = std::binary_search(configured.begin(), configured.end(), id);
    if (!host.up() && (in_configuration || !member)) world_.restart(id);
    end_stall(id);
    if (host.clock().rate() != SimClock::kOneRate) world_.set_clock_rate(id, SimClock::kOneRate);
  }
}

}  // namespace keel::sim
