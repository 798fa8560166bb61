#include "sim/report/report_chart.h"

#include <cstdio>

#include "core/env/str.h"
#include "sim/report/client_ops_svg.h"
#include "sim/report/report_style.h"
#include "sim/report/svg_canvas.h"
#include "sim/report/timeline_svg.h"

namespace keel::sim {
namespace {

constexpr double kWidth = 1560;
constexpr double kLeft = 88;  // the label column
constexpr double kRight = 18;
constexpr double kAxisHeight = 22;
constexpr double kSectionTitle = 22;  // the title line above each section
constexpr double kSectionGap = 8;
constexpr int kMaxTicks = 16;
constexpr std::size_t kMaxGuides = 12;

std::string tick_label(Time t) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%gs",
                std::chrono::duration<double>(t.time_since_epoch()).count());
  return buffer;
}

}  // namespace

Chart render_chart(const ChartInput& input) {
  const TimeScale scale{kLeft, kWidth - kLeft - kRight, input.end};
  DrawBudget budget{input.max_elements, 0};
  SvgCanvas body;
  double y = kAxisHeight;

  auto section = [&](std::string_view title) {
    body.text(10, y + 15, "section", title);
    y += kSectionTitle;
  };
  section("faults");
  y = draw_fault_rows(body, scale, input.timeline, y, budget) + kSectionGap;
  section("machines");
  y = draw_machine_lanes(body, scale, input.timeline, y, budget) + kSectionGap;
  section("clients");
  if (input.sample.drawn.empty()) {
    body.text(scale.left + 4, y + 10, "note", "no client operations in this run's history");
    y += 16;
  } else {
    y = draw_client_rows(body, scale, input.history, input.sample, input.highlighted, y + 2);
  }
  y += kSectionGap;
  const double grid_bottom = y;

  SvgCanvas chart;
  chart.raw(report_svg_defs());
  for (const Time t : scale.ticks(kMaxTicks)) {
    const double x = scale.x(t);
    chart.line(x, kAxisHeight - 4, x, grid_bottom, "grid");
    chart.text(x, kAxisHeight - 8, "axis", tick_label(t), true);
    chart.text(x, grid_bottom + 14, "axis", tick_label(t), true);
  }
  chart.raw(body.markup());
  std::size_t guides = 0;
  for (std::size_t i : input.sample.drawn) {
    const KvOp& op = input.history[i];
    if (!input.highlighted.contains(op.id) || guides == kMaxGuides) continue;
    ++guides;
    const double x = scale.x(op.invoked);
    chart.line(x, kAxisHeight, x, grid_bottom, "guide");
  }
  return Chart{chart.finish(kWidth, grid_bottom + 22, "timeline of the run"), budget.left_out};
}

}  // namespace keel::sim
