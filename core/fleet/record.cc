#include "core/fleet/record.h"

#include <set>

#include "core/env/str.h"

namespace keel::fleet {

std::string encode_record(const Record& record) {
  std::string out;
  for (const auto& [field, value] : record) {
    out += field;
    out += '=';
    for (char c : value) {
      if (c == '\\') {
        out += "\\\\";
      } else if (c == '\n') {
        out += "\\n";
      } else {
        out += c;
      }
    }
    out += '\n';
  }
  return out;
}

Result<Record> decode_record(std::string_view text) {
  Record record;
  std::set<std::string, std::less<>> seen;
  int line_number = 0;
  while (!text.empty()) {
    ++line_number;
    std::size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    std::size_t eq = line.find('=');
    if (eq == std::string_view::npos || eq == 0) {
      return fail(Errc::kInvalidArgument,
                  str("record line ", line_number, ": expected field=value"));
    }
    std::string field(line.substr(0, eq));
    if (!seen.insert(field).second) {
      return fail(Errc::kInvalidArgument,
                  str("record line ", line_number, ": field ", field, " repeated"));
    }
    std::string value;
    for (std::size_t i = eq + 1; i < line.size(); ++i) {
      if (line[i] != '\\') {
        value += line[i];
        continue;
      }
      if (i + 1 == line.size() || (line[i + 1] != '\\' && line[i + 1] != 'n')) {
        return fail(Errc::kInvalidArgument, str("record line ", line_number, " column ", i + 1,
                                                ": a backslash must be followed by \\ or n"));
      }
      value += line[++i] == 'n' ? '\n' : '\\';
    }
    record.emplace_back(std::move(field), std::move(value));
  }
  return record;
}

const std::string* find_field(const Record& record, std::string_view field) {
  for (const auto& [name, value] : record) {
    if (name == field) return &value;
  }
  return nullptr;
}

}  // namespace keel::fleet
