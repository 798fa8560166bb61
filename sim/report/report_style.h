// The style sheet of the HTML report, and the SVG pattern definitions its classes refer to. The
// chart's elements carry classes only (sim/report/svg_canvas.h); every colour is chosen here.
#pragma once

#include <string_view>

namespace keel::sim {

// CSS for the page: the header, tables, legend and every chart class (role-*, state-*, fault-*,
// band-*, op-*).
std::string_view report_css();

// <defs> for the chart's SVG: the hatchings of paused spans and of unknown-outcome tails.
std::string_view report_svg_defs();

}  // namespace keel::sim
