#include "sim/nemesis/random_schedule.h"

#include "core/env/str.h"

namespace keel::sim {
namespace {

using std::chrono::milliseconds;

rc::Gen<Duration> gen_ms(std::int64_t low, std::int64_t high) {
  return rc::gen::map(rc::gen::inRange<std::int64_t>(low, high),
                      [](std::int64_t ms) { return Duration(milliseconds(ms)); });
}

// Crashes of a majority, or of everyone, are what test durability: only synced data may count.
rc::Gen<Target> gen_target() {
  return rc::gen::map(rc::gen::inRange(0, 6), [](int k) {
    static constexpr Target::Kind kKinds[] = {Target::Kind::kLeader,   Target::Kind::kFollower,
                                              Target::Kind::kRandom,   Target::Kind::kMinority,
                                              Target::Kind::kMajority, Target::Kind::kAll};
    return Target{kKinds[k], {}};
  });
}

rc::Gen<std::string> gen_member(int members) {
  return rc::gen::map(rc::gen::inRange(1, members + 1), [](int i) { return str("n", i); });
}

rc::Gen<PartitionFault> gen_partition(int members) {
  // Leader churn (kIsolateNewLeader) gets three shares in ten: it is what builds the competing
  // logs of different terms behind the Figure 8 problem (thesis §3.6.2).
  return rc::gen::mapcat(rc::gen::inRange(0, 10), [members](int k) -> rc::Gen<PartitionFault> {
    using Kind = PartitionFault::Kind;
    switch (k) {
      case 7:
      case 8:
      case 9:
        return rc::gen::just(PartitionFault{Kind::kIsolateNewLeader, {}, {}, {}, {}});
      case 0:
        return rc::gen::just(PartitionFault{Kind::kIsolateLeader, {}, {}, {}, {}});
      case 1:
        return rc::gen::just(PartitionFault{Kind::kHalves, {}, {}, {}, {}});
      case 2:
        return rc::gen::just(PartitionFault{Kind::kMajorityMinority, {}, {}, {}, {}});
      case 3:
        return rc::gen::just(PartitionFault{Kind::kBridge, {}, {}, {}, {}});
      case 4:
        return rc::gen::just(PartitionFault{Kind::kRing, {}, {}, {}, {}});
      case 5:
        return rc::gen::map(gen_member(members), [](std::string node) {
          return PartitionFault{Kind::kIsolate, {std::move(node)}, {}, {}, {}};
        });
      default:
        return rc::gen::map(
            rc::gen::pair(gen_member(members), gen_member(members)),
            [](std::pair<std::string, std::string> link) {
              return PartitionFault{Kind::kOneWay, {}, {}, {link.first}, {link.second}};
            });
    }
  });
}

constexpr int kFaultKinds = 9;

// One fault action of kind k: 0 partition, 1 crash, 2 crash losing or corrupting unsynced writes,
// 3 disk stall, 4 clock step, 5 clock drift, 6 drop and duplicate storm, 7 pause, 8 figure-8
// rounds. Figure-8 is a partition, drawn as a kind of its own so that about half the schedules
// stage the Figure 8 problem (thesis §3.6.2, sim/nemesis/figure8_rounds.h): as one partition kind
// among eight, it came up in one seed in ten.
rc::Gen<FaultAction> gen_action(int members, std::vector<int> kinds) {
  return rc::gen::mapcat(rc::gen::elementOf(kinds), [members](int k) -> rc::Gen<FaultAction> {
    switch (k) {
      case 0:
        return rc::gen::cast<FaultAction>(gen_partition(members));
      case 1:
        return rc::gen::map(rc::gen::pair(gen_target(), gen_ms(10, 3000)),
                            [](std::pair<Target, Duration> p) {
                              return FaultAction(CrashFault{p.first, p.second});
                            });
      case 2:
        return rc::gen::map(
            rc::gen::tuple(
                gen_target(),
                rc::gen::element(DiskFault::Kind::kLoseUnsynced, DiskFault::Kind::kCorruptTail),
                gen_ms(10, 3000)),
            [](std::tuple<Target, DiskFault::Kind, Duration> t) {
              return FaultAction(DiskFault{std::get<0>(t), std::get<1>(t), std::get<2>(t)});
            });
      case 3:
        return rc::gen::map(gen_target(), [](Target t) {
          return FaultAction(DiskFault{std::move(t), DiskFault::Kind::kStall, Duration(0)});
        });
      case 4:
        return rc::gen::map(rc::gen::pair(gen_target(), gen_ms(-1000, 1000)),
                            [](std::pair<Target, Duration> p) {
                              return FaultAction(ClockFault{p.first, p.second, std::nullopt});
                            });
      case 5:
        return rc::gen::map(
            rc::gen::pair(gen_target(), rc::gen::inRange(900, 1101)), [](std::pair<Target, int> p) {
              return FaultAction(ClockFault{p.first, std::nullopt, p.second / 1000.0});
            });
      case 6:
        return rc::gen::map(
            rc::gen::pair(rc::gen::inRange(0, 31), rc::gen::inRange(0, 11)),
            [](std::pair<int, int> p) {
              return FaultAction(NetworkFault{p.first / 100.0, p.second / 100.0, std::nullopt});
            });
      case 8:
        return rc::gen::just(
            FaultAction(PartitionFault{PartitionFault::Kind::kFigure8, {}, {}, {}, {}}));
      default:  // 7
        return rc::gen::map(gen_target(),
                            [](Target t) { return FaultAction(PauseFault{std::move(t)}); });
    }
  });
}

rc::Gen<std::vector<Fault>> gen_faults(const ScheduleShape& shape, std::vector<int> kinds) {
  const auto duration_ms = std::chrono::duration_cast<milliseconds>(shape.duration).count();
  // A quarter of the faults repeat (`every`), as a crash loop or a flapping partition does.
  auto gen_repeat = rc::gen::map(
      rc::gen::tuple(rc::gen::inRange(0, 4), gen_ms(200, 3000), gen_ms(0, duration_ms)),
      [](std::tuple<int, Duration, Duration> t) -> std::optional<std::pair<Duration, Duration>> {
        if (std::get<0>(t) != 0) return std::nullopt;
        return std::pair{std::get<1>(t), std::get<2>(t)};
      });
  auto gen_fault = rc::gen::map(
      rc::gen::tuple(gen_ms(0, duration_ms), gen_ms(100, 5000),
                     gen_action(shape.members, std::move(kinds)), std::move(gen_repeat)),
      [](std::tuple<Duration, Duration, FaultAction, std::optional<std::pair<Duration, Duration>>>
             t) {
        Fault fault;
        fault.at = std::get<0>(t);
        fault.action = std::move(std::get<2>(t));
        if (const auto& repeat = std::get<3>(t)) {
          fault.every = repeat->first;
          fault.until = std::max(fault.at, repeat->second);
        }
        // Crashes end with their restart; every other fault ends after its window.
        if (!std::holds_alternative<CrashFault>(fault.action) &&
            !(std::holds_alternative<DiskFault>(fault.action) &&
              std::get<DiskFault>(fault.action).kind != DiskFault::Kind::kStall)) {
          fault.lasts = fault.every ? std::min(*fault.every, std::get<1>(t)) : std::get<1>(t);
        }
        return fault;
      });
  // rapidcheck scales inRange() by the size, which here only sets how many faults there are:
  // each fault's own draws use the nominal size, so they span their whole ranges.
  return rc::gen::resize(shape.max_faults, rc::gen::container<std::vector<Fault>>(rc::gen::resize(
                                               rc::kNominalSize, std::move(gen_fault))));
}

}  // namespace

// Swarm testing (TigerBeetle's VOPR, Groce et al.): each schedule draws which kinds of fault it
// uses, so some schedules hammer one mechanism (say, only partitions) far harder than a uniform mix
// of every kind ever would.
rc::Gen<std::vector<Fault>> gen_schedule(const ScheduleShape& shape) {
  auto gen_mask = rc::gen::resize(rc::kNominalSize, rc::gen::inRange(1, 1 << kFaultKinds));
  return rc::gen::mapcat(std::move(gen_mask), [shape](int mask) {
    std::vector<int> kinds;
    for (int k = 0; k < kFaultKinds; ++k) {
      if (mask & (1 << k)) kinds.push_back(k);
    }
    return gen_faults(shape, std::move(kinds));
  });
}

std::vector<Fault> sample_schedule(const ScheduleShape& shape, std::uint64_t seed) {
  return gen_schedule(shape)(rc::Random(seed), shape.max_faults).value();
}

}  // namespace keel::sim
