// Text for the HTML report: escaping (every string that reaches the page goes through
// escape_html, in element text and in attribute values alike), clipping of long user data, and
// simulated times written as seconds.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "core/env/types.h"

namespace keel::sim {

// Replaces & < > " ' with entities (OWASP's rule for element content and quoted attributes) and
// control bytes other than tab and newline with a visible "\xNN", which HTML cannot carry.
std::string escape_html(std::string_view text);

// `text` cut to at most `max_bytes` (at a UTF-8 character boundary) with "…" appended when cut.
std::string clip(std::string_view text, std::size_t max_bytes);

// A simulated time as seconds with millisecond precision: "12.345s".
std::string seconds_text(Time time);
std::string seconds_text(Duration duration);

}  // namespace keel::sim
