#include "sim/report/html_report.h"

#include <algorithm>
#include <set>

#include "core/env/str.h"
#include "sim/report/html_text.h"
#include "sim/report/op_sample.h"
#include "sim/report/report_chart.h"
#include "sim/report/report_style.h"
#include "sim/report/timeline.h"

namespace keel::sim {
namespace {

constexpr std::size_t kLineBytes = 600;  // of one describe() line or label in a table

// The end of the time axis: the run's end, or later if a record or an operation is later.
Time axis_end(const ReportInput& input) {
  Time end = input.end;
  for (const TraceRecord& r : input.records) end = std::max(end, r.world_time);
  for (const KvOp& op : input.history) {
    end = std::max(end, op.invoked);
    if (op.outcome != KvOp::Outcome::kUnknown) end = std::max(end, op.completed);
  }
  return end;
}

std::string swatch(std::string_view css_class) {
  return str("<svg width=\"26\" height=\"12\"><rect width=\"26\" height=\"12\" class=\"", css_class,
             "\"/></svg>");
}

std::string legend() {
  std::string out = "<div class=\"legend\">";
  auto item = [&](std::string_view svg, std::string_view label) {
    out += str("<span>", svg, escape_html(label), "</span>");
  };
  auto group = [&](std::string_view name) {
    out += str("<span class=\"group\">", name, "</span>");
  };
  group("Machines");
  item(swatch("role role-follower"), "follower");
  item(swatch("role role-pre-candidate"), "pre-candidate");
  item(swatch("role role-candidate"), "candidate");
  item(swatch("role role-leader"), "leader (term written on it)");
  item(swatch("role role-churn"), "role changes too close to draw apart");
  item(swatch("state state-down"), "down (crashed)");
  item(swatch("state state-paused"), "paused");
  item(swatch("state state-stopped"), "node stopped");
  group("Faults");
  for (const FaultKind kind : {FaultKind::kPartition, FaultKind::kCrash, FaultKind::kPause,
                               FaultKind::kClock, FaultKind::kDisk, FaultKind::kLinks}) {
    item(swatch(str("fault fault-", to_string(kind))), to_string(kind));
  }
  item(swatch("band band-partition"),
       "band: the machines a fault marks (a partition: its cut-off side)");
  group("Clients");
  item(swatch("op op-get"), "get");
  item(swatch("op op-put"), "put");
  item(swatch("op op-cas"), "cas");
  item(swatch("op op-delete"), "delete");
  item(swatch("op op-refused"), "refused");
  item(
      "<svg width=\"40\" height=\"12\"><rect x=\"6\" y=\"3\" width=\"20\" height=\"6\" "
      "class=\"op-open\"/><rect x=\"26\" y=\"5.5\" width=\"14\" height=\"1\" "
      "class=\"op-later\"/><rect width=\"6\" height=\"12\" class=\"op op-put\"/></svg>",
      "unknown outcome: the client waited, then it may still take effect");
  item(swatch("op op-bad"), "highlighted");
  out += "</div>\n";
  return out;
}

std::string header(const ReportInput& input, Time end) {
  std::string out = str("<h1>", escape_html(input.scenario.empty() ? "simulation" : input.scenario),
                        " <span class=\"seed\">seed ", input.seed, "</span></h1>\n");
  if (!input.description.empty()) {
    out += str("<p class=\"description\">", escape_html(input.description), "</p>\n");
  }
  out +=
      str("<div class=\"verdict ", input.passed ? "pass" : "fail", "\">",
          escape_html(input.verdict.empty() ? (input.passed ? "passed" : "failed") : input.verdict),
          "</div>\n<div class=\"facts\">");
  auto fact = [&](std::string_view key, std::string_view value) {
    out += str("<div><span class=\"k\">", escape_html(key), "</span><span class=\"v\">",
               escape_html(value), "</span></div>");
  };
  fact("seed", str(input.seed));
  fact("simulated time", seconds_text(end));
  fact("machines", str(input.machines.size()));
  fact("operations in history", str(input.history.size()));
  for (const SummaryNumber& n : input.summary) fact(n.label, str(n.value));
  out += "</div>\n";
  if (!input.repro.empty()) {
    out += str("<div class=\"repro\">Rerun this seed:<code>", escape_html(input.repro),
               "</code></div>\n");
  }
  return out;
}

std::string highlighted_table(const ReportInput& input, const std::set<std::uint64_t>& wanted,
                              std::size_t max_rows, std::vector<std::string>& notes) {
  std::string out = str("<h2>Highlighted operations (", wanted.size(), ")</h2>\n");
  if (wanted.empty()) return out + "<p class=\"empty\">None.</p>\n";
  out +=
      "<table><tr><th>id</th><th>client</th><th>invoked</th><th>completed</th>"
      "<th>operation</th></tr>\n";
  std::set<std::uint64_t> found;
  std::size_t rows = 0;
  for (const KvOp& op : input.history) {
    if (!wanted.contains(op.id)) continue;
    found.insert(op.id);
    if (rows++ >= max_rows) continue;
    out += str("<tr class=\"bad\"><td class=\"num\">#", op.id, "</td><td>c", op.client,
               "</td><td class=\"num\">", seconds_text(op.invoked), "</td><td class=\"num\">",
               op.outcome == KvOp::Outcome::kUnknown ? "unknown" : seconds_text(op.completed),
               "</td><td class=\"mono\">", escape_html(clip(describe(op), kLineBytes)),
               "</td></tr>\n");
  }
  out += "</table>\n";
  if (rows > max_rows) {
    out += str("<p class=\"empty\">", rows - max_rows, " more not listed.</p>\n");
  }
  if (found.size() < wanted.size()) {
    std::string missing;
    for (std::uint64_t id : wanted) {
      if (!found.contains(id)) missing += str(missing.empty() ? "#" : ", #", id);
    }
    notes.push_back(
        str("Highlighted operation ids not in the history: ", clip(missing, kLineBytes), "."));
  }
  return out;
}

std::string fault_table(const Timeline& timeline, std::size_t max_rows) {
  std::string out = str("<h2>Faults (", timeline.faults.size(), ")</h2>\n");
  if (timeline.faults.empty()) return out + "<p class=\"empty\">None.</p>\n";
  out += str("<details", timeline.faults.size() <= 40 ? " open" : "",
             "><summary>from, to, what, machines marked</summary>\n<table><tr><th>from</th>"
             "<th>to</th><th>fault</th><th>marks</th></tr>\n");
  std::size_t rows = 0;
  for (const FaultSpan& fault : timeline.faults) {
    if (rows++ >= max_rows) break;
    std::string marks;
    for (const std::string& m : fault.machines) marks += (marks.empty() ? "" : ", ") + m;
    out += str("<tr><td class=\"num\">", seconds_text(fault.begin), "</td><td class=\"num\">",
               fault.open ? "end of run" : seconds_text(fault.end), "</td><td>",
               escape_html(clip(fault.label, kLineBytes)), "</td><td>",
               escape_html(marks.empty() ? "all" : clip(marks, kLineBytes)), "</td></tr>\n");
  }
  out += "</table>\n";
  if (timeline.faults.size() > max_rows) {
    out += str("<p class=\"empty\">", timeline.faults.size() - max_rows, " more not listed.</p>\n");
  }
  return out + "</details>\n";
}

}  // namespace

std::string render_html_report(const ReportInput& input, const ReportLimits& limits) {
  const Time end = axis_end(input);
  const std::set<std::uint64_t> highlighted(input.highlighted.begin(), input.highlighted.end());
  const Timeline timeline = build_timeline(input.records, input.machines, end);
  const OpSample sample = sample_ops(input.history, highlighted, limits.max_ops);
  const Chart chart = render_chart(
      ChartInput{timeline, input.history, sample, highlighted, end, limits.max_chart_elements});

  std::vector<std::string> notes;
  if (input.records.empty()) {
    notes.push_back("No trace records: the run was not recorded, so the machine lanes are empty.");
  }
  if (timeline.unreadable > 0) {
    notes.push_back(str(timeline.unreadable, " trace records could not be read and were skipped ",
                        "(the first: ", clip(timeline.first_unreadable, kLineBytes), ")."));
  }
  if (sample.stride > 1 || sample.highlighted_left_out > 0) {
    notes.push_back(str("Drawn: ", sample.drawn.size(), " of ", input.history.size(),
                        " operations, the highlighted ones first, then one in ", sample.stride,
                        " of the others", sample.highlighted_left_out > 0 ? ", " : "",
                        sample.highlighted_left_out > 0
                            ? str(sample.highlighted_left_out, " highlighted ones not drawn")
                            : "",
                        "."));
  }
  if (chart.left_out > 0) {
    notes.push_back(str(chart.left_out, " lane and fault spans were not drawn (over the limit of ",
                        limits.max_chart_elements, "); the tables still list the faults."));
  }
  const std::string tables = highlighted_table(input, highlighted, limits.max_table_rows, notes) +
                             fault_table(timeline, limits.max_table_rows);

  std::string page = str(
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>Keel · ",
      escape_html(input.scenario), " · seed ", input.seed, "</title>\n<style>", report_css(),
      "</style>\n</head>\n<body>\n<main>\n<section class=\"card\">\n", header(input, end),
      "</section>\n<section class=\"card\">\n", legend());
  for (const std::string& note : notes) {
    page += str("<p class=\"notes\">", escape_html(note), "</p>\n");
  }
  page += str(chart.svg, "<p class=\"empty\">Time is the simulator's true time in seconds; hover ",
              "over any bar for its details.</p>\n</section>\n<section class=\"card\">\n", tables,
              "</section>\n<footer>Keel simulation report, generated by keelsim.</footer>\n",
              "</main>\n</body>\n</html>\n");
  return page;
}

}  // namespace keel::sim
