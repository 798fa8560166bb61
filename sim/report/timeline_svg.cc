#include "sim/report/timeline_svg.h"

#include <algorithm>

#include "core/env/str.h"
#include "sim/report/html_text.h"

namespace keel::sim {
namespace {

constexpr double kLabelX = 10;
constexpr double kFaultRowHeight = 17;
constexpr double kFaultRowGap = 3;
constexpr std::size_t kMaxFaultRows = 8;
constexpr double kCharWidth = 6.4;  // of the 11px label font, roughly
constexpr double kLaneHeight = 30;
constexpr double kBarInset = 6;  // a lane's bar leaves this much above and below for fault bands
constexpr double kMinSpanWidth = 1;      // px: narrower role spans are drawn together
constexpr std::size_t kLabelBytes = 80;  // of a fault's label on the chart (its title has more)
constexpr std::size_t kTitleBytes = 600;

std::string when(const Time begin, const Time end, bool open) {
  return str(seconds_text(begin), " – ", open ? "end of run" : seconds_text(end), " (",
             seconds_text(end - begin), open ? ", still on" : "", ")");
}

std::string css_kind(FaultKind kind) { return str(to_string(kind)); }

}  // namespace

double draw_fault_rows(SvgCanvas& canvas, const TimeScale& scale, const Timeline& timeline,
                       double top, DrawBudget& budget) {
  if (timeline.faults.empty()) {
    canvas.text(scale.left + 4, top + 12, "note", "no faults were injected");
    return top + kFaultRowHeight + kFaultRowGap;
  }
  std::vector<double> row_free;  // per row, the x where it is free again
  for (const FaultSpan& fault : timeline.faults) {
    const double x0 = scale.x(fault.begin);
    const double x1 = std::max(scale.x(fault.end), x0 + 2);
    const std::string label = clip(fault.label, kLabelBytes);
    const double label_end = x0 + 4 + kCharWidth * static_cast<double>(label.size());
    std::size_t row = row_free.size();
    for (std::size_t r = 0; r < row_free.size(); ++r) {
      if (row_free[r] <= x0) {
        row = r;
        break;
      }
    }
    bool labelled = true;
    if (row == row_free.size()) {
      if (row_free.size() < kMaxFaultRows) {
        row_free.push_back(0);
      } else {  // crowded: overlap in the row that frees first, without a label
        row = static_cast<std::size_t>(std::min_element(row_free.begin(), row_free.end()) -
                                       row_free.begin());
        labelled = false;
      }
    }
    row_free[row] = std::max(row_free[row], (labelled ? std::max(x1, label_end) : x1) + 4);
    if (!budget.take()) continue;
    const double y = top + static_cast<double>(row) * (kFaultRowHeight + kFaultRowGap);
    const std::string title =
        str(clip(fault.label, kTitleBytes), "\n", when(fault.begin, fault.end, fault.open));
    canvas.rect(x0, y, x1 - x0, kFaultRowHeight,
                str("fault fault-", css_kind(fault.kind), fault.open ? " open" : ""), title, 2);
    if (labelled) canvas.text(x0 + 4, y + 12.5, "fault-label", label, false, title);
  }
  return top + static_cast<double>(row_free.size()) * (kFaultRowHeight + kFaultRowGap);
}

namespace {

// Whether a fault shades `machine`'s lane. Crashes and pauses do not: the lane shows them.
bool marks(const FaultSpan& fault, const std::string& machine) {
  if (fault.kind == FaultKind::kCrash || fault.kind == FaultKind::kPause) return false;
  return fault.machines.empty() ||
         std::find(fault.machines.begin(), fault.machines.end(), machine) != fault.machines.end();
}

void draw_role(SvgCanvas& canvas, const TimeScale& scale, const std::string& machine,
               const RoleSpan& span, double bar_y, double bar_h) {
  const double x0 = scale.x(span.begin), width = scale.x(span.end) - x0;
  const std::string term = span.term ? str(*span.term) : "?";
  canvas.rect(
      x0, bar_y, width, bar_h, str("role role-", span.role),
      str(machine, " ", span.role, " in term ", term, "\n", when(span.begin, span.end, span.open)),
      0.5);
  if (span.role != "leader") return;
  const std::string label = width >= 56 ? str("term ", term) : str("T", term);
  if (width >= kCharWidth * static_cast<double>(label.size()) + 4) {
    canvas.text(x0 + width / 2, bar_y + bar_h / 2 + 4, "role-label", label, true);
  }
}

// Role spans narrower than a pixel cannot be told apart: a run of them is drawn as one churn
// span, which bounds a lane's elements by the chart's width however many elections there were.
void draw_roles(SvgCanvas& canvas, const TimeScale& scale, const MachineLane& lane, double bar_y,
                double bar_h, DrawBudget& budget) {
  const std::vector<RoleSpan>& roles = lane.roles;
  auto narrow = [&](const RoleSpan& span) {
    return scale.x(span.end) - scale.x(span.begin) < kMinSpanWidth;
  };
  for (std::size_t i = 0; i < roles.size();) {
    std::size_t run_end = i;
    while (run_end < roles.size() && narrow(roles[run_end])) ++run_end;
    if (!budget.take()) {
      i = std::max(run_end, i + 1);
      continue;
    }
    if (run_end - i < 2) {
      draw_role(canvas, scale, lane.machine, roles[i], bar_y, bar_h);
      ++i;
      continue;
    }
    const std::size_t leaders = static_cast<std::size_t>(
        std::count_if(roles.begin() + static_cast<std::ptrdiff_t>(i),
                      roles.begin() + static_cast<std::ptrdiff_t>(run_end),
                      [](const RoleSpan& span) { return span.role == "leader"; }));
    const RoleSpan& last = roles[run_end - 1];
    const double x0 = scale.x(roles[i].begin);
    canvas.rect(x0, bar_y, scale.x(last.end) - x0, bar_h, "role role-churn",
                str(lane.machine, ": ", run_end - i, " role changes too close to draw apart (",
                    leaders, " as leader)\n", when(roles[i].begin, last.end, last.open)),
                0.5);
    i = run_end;
  }
}

void draw_lane(SvgCanvas& canvas, const TimeScale& scale, const Timeline& timeline,
               const MachineLane& lane, double y, bool odd, DrawBudget& budget) {
  canvas.rect(scale.left, y, scale.width, kLaneHeight, odd ? "lane odd" : "lane");
  for (const FaultSpan& fault : timeline.faults) {
    if (!marks(fault, lane.machine) || !budget.take()) continue;
    const double x0 = scale.x(fault.begin);
    canvas.rect(
        x0, y, scale.x(fault.end) - x0, kLaneHeight, str("band band-", css_kind(fault.kind)),
        str(clip(fault.label, kTitleBytes), "\n", when(fault.begin, fault.end, fault.open)), 2);
  }
  const double bar_y = y + kBarInset, bar_h = kLaneHeight - 2 * kBarInset;
  draw_roles(canvas, scale, lane, bar_y, bar_h, budget);
  for (const StateSpan& span : lane.states) {
    if (!budget.take()) continue;
    const double x0 = scale.x(span.begin), width = scale.x(span.end) - x0;
    const std::string name(to_string(span.state));
    const std::string title =
        str(lane.machine, " ", name,
            span.detail.empty() ? "" : " (" + clip(span.detail, kTitleBytes) + ")", "\n",
            when(span.begin, span.end, span.open));
    canvas.rect(x0, bar_y - 2, width, bar_h + 4, str("state state-", name), title, 1.5);
    if (span.state != MachineState::kPaused &&
        width >= kCharWidth * static_cast<double>(name.size()) + 6) {
      canvas.text(x0 + width / 2, bar_y + bar_h / 2 + 4, "state-label", name, true, title);
    }
  }
  canvas.text(kLabelX, y + kLaneHeight / 2 + 4, "lane-label", lane.machine);
}

}  // namespace

double draw_machine_lanes(SvgCanvas& canvas, const TimeScale& scale, const Timeline& timeline,
                          double top, DrawBudget& budget) {
  double y = top;
  for (std::size_t i = 0; i < timeline.lanes.size(); ++i) {
    draw_lane(canvas, scale, timeline, timeline.lanes[i], y, i % 2 == 1, budget);
    y += kLaneHeight;
  }
  return y;
}

}  // namespace keel::sim
