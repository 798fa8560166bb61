// A short simulated run for the report's tests, and to look at a report: a KvCluster of three
// members under a few KV clients that record a KvHistory (each client waits for an answer or a
// timeout before its next request), with a nemesis firing one fault of each kind that the
// report draws. Returns the ReportInput of the run, with the trace recorded from the first boot.
#pragma once

#include <cstdint>

#include "core/env/types.h"
#include "sim/report/html_report.h"

namespace keel::sim {

ReportInput sample_report_input(std::uint64_t seed);

}  // namespace keel::sim
