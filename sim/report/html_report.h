// The HTML report of one simulated seed: what a user opens to understand what happened in a
// failure scenario. One self-contained file (inline CSS and SVG, no script, no external
// resource) that reads in any browser:
// - a header: scenario, description, seed, verdict, summary numbers, the command that reruns it;
// - a chart on simulated true time: the faults as labelled bars, one lane per machine (up, down,
//   paused, its Raft role with the term on leader spans, shaded where a fault marks it), and one
//   row per client with its operations (highlighted ones red, with a guide line);
// - a legend, a table of the highlighted operations (describe() lines), a table of the faults.
// Every element has a hover title. Every string from the input is escaped. The size is bounded:
// past the limits below only part is drawn, and the page says what was left out.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/env/types.h"
#include "sim/checkers/kv_history.h"
#include "sim/trace_log.h"

namespace keel::sim {

struct SummaryNumber {
  std::string label;  // "operations", "elections"...
  std::int64_t value = 0;
};

struct ReportInput {
  std::string scenario;
  std::string description;
  std::uint64_t seed = 0;
  bool passed = true;
  std::string verdict;  // "passed", "linearizability violation: ..."
  std::string repro;    // the command line that reruns this seed
  Time end{};           // when the run ended (true time); the time axis runs from 0 to it
  std::vector<std::string> machines;  // lane order
  std::vector<TraceRecord> records;   // recorded from the first boot (sim/trace_log.h)
  KvHistory history;
  std::vector<std::uint64_t> highlighted;  // operation ids: e.g. a violation's failing set
  std::vector<SummaryNumber> summary;
};

struct ReportLimits {
  std::size_t max_ops = 3000;              // operations drawn (highlighted ones first)
  std::size_t max_chart_elements = 20000;  // lane and fault elements drawn
  std::size_t max_table_rows = 300;        // rows of each table
};

std::string render_html_report(const ReportInput& input, const ReportLimits& limits = {});

}  // namespace keel::sim
