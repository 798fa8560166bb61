#include "sim/report/report_style.h"

namespace keel::sim {

std::string_view report_css() {
  return R"css(
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1d2330;
       margin: 0; background: #f4f5f7; }
main { max-width: 1620px; margin: 0 auto; padding: 18px 24px 40px; }
h1 { font-size: 22px; margin: 0 0 4px; }
h1 .seed { color: #6b7280; font-weight: 500; }
h2 { font-size: 16px; margin: 26px 0 8px; }
.card > h2:first-child { margin-top: 4px; }
.card { background: #fff; border: 1px solid #e2e5ea; border-radius: 8px; padding: 14px 18px;
        margin-top: 14px; }
.description { margin: 0 0 10px; color: #374151; white-space: pre-wrap; }
.verdict { display: inline-block; font-weight: 600; padding: 4px 12px; border-radius: 6px; }
.verdict.pass { background: #dcf3e3; color: #166534; }
.verdict.fail { background: #fde2e2; color: #991b1b; }
.facts { display: flex; flex-wrap: wrap; gap: 6px 28px; margin: 12px 0 4px; }
.facts div { display: flex; gap: 6px; }
.facts .k { color: #6b7280; }
.facts .v { font-weight: 600; font-variant-numeric: tabular-nums; }
.repro { margin-top: 10px; }
code, .mono { font: 12.5px ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
.repro code { display: block; background: #1f2430; color: #e6e9ef; padding: 8px 12px;
              border-radius: 6px; overflow-x: auto; white-space: pre; }
.notes { color: #92400e; background: #fef3c7; border-radius: 6px; padding: 6px 10px;
         margin: 8px 0 0; }
.legend { display: flex; flex-wrap: wrap; gap: 4px 18px; margin: 0 0 10px; font-size: 12.5px; }
.legend span { display: inline-flex; align-items: center; gap: 5px; }
.legend .group { color: #6b7280; font-weight: 600; }
svg { max-width: 100%; height: auto; display: block; }
table { border-collapse: collapse; width: 100%; font-size: 13px; }
th, td { text-align: left; padding: 4px 10px; border-bottom: 1px solid #eceef2;
         vertical-align: top; }
th { color: #6b7280; font-weight: 600; }
td.num { font-variant-numeric: tabular-nums; white-space: nowrap; }
tr.bad td { background: #fff1f1; }
.empty { color: #6b7280; }
footer { color: #9ca3af; font-size: 12px; margin-top: 24px; }

/* The chart. */
.axis { font: 11px system-ui, sans-serif; fill: #6b7280; }
.grid { stroke: #e5e7eb; stroke-width: 1; }
.section { font: 600 11px system-ui, sans-serif; fill: #6b7280; letter-spacing: .08em;
           text-transform: uppercase; }
.note { font: italic 11px system-ui, sans-serif; fill: #9ca3af; }
.lane { fill: #ffffff; }
.lane.odd { fill: #f7f8fa; }
.lane-label { font: 600 12px system-ui, sans-serif; fill: #374151; }
.role { stroke: #ffffff; stroke-width: .5; }
.role-follower { fill: #c7d4e6; }
.role-pre-candidate { fill: #fbe7a6; }
.role-candidate { fill: #f4b23c; }
.role-leader { fill: #2f9d5a; }
.role-churn { fill: url(#hatch-churn); }
.role-label { font: 600 11px system-ui, sans-serif; fill: #ffffff; pointer-events: none; }
.state-down { fill: #2b2f36; }
.state-stopped { fill: #8f1d1d; }
.state-paused { fill: url(#hatch-paused); stroke: #4a6fbf; stroke-width: 1; }
.state-label { font: 600 11px system-ui, sans-serif; fill: #e5e7eb; }
.fault { stroke-width: 1; }
.fault.open { stroke-dasharray: 4 2; }
.fault-label { font: 11px system-ui, sans-serif; fill: #1f2937; paint-order: stroke;
               stroke: rgba(255, 255, 255, .8); stroke-width: 3px; stroke-linejoin: round; }
.fault-partition { fill: #fde0c2; stroke: #ef8a2a; }
.fault-crash { fill: #d9dbe0; stroke: #2b2f36; }
.fault-pause { fill: #dce5f7; stroke: #4a6fbf; }
.fault-clock { fill: #ecdcf4; stroke: #9b59b6; }
.fault-disk { fill: #efe1c6; stroke: #8c6d31; }
.fault-links { fill: #cdeeee; stroke: #1f9e9e; }
.band { opacity: .3; }
.band-partition { fill: #ef8a2a; }
.band-clock { fill: #9b59b6; }
.band-disk { fill: #8c6d31; }
.band-links { fill: #1f9e9e; }
.op { stroke: none; }
.op-get { fill: #4e79a7; }
.op-put { fill: #59a14f; }
.op-cas { fill: #b07aa1; }
.op-delete { fill: #9c755f; }
.op-refused { fill: #c9ccd2; }
.op-open { fill: url(#hatch-open); }
.op-later { fill: #b4bac4; }
.op-bad { fill: #e02424; stroke: #7f1d1d; stroke-width: 1.2; }
.op-open.op-bad { fill: url(#hatch-bad); stroke: none; }
.op-later.op-bad { fill: #e02424; stroke: none; }
.guide { stroke: #e02424; stroke-width: 1; stroke-dasharray: 3 3; opacity: .6; }
)css";
}

std::string_view report_svg_defs() {
  return R"svg(<defs>
<pattern id="hatch-paused" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="#e3eaf8"/><rect width="3" height="6" fill="#4a6fbf"/></pattern>
<pattern id="hatch-churn" width="4" height="4" patternUnits="userSpaceOnUse" patternTransform="rotate(90)"><rect width="4" height="4" fill="#c7d4e6"/><rect width="2" height="4" fill="#f4b23c"/></pattern>
<pattern id="hatch-open" width="5" height="5" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="5" height="5" fill="#eef0f3"/><rect width="2" height="5" fill="#9aa1ad"/></pattern>
<pattern id="hatch-bad" width="5" height="5" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="5" height="5" fill="#fde2e2"/><rect width="2" height="5" fill="#e02424"/></pattern>
</defs>
)svg";
}

}  // namespace keel::sim
