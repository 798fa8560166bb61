// Draws a Timeline (sim/report/timeline.h) onto the report's chart: the fault rows (every fault a
// labelled bar, packed into as few rows as their labels allow), then one lane per machine: its
// role over time (follower, pre-candidate, candidate, leader with its term written on it; role
// changes closer than a pixel drawn as one churn span), its down, stopped and paused spans, and a
// shaded band where a fault marks it. Each element has a hover title with its details. Drawing
// stops after `budget` elements; what was left out is counted in `left_out`.
#pragma once

#include <cstddef>

#include "sim/report/svg_canvas.h"
#include "sim/report/timeline.h"

namespace keel::sim {

struct DrawBudget {
  std::size_t remaining = 0;
  std::size_t left_out = 0;
  bool take() {
    if (remaining == 0) {
      ++left_out;
      return false;
    }
    --remaining;
    return true;
  }
};

// Each returns the y just below what it drew.
double draw_fault_rows(SvgCanvas& canvas, const TimeScale& scale, const Timeline& timeline,
                       double top, DrawBudget& budget);
double draw_machine_lanes(SvgCanvas& canvas, const TimeScale& scale, const Timeline& timeline,
                          double top, DrawBudget& budget);

}  // namespace keel::sim
