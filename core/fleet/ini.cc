#include "core/fleet/ini.h"

#include <algorithm>

#include "core/env/str.h"
#include "core/fleet/limits.h"

namespace keel::fleet {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

bool is_comment(std::string_view trimmed) {
  return !trimmed.empty() && (trimmed.front() == '#' || trimmed.front() == ';');
}

// Keys are systemd's: letters, digits and '-' (plus '_' for X- extensions' sake).
bool is_key_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_';
}

std::unexpected<Error> at(int line, std::string_view what) {
  return fail(Errc::kInvalidArgument, str("line ", line, ": ", what));
}

std::unexpected<Error> at(int line, int column, std::string_view what) {
  return fail(Errc::kInvalidArgument, str("line ", line, ", column ", column, ": ", what));
}

// Splits the text into physical lines, dropping a '\r' before each '\n'.
std::vector<std::string_view> physical_lines(std::string_view text) {
  std::vector<std::string_view> lines;
  while (!text.empty()) {
    const auto end = text.find('\n');
    std::string_view line = text.substr(0, end);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    lines.push_back(line);
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
  return lines;
}

}  // namespace

Result<std::vector<IniSection>> parse_ini(std::string_view text) {
  if (text.size() > kMaxUnitFileBytes) {
    return fail(Errc::kLimitExceeded,
                str("unit file of ", text.size(), " bytes exceeds kMaxUnitFileBytes (",
                    kMaxUnitFileBytes, ")"));
  }
  if (const auto nul = text.find('\0'); nul != std::string_view::npos) {
    return fail(
        Errc::kInvalidArgument,
        str("line ", std::count(text.begin(), text.begin() + static_cast<long>(nul), '\n') + 1,
            ": NUL byte in a unit file"));
  }
  const std::vector<std::string_view> lines = physical_lines(text);
  std::vector<IniSection> sections;
  std::size_t current = sections.max_size();  // no section yet
  std::size_t assignments = 0;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const int number = static_cast<int>(i) + 1;
    const std::string_view raw = lines[i];
    const std::string_view line = trim(raw);
    if (line.empty() || is_comment(line)) continue;
    const int first_column = static_cast<int>(raw.find_first_not_of(" \t")) + 1;
    if (line.front() == '[') {
      if (line.back() != ']') return at(number, "section header is not closed with ']'");
      const std::string_view name = trim(line.substr(1, line.size() - 2));
      if (name.empty()) return at(number, "section name is empty");
      auto found = std::find_if(sections.begin(), sections.end(),
                                [&](const IniSection& s) { return s.name == name; });
      if (found == sections.end()) {
        if (sections.size() == kMaxSections) {
          return fail(Errc::kLimitExceeded, str("line ", number, ": more than kMaxSections (",
                                                kMaxSections, ") sections"));
        }
        sections.push_back({std::string(name), number, {}});
        found = sections.end() - 1;
      }
      current = static_cast<std::size_t>(found - sections.begin());
      continue;
    }
    const auto equals = line.find('=');
    if (equals == std::string_view::npos) {
      return at(number, first_column, "expected Key=Value, a [Section] header or a comment");
    }
    if (current == sections.max_size())
      return at(number, first_column, "assignment before any [Section]");
    const std::string_view key = trim(line.substr(0, equals));
    if (key.empty()) return at(number, first_column, "empty key before '='");
    for (std::size_t k = 0; k < key.size(); ++k) {
      if (!is_key_char(key[k])) {
        return at(number, first_column + static_cast<int>(k),
                  str("invalid character '", key[k], "' in key '", key, "'"));
      }
    }
    std::string_view rest = line.substr(equals + 1);
    const std::size_t raw_equals = raw.find('=');
    const std::size_t value_start = raw.find_first_not_of(" \t", raw_equals + 1);
    const int value_column =
        static_cast<int>(value_start == std::string_view::npos ? raw_equals + 1 : value_start) + 1;
    std::string value;
    // Continuation: a trailing '\' joins the next line, the '\' becoming a space.
    while (!rest.empty() && rest.back() == '\\') {
      rest.remove_suffix(1);
      value += rest;
      value += ' ';
      do {
        if (++i == lines.size()) return at(number, "'\\' continues past the end of the file");
      } while (is_comment(trim(lines[i])));
      rest = lines[i];
      if (value.size() + rest.size() > kMaxLineBytes) break;
    }
    value += rest;
    if (value.size() > kMaxLineBytes) {
      return fail(Errc::kLimitExceeded, str("line ", number, ": value of '", key,
                                            "' exceeds kMaxLineBytes (", kMaxLineBytes, ")"));
    }
    if (++assignments > kMaxAssignments) {
      return fail(Errc::kLimitExceeded, str("line ", number, ": more than kMaxAssignments (",
                                            kMaxAssignments, ") assignments"));
    }
    sections[current].assignments.push_back(
        {std::string(key), std::string(trim(value)), number, value_column});
  }
  return sections;
}

}  // namespace keel::fleet
