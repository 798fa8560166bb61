// Parses the text of a trace record (sim/trace_log.h), "component.event key=value key=value ...",
// as keel::describe (core/env/trace.h) renders it: a value with a space, a quote or '=' in it, or
// an empty one, is wrapped in double quotes, without escaping. A quoted value therefore ends at
// the first quote that is followed by a space or by the end of the text; a value holding `" `
// itself cannot be told apart and is cut there (the rest becomes an error, not a crash).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/env/error.h"

namespace keel::sim {

struct TraceText {
  std::string component;                                    // "raft"
  std::string event;                                        // "role"
  std::vector<std::pair<std::string, std::string>> fields;  // in order, quotes removed

  // The value of the first field named `key`, if any.
  std::optional<std::string_view> field(std::string_view key) const;
  // That value as a decimal integer; nullopt when missing or not a number.
  std::optional<std::int64_t> number(std::string_view key) const;
};

// Errors (kInvalidArgument) name what is wrong: no "component.event" head, a field without '=',
// an empty key, an unterminated quote.
Result<TraceText> parse_trace_text(std::string_view text);

}  // namespace keel::sim
