#include "sim/report/html_text.h"

#include <cstdio>

namespace keel::sim {

std::string escape_html(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\t') {
          out += "\\x";
          out += "0123456789abcdef"[(c >> 4) & 0xf];
          out += "0123456789abcdef"[c & 0xf];
        } else {
          out += c;
        }
    }
  }
  return out;
}

std::string clip(std::string_view text, std::size_t max_bytes) {
  if (text.size() <= max_bytes) return std::string(text);
  std::size_t cut = max_bytes;
  // Back off over UTF-8 continuation bytes (10xxxxxx) so no character is split.
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xc0) == 0x80) --cut;
  return std::string(text.substr(0, cut)) + "…";
}

std::string seconds_text(Duration duration) {
  const std::int64_t ms = std::chrono::duration_cast<std::chrono::milliseconds>(duration).count();
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%s%lld.%03llds", ms < 0 ? "-" : "",
                static_cast<long long>(ms < 0 ? -ms / 1000 : ms / 1000),
                static_cast<long long>(ms < 0 ? -ms % 1000 : ms % 1000));
  return buffer;
}

std::string seconds_text(Time time) { return seconds_text(time.time_since_epoch()); }

}  // namespace keel::sim
