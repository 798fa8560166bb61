#include "core/fleet/unit_values.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <limits>

#include "core/env/str.h"
#include "core/fleet/limits.h"

namespace keel::fleet {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) {
    return static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
  });
  return out;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_space(char c) { return c == ' ' || c == '\t'; }

// Parses the leading digits of `text` into `value`; returns how many characters were used, 0 when
// there are no digits or the number overflows.
std::size_t leading_number(std::string_view text, std::uint64_t& value) {
  std::size_t digits = 0;
  while (digits < text.size() && is_digit(text[digits])) ++digits;
  if (digits == 0) return 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + digits, value);
  return ec == std::errc() && end == text.data() + digits ? digits : 0;
}

struct TimeUnit {
  std::string_view name;
  std::uint64_t nanoseconds;
};

constexpr std::uint64_t kSecond = 1'000'000'000;
constexpr std::array<TimeUnit, 20> kTimeUnits = {{
    {"us", 1'000},
    {"ms", 1'000'000},
    {"s", kSecond},
    {"sec", kSecond},
    {"second", kSecond},
    {"seconds", kSecond},
    {"m", 60 * kSecond},
    {"min", 60 * kSecond},
    {"minute", 60 * kSecond},
    {"minutes", 60 * kSecond},
    {"h", 3600 * kSecond},
    {"hr", 3600 * kSecond},
    {"hour", 3600 * kSecond},
    {"hours", 3600 * kSecond},
    {"d", 86400 * kSecond},
    {"day", 86400 * kSecond},
    {"days", 86400 * kSecond},
    {"w", 604800 * kSecond},
    {"week", 604800 * kSecond},
    {"weeks", 604800 * kSecond},
}};

}  // namespace

Result<Duration> parse_duration(std::string_view text) {
  if (text.empty()) return fail(Errc::kInvalidArgument, "expected a time span such as 5s, got ''");
  const auto bad = [&](std::string_view why) {
    return fail(Errc::kInvalidArgument,
                str("'", text, "' is not a time span (", why, "; e.g. 90, 500ms, 1min 30s)"));
  };
  std::uint64_t total = 0;
  std::string_view rest = text;
  while (!rest.empty()) {
    std::uint64_t number = 0;
    const std::size_t digits = leading_number(rest, number);
    if (digits == 0) return bad("expected a whole number");
    rest.remove_prefix(digits);
    while (!rest.empty() && is_space(rest.front())) rest.remove_prefix(1);
    std::size_t letters = 0;
    while (letters < rest.size() && rest[letters] >= 'a' && rest[letters] <= 'z') ++letters;
    std::uint64_t unit = kSecond;
    if (letters > 0) {
      const auto found = std::find_if(kTimeUnits.begin(), kTimeUnits.end(), [&](const TimeUnit& u) {
        return u.name == rest.substr(0, letters);
      });
      if (found == kTimeUnits.end())
        return bad(str("unknown unit '", rest.substr(0, letters), "'"));
      unit = found->nanoseconds;
    } else if (!rest.empty()) {
      return bad("expected a unit after the number");
    }
    rest.remove_prefix(letters);
    while (!rest.empty() && is_space(rest.front())) rest.remove_prefix(1);
    constexpr auto kMax = static_cast<std::uint64_t>(std::numeric_limits<Duration::rep>::max());
    if (number > (kMax - total) / unit) return bad("too long");
    total += number * unit;
  }
  return Duration(static_cast<Duration::rep>(total));
}

Result<std::optional<std::uint64_t>> parse_size(std::string_view text) {
  if (lower(text) == "infinity") return std::optional<std::uint64_t>();
  if (!text.empty() && text.back() == '%') {
    return fail(Errc::kInvalidArgument,
                str("'", text, "': a percentage of physical memory is not supported, give bytes"));
  }
  std::uint64_t number = 0;
  const std::size_t digits = leading_number(text, number);
  const std::string_view suffix = digits == 0 ? text : text.substr(digits);
  int shift = -1;
  if (suffix.empty()) shift = 0;
  if (suffix.size() == 1) {
    const std::string_view kSuffixes = "KMGT";
    if (const auto i = kSuffixes.find(static_cast<char>(suffix[0] & ~0x20)); i != kSuffixes.npos) {
      shift = 10 * (static_cast<int>(i) + 1);
    }
  }
  if (digits == 0 || shift < 0) {
    return fail(Errc::kInvalidArgument,
                str("'", text,
                    "' is not a size (bytes with an optional K, M, G or T suffix, e.g. "
                    "512M, or infinity)"));
  }
  if (number > (std::numeric_limits<std::uint64_t>::max() >> shift)) {
    return fail(Errc::kInvalidArgument, str("size '", text, "' is too large"));
  }
  return std::optional<std::uint64_t>(number << shift);
}

Result<std::uint32_t> parse_cpu_quota(std::string_view text) {
  std::uint64_t percent = 0;
  const std::size_t digits = leading_number(text, percent);
  if (digits == 0 || text.substr(digits) != "%" || percent == 0 || percent > 100000) {
    return fail(Errc::kInvalidArgument,
                str("'", text,
                    "' is not a CPU quota (a percentage of one CPU from 1% to 100000%, "
                    "e.g. 50% or 200%)"));
  }
  return static_cast<std::uint32_t>(percent);
}

Result<std::optional<std::uint64_t>> parse_count(std::string_view text) {
  if (lower(text) == "infinity") return std::optional<std::uint64_t>();
  std::uint64_t count = 0;
  if (leading_number(text, count) != text.size() || text.empty()) {
    return fail(Errc::kInvalidArgument, str("'", text, "' is not a count (a number or infinity)"));
  }
  return std::optional<std::uint64_t>(count);
}

Result<bool> parse_bool(std::string_view text) {
  const std::string word = lower(text);
  if (word == "1" || word == "yes" || word == "y" || word == "true" || word == "t" ||
      word == "on") {
    return true;
  }
  if (word == "0" || word == "no" || word == "n" || word == "false" || word == "f" ||
      word == "off") {
    return false;
  }
  return fail(Errc::kInvalidArgument, str("'", text, "' is not a boolean (yes/no, true/false...)"));
}

Result<std::uint16_t> parse_port(std::string_view text) {
  std::uint64_t port = 0;
  if (text.empty() || leading_number(text, port) != text.size() || port == 0 || port > 65535) {
    return fail(Errc::kInvalidArgument, str("'", text, "' is not a port (1 to 65535)"));
  }
  return static_cast<std::uint16_t>(port);
}

Result<std::vector<std::string>> split_words(std::string_view text) {
  std::vector<std::string> words;
  std::size_t i = 0;
  while (true) {
    while (i < text.size() && is_space(text[i])) ++i;
    if (i == text.size()) break;
    std::string word;
    while (i < text.size() && !is_space(text[i])) {
      const char c = text[i++];
      if (c != '"' && c != '\'') {
        word += c;
        continue;
      }
      const auto close = text.find(c, i);
      if (close == std::string_view::npos) {
        return fail(Errc::kInvalidArgument,
                    str("unterminated ", c, " quote starting at position ", i));
      }
      word += text.substr(i, close - i);
      i = close + 1;
    }
    if (words.size() == kMaxListWords) {
      return fail(Errc::kLimitExceeded, str("more than kMaxListWords (", kMaxListWords, ") words"));
    }
    words.push_back(std::move(word));
  }
  return words;
}

}  // namespace keel::fleet
