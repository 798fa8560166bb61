// keelsim run --report OUT.html: the HTML report (sim/report/html_report.h) of one seed, written
// from the seed's result and what its run left behind (trace records, KV history).
#pragma once

#include <cstdint>
#include <string>

#include "sim/raft_run.h"
#include "sim/scenario/kv_scenario_run.h"
#include "sim/scenario/scenario.h"

namespace keel::sim::cli {

// Writes the report to `path`; returns "" or why it could not be written.
std::string write_report(const Scenario& scenario, std::uint64_t seed, bool swarm,
                         const RaftRunResult& result, const KvRunDetails& details,
                         const std::string& path);

}  // namespace keel::sim::cli
