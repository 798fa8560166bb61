#include "real/keelctl/local_unit_file.h"

#include <charconv>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/env/str.h"
#include "core/fleet/limits.h"
#include "core/fleet/unit_file.h"

namespace keel::real::keelctl {
namespace {

// Takes a leading positive whole number off `text`; nullopt when it does not start with one.
std::optional<int> take_number(std::string_view& text) {
  int number = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), number);
  if (error != std::errc() || number <= 0) return std::nullopt;
  text.remove_prefix(static_cast<std::size_t>(end - text.data()));
  return number;
}

// The parser's message "line L, column C: what" or "line L: what" (unit_file.h, ini.h) as a
// problem at that place; any other message is at line 1, column 1.
UnitFileProblem locate(std::string_view message) {
  const UnitFileProblem unplaced{.line = 1, .column = 1, .message = std::string(message)};
  std::string_view rest = message;
  if (!rest.starts_with("line ")) return unplaced;
  rest.remove_prefix(std::string_view("line ").size());
  const auto line = take_number(rest);
  if (!line) return unplaced;
  int column = 1;
  if (constexpr std::string_view kColumn = ", column "; rest.starts_with(kColumn)) {
    rest.remove_prefix(kColumn.size());
    const auto given = take_number(rest);
    if (!given) return unplaced;
    column = *given;
  }
  if (!rest.starts_with(": ")) return unplaced;
  rest.remove_prefix(2);
  return {.line = *line, .column = column, .message = std::string(rest)};
}

}  // namespace

Result<std::string> read_unit_file(const std::string& path) {
  std::error_code error;
  const auto size = std::filesystem::file_size(path, error);
  if (error) return fail(Errc::kIo, str(path, ": ", error.message()));
  if (size > fleet::kMaxUnitFileBytes) {
    return fail(Errc::kLimitExceeded, str(path, ": ", size, " bytes, a unit file holds at most ",
                                          fleet::kMaxUnitFileBytes));
  }
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  if (!in) return fail(Errc::kIo, str(path, ": cannot be read"));
  return text.str();
}

std::optional<UnitFileProblem> check_unit_file(std::string_view path, std::string_view text) {
  const std::string name = std::filesystem::path(path).filename().string();
  auto parsed = fleet::parse_unit_file(name, text);
  if (parsed) return std::nullopt;
  return locate(parsed.error().message);
}

std::string format_problem(std::string_view path, const UnitFileProblem& problem) {
  return str(path, ":", problem.line, ":", problem.column, ": ", problem.message);
}

}  // namespace keel::real::keelctl
