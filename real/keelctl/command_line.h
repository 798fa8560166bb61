// The words and flags of a keelctl command line, before any verb gives them meaning.
//
// A flag is "--name value", "--name=value" (a flag that takes a value) or "--name" (a switch).
// A flag with a short name is also "-n" (a switch) or "-n value"; a word "-x" that is no flag's
// short name stays a word.
// Flags may stand anywhere among the words; "--" ends the flags, so a word may begin with "--"
// after it. A flag that takes a value may be given several times: every value is kept, in order.
//
// Contract: parse_command_line never throws or asserts on input; an unknown flag, a missing value
// or a value given to a switch is a kInvalidArgument Error naming the flag.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/env/error.h"
#include "core/env/types.h"

namespace keel::real::keelctl {

struct FlagSpec {
  std::string_view name;  // without the dashes: "ttl"
  bool takes_value = false;
  std::string_view help;   // "--ttl S  the key expires after S seconds"
  char short_name = '\0';  // 'f' for "-f"; '\0': none
};

struct CommandLine {
  std::vector<std::string> words;                         // the verb and its operands, in order
  std::map<std::string, std::vector<std::string>> flags;  // name -> values ("" for a switch)

  bool has(std::string_view flag) const { return flags.contains(std::string(flag)); }
  // The last value given to `flag` (a later flag overrides an earlier one), if it was given.
  std::optional<std::string> last(std::string_view flag) const;
};

// Parses the arguments after the program name against the flags in `known`.
Result<CommandLine> parse_command_line(std::span<const std::string_view> args,
                                       std::span<const FlagSpec> known);

// A flag's value as a whole number in [min, max] ("--members 3"); kInvalidArgument naming `flag`
// and the range otherwise.
Result<std::uint64_t> parse_count(std::string_view flag, std::string_view text, std::uint64_t min,
                                  std::uint64_t max);

// A flag's value as a positive number of seconds, decimals allowed ("0.5"), at most a day;
// kInvalidArgument naming `flag` otherwise.
Result<Duration> parse_seconds(std::string_view flag, std::string_view text);

}  // namespace keel::real::keelctl
