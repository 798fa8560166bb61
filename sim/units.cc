#include "sim/units.h"

#include <charconv>
#include <cmath>
#include <string>

#include "core/env/str.h"

namespace keel::sim {
namespace {

// Splits "1.5ms" into 1.5 and "ms".
Result<std::pair<double, std::string_view>> number_and_unit(std::string_view text,
                                                            std::string_view what) {
  std::size_t end = 0;
  while (end < text.size() && (std::isdigit(static_cast<unsigned char>(text[end])) ||
                               text[end] == '.' || (end == 0 && text[end] == '-'))) {
    ++end;
  }
  double value = 0;
  auto [ptr, error] = std::from_chars(text.data(), text.data() + end, value);
  if (end == 0 || error != std::errc() || ptr != text.data() + end || !std::isfinite(value)) {
    return fail(Errc::kInvalidArgument, str("expected ", what, ", got '", text, "'"));
  }
  return std::pair{value, text.substr(end)};
}

Result<std::uint64_t> parse_uint(std::string_view text, std::string_view what) {
  std::uint64_t value = 0;
  auto [ptr, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() || ptr != text.data() + text.size()) {
    return fail(Errc::kInvalidArgument, str("expected ", what, ", got '", text, "'"));
  }
  return value;
}

}  // namespace

Result<Duration> parse_duration(std::string_view text) {
  constexpr std::string_view kWhat = "a duration such as 500ms or 1.5s (units: ns us ms s m h)";
  auto parsed = number_and_unit(text, kWhat);
  if (!parsed) return std::unexpected(parsed.error());
  const auto [value, unit] = *parsed;
  double ns_per_unit = 0;
  if (unit == "ns") {
    ns_per_unit = 1;
  } else if (unit == "us") {
    ns_per_unit = 1e3;
  } else if (unit == "ms") {
    ns_per_unit = 1e6;
  } else if (unit == "s") {
    ns_per_unit = 1e9;
  } else if (unit == "m") {
    ns_per_unit = 60e9;
  } else if (unit == "h") {
    ns_per_unit = 3600e9;
  } else {
    return fail(Errc::kInvalidArgument, str("expected ", kWhat, ", got '", text, "'"));
  }
  const double ns = value * ns_per_unit;
  if (std::fabs(ns) > 1e18) {
    return fail(Errc::kLimitExceeded, str("duration '", text, "' is too long"));
  }
  return Duration(static_cast<std::int64_t>(std::llround(ns)));
}

Result<std::uint64_t> parse_size(std::string_view text) {
  constexpr std::string_view kWhat = "a size such as 512MiB (units: KiB MiB GiB)";
  auto parsed = number_and_unit(text, kWhat);
  if (!parsed) return std::unexpected(parsed.error());
  const auto [value, unit] = *parsed;
  double multiplier = 0;
  if (unit.empty()) {
    multiplier = 1;
  } else if (unit == "KiB") {
    multiplier = 1024.0;
  } else if (unit == "MiB") {
    multiplier = 1024.0 * 1024;
  } else if (unit == "GiB") {
    multiplier = 1024.0 * 1024 * 1024;
  } else {
    return fail(Errc::kInvalidArgument, str("expected ", kWhat, ", got '", text, "'"));
  }
  if (value < 0 || value * multiplier > 1e18) {
    return fail(Errc::kInvalidArgument, str("size '", text, "' is out of range"));
  }
  return static_cast<std::uint64_t>(std::llround(value * multiplier));
}

Result<double> parse_rate(std::string_view text) {
  constexpr std::string_view kWhat = "a rate such as 200/s or 30/m";
  const auto slash = text.find('/');
  if (slash == std::string_view::npos) {
    return fail(Errc::kInvalidArgument, str("expected ", kWhat, ", got '", text, "'"));
  }
  auto parsed = number_and_unit(text.substr(0, slash), kWhat);
  const std::string_view per = text.substr(slash + 1);
  if (!parsed || !parsed->second.empty() || parsed->first < 0 || (per != "s" && per != "m")) {
    return fail(Errc::kInvalidArgument, str("expected ", kWhat, ", got '", text, "'"));
  }
  return per == "s" ? parsed->first : parsed->first / 60.0;
}

Result<double> parse_probability(std::string_view text) {
  auto parsed = number_and_unit(text, "a probability from 0.0 to 1.0");
  if (!parsed || !parsed->second.empty() || parsed->first < 0 || parsed->first > 1) {
    return fail(Errc::kInvalidArgument,
                str("expected a probability from 0.0 to 1.0, got '", text, "'"));
  }
  return parsed->first;
}

Result<SeedRange> parse_seed_range(std::string_view text) {
  constexpr std::string_view kWhat = "a seed N or a range A..B";
  const auto dots = text.find("..");
  if (dots == std::string_view::npos) {
    auto seed = parse_uint(text, kWhat);
    if (!seed) return std::unexpected(seed.error());
    return SeedRange{*seed, *seed};
  }
  auto first = parse_uint(text.substr(0, dots), kWhat);
  auto last = parse_uint(text.substr(dots + 2), kWhat);
  if (!first || !last) {
    return fail(Errc::kInvalidArgument, str("expected ", kWhat, ", got '", text, "'"));
  }
  if (*last < *first) {
    return fail(Errc::kInvalidArgument, str("seed range '", text, "' ends before it starts"));
  }
  return SeedRange{*first, *last};
}

}  // namespace keel::sim
