#include "sim/report/svg_canvas.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "core/env/str.h"
#include "sim/report/html_text.h"

namespace keel::sim {

double TimeScale::x(Time t) const {
  const double span = std::max<double>(1.0, static_cast<double>(end.time_since_epoch().count()));
  const double at = std::clamp<double>(static_cast<double>(t.time_since_epoch().count()), 0, span);
  return left + width * at / span;
}

std::vector<Time> TimeScale::ticks(int max_ticks) const {
  const double span_s =
      std::max(1e-3, std::chrono::duration<double>(end.time_since_epoch()).count());
  double step = std::pow(10.0, std::floor(std::log10(span_s / max_ticks)));
  for (const double factor : {1.0, 2.0, 5.0, 10.0}) {
    if (span_s / (step * factor) <= max_ticks) {
      step *= factor;
      break;
    }
  }
  std::vector<Time> out;
  for (int i = 0; i * step <= span_s + 1e-9; ++i) {
    out.push_back(
        Time(std::chrono::duration_cast<Duration>(std::chrono::duration<double>(i * step))));
  }
  return out;
}

std::string svg_number(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.1f", value);
  std::string text = buffer;
  if (text.size() > 2 && text.ends_with(".0")) text.resize(text.size() - 2);
  return text == "-0" ? "0" : text;
}

void SvgCanvas::rect(double x, double y, double width, double height, std::string_view css_class,
                     std::string_view title, double min_width) {
  out_ += str("<rect x=\"", svg_number(x), "\" y=\"", svg_number(y), "\" width=\"",
              svg_number(std::max(width, min_width)), "\" height=\"", svg_number(height),
              "\" class=\"", escape_html(css_class), "\"");
  if (title.empty()) {
    out_ += "/>";
  } else {
    out_ += str("><title>", escape_html(title), "</title></rect>");
  }
  out_ += '\n';
}

void SvgCanvas::line(double x1, double y1, double x2, double y2, std::string_view css_class) {
  out_ += str("<line x1=\"", svg_number(x1), "\" y1=\"", svg_number(y1), "\" x2=\"", svg_number(x2),
              "\" y2=\"", svg_number(y2), "\" class=\"", escape_html(css_class), "\"/>\n");
}

void SvgCanvas::text(double x, double y, std::string_view css_class, std::string_view content,
                     bool centred, std::string_view title) {
  out_ += str("<text x=\"", svg_number(x), "\" y=\"", svg_number(y), "\" class=\"",
              escape_html(css_class), "\"", centred ? " text-anchor=\"middle\"" : "", ">");
  if (!title.empty()) out_ += str("<title>", escape_html(title), "</title>");
  out_ += str(escape_html(content), "</text>\n");
}

std::string SvgCanvas::finish(double width, double height, std::string_view label) const {
  return str("<svg viewBox=\"0 0 ", svg_number(width), " ", svg_number(height), "\" width=\"",
             svg_number(width), "\" role=\"img\" aria-label=\"", escape_html(label), "\">\n", out_,
             "</svg>\n");
}

}  // namespace keel::sim
