// Typed values of unit file settings. Each parser takes the text after '=' (specifiers already
// expanded) and returns the value or an error message naming what was expected; the unit file
// reader prefixes the line and the key.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/env/error.h"
#include "core/env/types.h"

namespace keel::fleet {

// A time span as systemd.time(7) writes it: "90", "5s", "100ms", "1min 30s", "2h", "1d"; a bare
// number is seconds. Units: us, ms, s/sec/second(s), m/min/minute(s), h/hr/hour(s), d/day(s),
// w/week(s). Whole numbers only; "infinity" is refused (every Keel duration is finite).
Result<Duration> parse_duration(std::string_view text);

// A byte size as systemd.resource-control(5) writes MemoryMax=: a number of bytes with an optional
// K, M, G or T suffix (powers of 1024). "infinity" is no limit (nullopt). Percentages of physical
// memory are refused: the engine reserves memory before it knows the machine.
Result<std::optional<std::uint64_t>> parse_size(std::string_view text);

// CPUQuota=: a percentage of one CPU, "20%", "150%" (more than one CPU is allowed). Must be > 0.
Result<std::uint32_t> parse_cpu_quota(std::string_view text);

// TasksMax=: a count, or "infinity" (nullopt). Percentages of the kernel's limit are refused.
Result<std::optional<std::uint64_t>> parse_count(std::string_view text);

// A boolean as systemd and fleet read them: 1/yes/y/true/t/on, 0/no/n/false/f/off, any case.
Result<bool> parse_bool(std::string_view text);

// A port, 1..65535.
Result<std::uint16_t> parse_port(std::string_view text);

// A whitespace-separated list where "double" or 'single' quotes keep spaces inside one word
// (systemd's extract_first_word with EXTRACT_UNQUOTE). At most kMaxListWords words; an
// unterminated quote is an error.
Result<std::vector<std::string>> split_words(std::string_view text);

}  // namespace keel::fleet
