#include "core/fleet/glob.h"

#include "core/env/assert.h"
#include "core/env/str.h"

namespace keel::fleet {
namespace {

// The class starting at pattern[i] == '['. Returns the index just past its ']' and whether `c`
// is in it, or npos for a malformed class.
std::size_t match_class(std::string_view pattern, std::size_t i, char c, bool& matched) {
  KEEL_ASSERT(pattern[i] == '[', "a class starts with '['");
  ++i;
  bool negated = false;
  if (i < pattern.size() && pattern[i] == '^') {
    negated = true;
    ++i;
  }
  bool in_class = false;
  bool empty = true;
  while (i < pattern.size() && (pattern[i] != ']' || empty)) {
    if (pattern[i] == ']') return std::string_view::npos;  // "[]" and "[^]" are empty classes
    char low = pattern[i];
    if (low == '\\') {
      if (++i == pattern.size()) return std::string_view::npos;
      low = pattern[i];
    }
    char high = low;
    if (i + 2 < pattern.size() && pattern[i + 1] == '-' && pattern[i + 2] != ']') {
      i += 2;
      high = pattern[i];
      if (high == '\\') {
        if (++i == pattern.size()) return std::string_view::npos;
        high = pattern[i];
      }
    }
    if (low <= c && c <= high) in_class = true;
    empty = false;
    ++i;
  }
  if (i == pattern.size()) return std::string_view::npos;  // no closing ']'
  matched = in_class != negated;
  return i + 1;
}

// Matches one pattern element at pattern[p] against c; returns the index past the element, or
// npos when it does not match. `*` is handled by the caller.
std::size_t match_one(std::string_view pattern, std::size_t p, char c) {
  switch (pattern[p]) {
    case '?':
      return p + 1;
    case '[': {
      bool matched = false;
      const std::size_t next = match_class(pattern, p, c, matched);
      return matched ? next : std::string_view::npos;
    }
    case '\\':
      return pattern[p + 1] == c ? p + 2 : std::string_view::npos;
    default:
      return pattern[p] == c ? p + 1 : std::string_view::npos;
  }
}

}  // namespace

Result<Glob> Glob::parse(std::string_view pattern) {
  bool literal = true;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    switch (pattern[i]) {
      case '*':
      case '?':
        literal = false;
        break;
      case '\\':
        if (++i == pattern.size()) {
          return fail(Errc::kInvalidArgument,
                      str("glob '", pattern, "': trailing '\\' escapes nothing"));
        }
        literal = false;
        break;
      case '[': {
        bool ignored = false;
        const std::size_t next = match_class(pattern, i, 'a', ignored);
        if (next == std::string_view::npos) {
          return fail(Errc::kInvalidArgument,
                      str("glob '", pattern, "': character class at position ", i + 1,
                          " is empty or not closed with ']'"));
        }
        i = next - 1;
        literal = false;
        break;
      }
      default:
        break;
    }
  }
  if (pattern.empty()) return fail(Errc::kInvalidArgument, "glob is empty");
  return Glob(std::string(pattern), literal);
}

// Iterative matching with one backtracking point: the most recent '*' (the classic wildcard
// algorithm; linear in practice, never exponential).
bool Glob::matches(std::string_view name) const {
  if (literal_) return name == pattern_;
  const std::string_view pattern = pattern_;
  std::size_t p = 0, n = 0;
  std::size_t star = std::string_view::npos, star_n = 0;
  while (n < name.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      star = ++p;
      star_n = n;
      continue;
    }
    if (p < pattern.size()) {
      if (const std::size_t next = match_one(pattern, p, name[n]); next != std::string_view::npos) {
        p = next;
        ++n;
        continue;
      }
    }
    if (star == std::string_view::npos) return false;
    p = star;
    n = ++star_n;
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

}  // namespace keel::fleet
