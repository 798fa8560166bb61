#include "tests/sim/scenario/scenario_generator.h"

#include <algorithm>

#include "core/env/str.h"

namespace keel::sim::testing {
namespace {

using std::chrono::milliseconds;

// Whole numbers of ns, us, ms or s, so that every unit of the writer is used; below 2^53 ns, where
// a duration's text reads back exactly.
Duration any_duration(std::int64_t low_ns = 0) {
  const std::int64_t unit = *rc::gen::element<std::int64_t>(1, 1'000, 1'000'000, 1'000'000'000);
  const std::int64_t count = *rc::gen::inRange<std::int64_t>(0, 100'000);
  return std::max(Duration(count * unit), Duration(low_ns));
}

std::pair<Duration, Duration> any_range() {
  Duration a = any_duration(), b = any_duration();
  return std::minmax(a, b);
}

// A double in [low, high]: often a short decimal, else one of full precision.
double any_real(double low, double high) {
  constexpr std::int64_t kSteps = std::int64_t{1} << 53;
  if (*rc::gen::arbitrary<bool>()) {
    return low + static_cast<double>(*rc::gen::inRange<int>(0, 101)) * (high - low) / 100;
  }
  return low + static_cast<double>(*rc::gen::inRange<std::int64_t>(0, kSteps + 1)) /
                   static_cast<double>(kSteps) * (high - low);
}

// Printable text with the characters YAML treats specially: quotes, colons, '#', leading spaces.
std::string any_text() {
  return *rc::gen::container<std::string>(rc::gen::weightedOneOf<char>(
      {{8, rc::gen::inRange<char>('a', 'z' + 1)},
       {4, rc::gen::inRange<char>(' ', '~' + 1)},
       {1, rc::gen::element<char>(':', '#', '"', '\'', '-', '\n', '{', '[', '~', '&', '*')}}));
}

std::vector<std::string> some_of(const std::vector<std::string>& names) {
  return *rc::gen::nonEmpty(
      rc::gen::container<std::vector<std::string>>(rc::gen::elementOf(names)));
}

Target any_target(const std::vector<std::string>& names) {
  const auto kind = *rc::gen::element(
      Target::Kind::kNames, Target::Kind::kLeader, Target::Kind::kFollower, Target::Kind::kRandom,
      Target::Kind::kMinority, Target::Kind::kMajority, Target::Kind::kAll);
  if (kind != Target::Kind::kNames) return Target{kind, {}};
  return Target{kind, some_of(names)};
}

PartitionFault any_partition(const std::vector<std::string>& names) {
  using Kind = PartitionFault::Kind;
  auto kind = *rc::gen::element(Kind::kIsolateLeader, Kind::kIsolateNewLeader, Kind::kFigure8,
                                Kind::kIsolate, Kind::kHalves, Kind::kMajorityMinority,
                                Kind::kBridge, Kind::kRing, Kind::kGroups, Kind::kOneWay);
  if (kind == Kind::kGroups && names.size() < 2) kind = Kind::kIsolate;  // groups need two
  PartitionFault p{kind, {}, {}, {}, {}};
  if (kind == Kind::kIsolate) p.nodes = some_of(names);
  if (kind == Kind::kOneWay) {
    p.from = some_of(names);
    p.to = some_of(names);
  }
  if (kind == Kind::kGroups) {
    // Two or more disjoint, non-empty groups; a machine past the first few may be in none.
    const int groups = *rc::gen::inRange<int>(2, static_cast<int>(names.size()) + 1);
    p.groups.resize(static_cast<std::size_t>(groups));
    for (std::size_t i = 0; i < names.size(); ++i) {
      const int g = i < p.groups.size() ? static_cast<int>(i) : *rc::gen::inRange(-1, groups);
      if (g >= 0) p.groups[static_cast<std::size_t>(g)].push_back(names[i]);
    }
  }
  return p;
}

FaultAction any_action(const std::vector<std::string>& names) {
  switch (*rc::gen::inRange(0, 8)) {
    case 0:
      return any_partition(names);
    case 1: {
      CrashFault c{any_target(names), std::nullopt};
      if (*rc::gen::arbitrary<bool>()) c.restart_after = any_duration();
      return c;
    }
    case 2:
      return RestartFault{any_target(names)};
    case 3: {
      ClockFault c{any_target(names), std::nullopt, std::nullopt};
      const int which = *rc::gen::inRange(1, 4);  // offset, drift or both
      if (which & 1) c.offset = any_duration() * (*rc::gen::arbitrary<bool>() ? 1 : -1);
      if (which & 2) c.drift = any_real(0.5, 2.0);
      return c;
    }
    case 4: {
      const auto kind = *rc::gen::element(DiskFault::Kind::kLoseUnsynced,
                                          DiskFault::Kind::kCorruptTail, DiskFault::Kind::kStall);
      // A stall does not restart: the loader leaves its restart_after at the default.
      const Duration restart =
          kind == DiskFault::Kind::kStall ? std::chrono::seconds(1) : any_duration();
      return DiskFault{any_target(names), kind, restart};
    }
    case 5: {
      NetworkFault n;
      const int which = *rc::gen::inRange(1, 8);  // any non-empty mix of the three
      if (which & 1) n.drop = any_real(0, 1);
      if (which & 2) n.duplicate = any_real(0, 1);
      if (which & 4) n.latency = any_range();
      return n;
    }
    case 6:
      return PauseFault{any_target(names)};
    default:
      return HealFault{};
  }
}

Fault any_fault(const std::vector<std::string>& names) {
  Fault f;
  f.action = any_action(names);
  f.at = any_duration();
  if (*rc::gen::inRange(0, 4) == 0) {
    f.every = any_duration(1);
    if (*rc::gen::arbitrary<bool>()) f.until = any_duration();
  }
  // Crashes end with their restart; every other fault may last for a window (the loader's rule).
  const auto* disk = std::get_if<DiskFault>(&f.action);
  const bool restarts = std::holds_alternative<CrashFault>(f.action) ||
                        (disk && disk->kind != DiskFault::Kind::kStall);
  if (!restarts && *rc::gen::arbitrary<bool>()) f.lasts = any_duration(1);
  return f;
}

ClusterSpec any_cluster() {
  ClusterSpec c;
  c.members = *rc::gen::inRange(1, 16);
  c.workers = *rc::gen::inRange(0, 4);
  if (*rc::gen::arbitrary<bool>()) c.heartbeat = any_duration();
  if (*rc::gen::arbitrary<bool>()) c.election_timeout = any_range();
  if (*rc::gen::arbitrary<bool>()) c.pre_vote = *rc::gen::arbitrary<bool>();
  if (*rc::gen::arbitrary<bool>()) c.check_quorum = *rc::gen::arbitrary<bool>();
  if (*rc::gen::arbitrary<bool>()) c.max_entries_per_message = *rc::gen::inRange(1, 1 << 20);
  if (*rc::gen::arbitrary<bool>()) c.max_inflight_messages = *rc::gen::inRange(1, 1 << 20);
  if (*rc::gen::arbitrary<bool>()) c.snapshot_every = *rc::gen::inRange(1, 1 << 30);
  if (*rc::gen::arbitrary<bool>()) c.max_held_appends = *rc::gen::inRange(0, (1 << 16) + 1);
  if (*rc::gen::arbitrary<bool>()) c.log_kept_below_snapshot = *rc::gen::inRange(0, (1 << 30) + 1);
  if (*rc::gen::arbitrary<bool>()) {
    c.snapshot_chunk_bytes = *rc::gen::inRange<std::uint64_t>(1, (std::uint64_t{1} << 30) + 1);
  }
  return c;
}

MachineSpec any_machine() {
  MachineSpec m;
  const int labels = *rc::gen::inRange(0, 3);
  for (int i = 0; i < labels; ++i) m.metadata[any_text()] = any_text();
  if (*rc::gen::arbitrary<bool>()) {
    // Whole KiB, MiB, GiB or bytes, up to 2^50.
    const int shift = *rc::gen::element(0, 10, 20, 30);
    m.memory_bytes = *rc::gen::inRange<std::uint64_t>(0, std::uint64_t{1} << 20) << shift;
  }
  if (*rc::gen::arbitrary<bool>()) m.cpus = any_real(0.01, 1024);
  return m;
}

KvWorkloadSpec any_kv() {
  KvWorkloadSpec w;
  w.clients = *rc::gen::inRange(1, 1001);
  w.rate_per_second = std::max(any_real(0, 1e6), 0.5);
  w.keys = *rc::gen::inRange(1, 100'001);
  w.get = *rc::gen::inRange(0, 1'000'001);
  w.put = *rc::gen::inRange(0, 1'000'001);
  w.cas = *rc::gen::inRange(0, 1'000'001);
  w.del = *rc::gen::inRange(0, 1'000'001);
  if (w.get + w.put + w.cas + w.del == 0) w.put = 1;
  w.timeout = any_duration();
  w.serializable_reads = *rc::gen::arbitrary<bool>();
  return w;
}

ExpectSpec any_expect() {
  ExpectSpec e;
  if (*rc::gen::arbitrary<bool>()) e.linearizable = *rc::gen::arbitrary<bool>();
  if (*rc::gen::arbitrary<bool>()) e.watches = *rc::gen::arbitrary<bool>();
  if (*rc::gen::arbitrary<bool>()) e.leader_within = any_duration();
  if (*rc::gen::arbitrary<bool>()) e.min_ops = *rc::gen::inRange<std::uint64_t>(0, 1'000'000'001);
  return e;
}

}  // namespace

rc::Gen<Scenario> gen_valid_scenario() {
  return rc::gen::exec([] {
    Scenario s;
    s.name = *rc::gen::nonEmpty(rc::gen::container<std::string>(
        rc::gen::oneOf(rc::gen::inRange<char>('a', 'z' + 1), rc::gen::inRange<char>('0', '9' + 1),
                       rc::gen::just('-'))));
    s.description = any_text();
    s.seeds.first = *rc::gen::inRange<std::uint64_t>(0, 1'000'000);
    s.seeds.last = s.seeds.first + *rc::gen::inRange<std::uint64_t>(0, 1000);
    s.duration = any_duration(1);
    s.settle = any_duration(1);
    s.cluster = any_cluster();
    const std::vector<std::string> names = s.machine_names();
    for (const std::string& name : names) {
      if (*rc::gen::inRange(0, 4) == 0) s.cluster.machines[name] = any_machine();
    }
    if (*rc::gen::arbitrary<bool>()) s.latency = any_range();
    if (*rc::gen::arbitrary<bool>()) s.drop = any_real(0, 1);
    if (*rc::gen::arbitrary<bool>()) s.duplicate = any_real(0, 1);
    if (*rc::gen::arbitrary<bool>()) s.fsync = any_range();
    if (*rc::gen::arbitrary<bool>()) s.kv = any_kv();
    if (*rc::gen::arbitrary<bool>()) {
      s.watch = WatchWorkloadSpec{*rc::gen::inRange(1, 1001), any_text()};
    }
    const int faults = *rc::gen::inRange(0, 12);
    for (int i = 0; i < faults; ++i) s.faults.push_back(any_fault(names));
    // Membership changes obey the loader's rules: the next machine is added, a founder removed.
    if (*rc::gen::arbitrary<bool>()) {
      Fault add;
      add.at = any_duration();
      add.action = MemberFault{MemberFault::Kind::kAdd, str("n", s.cluster.members + 1)};
      s.faults.push_back(add);
      if (s.cluster.members >= 2 && *rc::gen::arbitrary<bool>()) {
        Fault remove;
        remove.at = add.at + std::chrono::seconds(1);
        remove.action = MemberFault{MemberFault::Kind::kRemove, "n1"};
        s.faults.push_back(remove);
      }
    }
    s.expect = any_expect();
    return s;
  });
}

}  // namespace keel::sim::testing
