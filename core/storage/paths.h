// Path helpers for env::FileSystem paths ('/'-separated, relative, "" is the data directory).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace keel::storage {

inline std::string join_path(std::string_view dir, std::string_view name) {
  if (dir.empty()) return std::string(name);
  std::string path(dir);
  path.push_back('/');
  path.append(name);
  return path;
}

inline std::string_view parent_path(std::string_view path) {
  const auto slash = path.rfind('/');
  return slash == std::string_view::npos ? std::string_view() : path.substr(0, slash);
}

// File names carry numbers as exactly 16 lower-case hex digits, so names sort as numbers do.
inline constexpr std::size_t kHexDigits = 16;

inline void append_hex16(std::string& out, std::uint64_t value) {
  for (int shift = 4 * (kHexDigits - 1); shift >= 0; shift -= 4) {
    out.push_back("0123456789abcdef"[(value >> shift) & 0xF]);
  }
}

inline std::optional<std::uint64_t> parse_hex16(std::string_view text) {
  if (text.size() != kHexDigits) return std::nullopt;
  std::uint64_t value = 0;
  for (char c : text) {
    int digit;
    if (c >= '0' && c <= '9') {
      digit = c - '0';
    } else if (c >= 'a' && c <= 'f') {
      digit = c - 'a' + 10;
    } else {
      return std::nullopt;
    }
    value = value << 4 | static_cast<std::uint64_t>(digit);
  }
  return value;
}

// "<a>-<b><suffix>" with a and b as 16 hex digits, and its inverse.
inline std::string format_pair_name(std::uint64_t a, std::uint64_t b, std::string_view suffix) {
  std::string out;
  append_hex16(out, a);
  out.push_back('-');
  append_hex16(out, b);
  out.append(suffix);
  return out;
}

inline std::optional<std::pair<std::uint64_t, std::uint64_t>> parse_pair_name(
    std::string_view name, std::string_view suffix) {
  if (name.size() != 2 * kHexDigits + 1 + suffix.size() || !name.ends_with(suffix) ||
      name[kHexDigits] != '-') {
    return std::nullopt;
  }
  const auto a = parse_hex16(name.substr(0, kHexDigits));
  const auto b = parse_hex16(name.substr(kHexDigits + 1, kHexDigits));
  if (!a || !b) return std::nullopt;
  return std::pair{*a, *b};
}

}  // namespace keel::storage
