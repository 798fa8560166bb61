// Parsing of the units of measure that scenario files and keelsim's flags use
// (SCENARIOS.md, "Units of measure"). Errors say what was expected; the caller adds where.
#pragma once

#include <cstdint>
#include <string_view>

#include "core/env/error.h"
#include "core/env/types.h"

namespace keel::sim {

// "1.5s", "250ms", "10us", "3m", "1h", "100ns". A bare number is refused: the unit is required.
Result<Duration> parse_duration(std::string_view text);
// "4GiB", "512MiB", "64KiB", or a bare number of bytes.
Result<std::uint64_t> parse_size(std::string_view text);
// "200/s", "30/m": events per second.
Result<double> parse_rate(std::string_view text);
// A probability in [0, 1].
Result<double> parse_probability(std::string_view text);

struct SeedRange {
  std::uint64_t first = 1;
  std::uint64_t last = 1;  // inclusive
  std::uint64_t count() const { return last - first + 1; }
};
// "1..200" or a single seed "7".
Result<SeedRange> parse_seed_range(std::string_view text);

}  // namespace keel::sim
