// Unit files on keelctl's machine, before anything is sent: reading one (submit, verify) and
// checking it offline with the core's parser (verify), as `systemd-analyze verify` checks unit
// files without a running manager.
//
// Contract: check_unit_file names the unit after the file's base name (as submit does) and
// reports the first problem the parser finds (core/fleet/unit_file.h stops at the first), with
// the line and column it names; a problem without a column is at column 1 of its line, and one
// without a line (a bad unit name, a missing [Service]) at line 1, column 1.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/env/error.h"

namespace keel::real::keelctl {

// The text of the file at `path`; kLimitExceeded when it is larger than a unit file may be
// (core/fleet/limits.h), kIo when it cannot be read.
Result<std::string> read_unit_file(const std::string& path);

struct UnitFileProblem {
  int line = 1;
  int column = 1;
  std::string message;
  bool operator==(const UnitFileProblem&) const = default;
};

// The problem of the unit file `text` read from `path`, or nullopt when it is a valid unit file.
std::optional<UnitFileProblem> check_unit_file(std::string_view path, std::string_view text);

// "PATH:LINE:COLUMN: message", the compilers' shape, so editors can jump to it.
std::string format_problem(std::string_view path, const UnitFileProblem& problem);

}  // namespace keel::real::keelctl
