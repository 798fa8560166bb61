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
    const double label_end = x0 + 4 + kCharWidth * static_cast<double>(fault.label.size());
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
    const std::string title = str(fault.label, "\n", when(fault.begin, fault.end, fault.open));
    canvas.rect(x0, y, x1 - x0, kFaultRowHeight,
                str("fault fault-", css_kind(fault.kind), fault.open ? " open" : ""), title, 2);
    if (labelled) canvas.text(x0 + 4, y + 12.5, "fault-label", fault.label, false, title);
  }
  return top + static_cast<double>(row_free.size()) * (kFaultRowHeight + kFaultRowGap);
}

namespace {

bool marks(const FaultSpan& fault, const std::string& machine) {
  if (fault.kind == FaultKind::kCrash || fault.kind == FaultKind::kPause)
    return false;  // lanes show them
  return fault.machines.empty() ||
         std::find(fault.machines.begin(), fault.machines.end(), machine) != fault.machines.end();
}

void draw_lane(SvgCanvas& canvas, const TimeScale& scale, const Timeline& timeline,
               const MachineLane& lane, double y, bool odd, DrawBudget& budget) {
  canvas.rect(scale.left, y, scale.width, kLaneHeight, odd ? "lane odd" : "lane");
  for (const FaultSpan& fault : timeline.faults) {
    if (!marks(fault, lane.machine) || !budget.take()) continue;
    const double x0 = scale.x(fault.begin);
    canvas.rect(x0, y, scale.x(fault.end) - x0, kLaneHeight,
                str("band band-", css_kind(fault.kind)),
                str(fault.label, "\n", when(fault.begin, fault.end, fault.open)), 2);
  }
  const double bar_y = y + kBarInset, bar_h = kLaneHeight - 2 * kBarInset;
  for (const RoleSpan& span : lane.roles) {
    if (!budget.take()) continue;
    const double x0 = scale.x(span.begin), width = scale.x(span.end) - x0;
    const std::string term = span.term ? str(*span.term) : "?";
    canvas.rect(x0, bar_y, width, bar_h, str("role role-", span.role),
                str(lane.machine, " ", span.role, " in term ", term, "\n",
                    when(span.begin, span.end, span.open)),
                0.5);
    if (span.role != "leader") continue;
    const std::string label = width >= 56 ? str("term ", term) : str("T", term);
    if (width >= kCharWidth * static_cast<double>(label.size()) + 4) {
      canvas.text(x0 + width / 2, bar_y + bar_h / 2 + 4, "role-label", label, true);
    }
  }
  for (const StateSpan& span : lane.states) {
    if (!budget.take()) continue;
    const double x0 = scale.x(span.begin), width = scale.x(span.end) - x0;
    const std::string name(to_string(span.state));
    const std::string title =
        str(lane.machine, " ", name, span.detail.empty() ? "" : " (" + clip(span.detail, 200) + ")",
            "\n", when(span.begin, span.end, span.open));
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
