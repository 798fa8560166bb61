#include "sim/cli/report_file.h"

#include <algorithm>
#include <fstream>

#include "core/env/str.h"
#include "sim/report/html_report.h"

namespace keel::sim::cli {

std::string write_report(const Scenario& scenario, std::uint64_t seed, bool swarm,
                         const RaftRunResult& result, const KvRunDetails& details,
                         const std::string& path) {
  ReportInput input;
  input.scenario = scenario.name;
  input.description = scenario.description;
  input.seed = seed;
  input.passed = result.safe && result.live;
  input.verdict = input.passed ? "passed" : result.violation;
  input.repro = str("keelsim run ", scenario.file, swarm ? " --swarm" : "", " --seed ", seed);
  input.machines = scenario.machine_names();
  for (const TraceRecord& record : details.records) {
    input.end = std::max(input.end, record.world_time);
    // Members added during the run (a `member: {add: ...}` fault) get lanes too.
    const bool known = std::find(input.machines.begin(), input.machines.end(), record.machine) !=
                       input.machines.end();
    if (record.machine.starts_with("n") && !known) input.machines.push_back(record.machine);
  }
  for (const KvOp& op : details.history) input.end = std::max(input.end, op.completed);
  input.records = details.records;
  input.history = details.history;
  input.highlighted = details.failing_ops;
  input.summary = {
      {"operations checked", static_cast<std::int64_t>(result.operations_checked)},
      {"operations unknown", static_cast<std::int64_t>(result.clients.unknown)},
      {"elections", static_cast<std::int64_t>(result.elections)},
      {"failovers", static_cast<std::int64_t>(result.failovers.size())},
      {"watch events checked", static_cast<std::int64_t>(result.watch_events_checked)},
  };
  std::ofstream out(path);
  out << render_html_report(input);
  out.close();
  return out ? "" : str(" (the report could not be written to ", path, ")");
}

}  // namespace keel::sim::cli
