#include "sim/cli/seed_outcome.h"

#include <map>
#include <sstream>

namespace keel::sim::cli {

std::string serialize(const RaftRunResult& r) {
  std::ostringstream out;
  const double leader = r.leader_after_heal == Duration::max()
                            ? -1
                            : std::chrono::duration<double>(r.leader_after_heal).count();
  out << r.safe << ' ' << r.live << ' ' << r.elections << ' ' << r.snapshots_installed << ' '
      << r.clients.acknowledged << ' ' << r.trace_hash << ' '
      << std::chrono::duration<double>(r.simulated).count() << ' ' << leader << ' '
      << r.operations_checked << ' ' << r.clients.unknown << ' ' << r.failovers.size();
  for (Duration failover : r.failovers) {
    out << ' ' << std::chrono::duration<double>(failover).count();
  }
  out << ' ' << r.recoveries.size();
  for (Duration recovery : r.recoveries) {
    out << ' ' << std::chrono::duration<double>(recovery).count();
  }
  out << ' ' << r.violation;
  return out.str();
}

SeedOutcome deserialize(const Isolated& child) {
  SeedOutcome o;
  if (!child.exited || child.exit_code != 0) {
    o.violation = child.signal ? "the simulation died of signal " + std::to_string(child.signal)
                               : "the simulation exited with " + std::to_string(child.exit_code);
    const auto broken = child.errors.find("invariant broken");
    if (broken != std::string::npos) {
      const auto start = child.errors.rfind('\n', broken);
      const std::size_t from = start == std::string::npos ? 0 : start + 1;
      o.violation += ": " + child.errors.substr(from, child.errors.find('\n', broken) - from);
    }
    return o;
  }
  std::istringstream in(child.payload);
  std::size_t failovers = 0;
  in >> o.safe >> o.live >> o.elections >> o.snapshots >> o.acknowledged >> o.hash >>
      o.simulated_seconds >> o.leader_after_heal_seconds >> o.operations_checked >> o.unknown >>
      failovers;
  for (std::size_t i = 0; i < failovers && in; ++i) in >> o.failover_seconds.emplace_back();
  std::size_t recoveries = 0;
  in >> recoveries;
  for (std::size_t i = 0; i < recoveries && in; ++i) in >> o.recovery_seconds.emplace_back();
  std::getline(in >> std::ws, o.violation, '\0');
  return o;
}

void for_each_seed(SeedRange seeds, int jobs, bool check_determinism,
                   const std::function<RaftRunResult(std::uint64_t seed)>& body,
                   const std::function<bool(std::uint64_t seed, const SeedOutcome&)>& consume) {
  ChildPool pool(jobs);
  std::map<std::uint64_t, SeedOutcome> finished;  // out of order, waiting for their turn
  std::uint64_t next_start = seeds.first, next_report = seeds.first;
  bool stop = false;
  while (!stop && next_report <= seeds.last) {
    while (!pool.full() && next_start <= seeds.last) {
      const std::uint64_t seed = next_start++;
      pool.start(seed, [&body, seed, check_determinism] {
        RaftRunResult result = body(seed);
        if (check_determinism && result.safe) {
          if (body(seed).trace_hash != result.trace_hash) {
            result.safe = false;
            result.violation = "determinism: the rerun gave another trace hash";
          }
        }
        return serialize(result);
      });
    }
    auto [seed, child] = pool.wait_any();
    finished.emplace(seed, deserialize(child));
    for (auto it = finished.find(next_report); it != finished.end() && !stop;
         it = finished.find(next_report)) {
      stop = !consume(next_report, it->second);
      finished.erase(it);
      ++next_report;
    }
  }
  // Stopping early: the children still running are waited for by the pool, their reports dropped.
}

}  // namespace keel::sim::cli
