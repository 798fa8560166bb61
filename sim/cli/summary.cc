#include "sim/cli/summary.h"

#include <algorithm>
#include <cmath>
#include <iomanip>
#include <sstream>

namespace keel::sim::cli {

bool Summary::add(const SeedOutcome& outcome) {
  ++seeds;
  ops += outcome.operations_checked > 0 ? outcome.operations_checked : outcome.acknowledged;
  unknown += outcome.unknown;
  elections += outcome.elections;
  simulated += outcome.simulated_seconds;
  failovers.insert(failovers.end(), outcome.failover_seconds.begin(),
                   outcome.failover_seconds.end());
  recoveries.insert(recoveries.end(), outcome.recovery_seconds.begin(),
                    outcome.recovery_seconds.end());
  if (outcome.safe && outcome.live) {
    ++passed;
    return true;
  }
  (outcome.safe ? liveness : safety) += 1;
  return false;
}

double percentile(std::vector<double> values, double p) {
  if (values.empty()) return -1;
  std::sort(values.begin(), values.end());
  const auto rank = static_cast<std::size_t>(std::ceil(p * static_cast<double>(values.size())));
  return values[std::clamp<std::size_t>(rank, 1, values.size()) - 1];
}

namespace {

std::string p50_p99(const std::vector<double>& seconds) {
  if (seconds.empty()) return "-";
  std::ostringstream text;
  text << std::fixed << std::setprecision(2) << percentile(seconds, 0.5) << "/"
       << percentile(seconds, 0.99) << "s";
  return text.str();
}

}  // namespace

void print_table(std::ostream& out, const std::vector<Summary>& summaries) {
  out << "\n"
      << std::left << std::setw(34) << "scenario" << std::right << std::setw(6) << "seeds"
      << std::setw(7) << "passed" << std::setw(7) << "failed" << std::setw(10) << "ops"
      << std::setw(9) << "unknown" << std::setw(10) << "elections" << std::setw(17)
      << "failover p50/p99" << std::setw(17) << "units p50/p99" << std::setw(10) << "sim/wall"
      << "\n";
  for (const Summary& s : summaries) {
    out << std::left << std::setw(34) << s.name << std::right << std::setw(6) << s.seeds
        << std::setw(7) << s.passed << std::setw(7) << s.safety + s.liveness << std::setw(10)
        << s.ops << std::setw(9) << s.unknown << std::setw(10) << s.elections << std::setw(17)
        << p50_p99(s.failovers) << std::setw(17) << p50_p99(s.recoveries) << std::setw(9)
        << std::fixed << std::setprecision(0) << (s.wall > 0 ? s.simulated / s.wall : 0) << "x\n";
  }
}

}  // namespace keel::sim::cli
