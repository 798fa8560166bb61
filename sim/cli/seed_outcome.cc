#include "sim/cli/seed_outcome.h"

#include <sstream>

namespace keel::sim::cli {

std::string serialize(const RaftRunResult& r) {
  std::ostringstream out;
  const double leader = r.leader_after_heal == Duration::max()
                            ? -1
                            : std::chrono::duration<double>(r.leader_after_heal).count();
  out << r.safe << ' ' << r.live << ' ' << r.elections << ' ' << r.snapshots_installed << ' '
      << r.clients.acknowledged << ' ' << r.trace_hash << ' '
      << std::chrono::duration<double>(r.simulated).count() << ' ' << leader << ' ' << r.violation;
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
  in >> o.safe >> o.live >> o.elections >> o.snapshots >> o.acknowledged >> o.hash >>
      o.simulated_seconds >> o.leader_after_heal_seconds;
  std::getline(in >> std::ws, o.violation, '\0');
  return o;
}

SeedOutcome run_seed(const std::function<RaftRunResult()>& body, bool check_determinism) {
  auto child = [&] { return serialize(body()); };
  SeedOutcome outcome = deserialize(run_isolated(child));
  if (check_determinism && outcome.safe) {
    const SeedOutcome again = deserialize(run_isolated(child));
    if (again.hash != outcome.hash) {
      outcome.safe = false;
      outcome.violation = "determinism: the rerun gave another trace hash";
    }
  }
  return outcome;
}

}  // namespace keel::sim::cli
