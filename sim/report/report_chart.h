// The report's chart as one inline SVG: a time axis in simulated seconds (top and bottom, with a
// grid), the fault rows, the machine lanes (sim/report/timeline_svg.h) and the client rows
// (sim/report/client_ops_svg.h), each section titled; the invocation of each highlighted
// operation is marked by a dashed guide across the whole chart (the first kMaxGuides of them).
#pragma once

#include <cstddef>
#include <cstdint>
#include <set>
#include <string>

#include "sim/checkers/kv_history.h"
#include "sim/report/op_sample.h"
#include "sim/report/timeline.h"

namespace keel::sim {

struct ChartInput {
  const Timeline& timeline;
  const KvHistory& history;
  const OpSample& sample;
  const std::set<std::uint64_t>& highlighted;
  Time end;
  std::size_t max_elements;  // lane and fault elements drawn, at most
};

struct Chart {
  std::string svg;
  std::size_t left_out = 0;  // lane and fault elements not drawn (over max_elements)
};

Chart render_chart(const ChartInput& input);

}  // namespace keel::sim
