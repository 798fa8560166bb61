// SvgCanvas: writes the elements of the report's chart as SVG text, every title and text escaped
// (sim/report/html_text.h). Colours are not written here: elements carry CSS classes that the
// page's style sheet (html_report.cc) colours. TimeScale maps simulated time to x.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/env/types.h"

namespace keel::sim {

// Simulated time [0, end] onto [left, left + width]; times outside are clamped.
struct TimeScale {
  double left = 0;
  double width = 0;
  Time end{};

  double x(Time t) const;
  // Tick times: a round step (1, 2 or 5 times a power of ten, in seconds) giving at most
  // `max_ticks` intervals.
  std::vector<Time> ticks(int max_ticks) const;
};

class SvgCanvas {
 public:
  // A rectangle; `title` (if any) becomes its hover text. Width is at least `min_width`.
  void rect(double x, double y, double width, double height, std::string_view css_class,
            std::string_view title = {}, double min_width = 1.0);
  void line(double x1, double y1, double x2, double y2, std::string_view css_class);
  // Text anchored at its start (or middle when `centred`).
  void text(double x, double y, std::string_view css_class, std::string_view content,
            bool centred = false, std::string_view title = {});
  // Pre-built markup (pattern definitions); the caller escapes what it puts in.
  void raw(std::string_view markup) { out_ += markup; }
  const std::string& markup() const { return out_; }

  // The whole <svg> element, `width` by `height` user units, scaling to the page's width.
  std::string finish(double width, double height, std::string_view label) const;

 private:
  std::string out_;
};

// A number as SVG wants it: at most one decimal, no exponent.
std::string svg_number(double value);

}  // namespace keel::sim
