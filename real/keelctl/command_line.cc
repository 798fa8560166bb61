#include "real/keelctl/command_line.h"

#include <algorithm>
#include <charconv>

#include "core/env/str.h"

namespace keel::real::keelctl {
namespace {

const FlagSpec* find_flag(std::span<const FlagSpec> known, std::string_view name) {
  const auto found = std::ranges::find(known, name, &FlagSpec::name);
  return found == known.end() ? nullptr : &*found;
}

// The flag whose short name `arg` ("-f") is, or nullptr.
const FlagSpec* find_short_flag(std::span<const FlagSpec> known, std::string_view arg) {
  if (arg.size() != 2 || arg[0] != '-' || arg[1] == '-' || arg[1] == '\0') return nullptr;
  const auto found = std::ranges::find(known, arg[1], &FlagSpec::short_name);
  return found == known.end() ? nullptr : &*found;
}

}  // namespace

std::optional<std::string> CommandLine::last(std::string_view flag) const {
  const auto found = flags.find(std::string(flag));
  if (found == flags.end()) return std::nullopt;
  return found->second.back();
}

Result<CommandLine> parse_command_line(std::span<const std::string_view> args,
                                       std::span<const FlagSpec> known) {
  CommandLine line;
  bool flags_ended = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string_view arg = args[i];
    if (const FlagSpec* spec = flags_ended ? nullptr : find_short_flag(known, arg)) {
      if (spec->takes_value && i + 1 == args.size()) {
        return fail(Errc::kInvalidArgument, str(arg, " needs a value"));
      }
      line.flags[std::string(spec->name)].push_back(spec->takes_value ? std::string(args[++i])
                                                                      : std::string());
      continue;
    }
    if (flags_ended || !arg.starts_with("--")) {
      line.words.emplace_back(arg);
      continue;
    }
    if (arg == "--") {
      flags_ended = true;
      continue;
    }
    const std::size_t equals = arg.find('=');
    const std::string_view name =
        arg.substr(2, equals == std::string_view::npos ? arg.npos : equals - 2);
    const FlagSpec* spec = find_flag(known, name);
    if (spec == nullptr) return fail(Errc::kInvalidArgument, str("unknown flag --", name));
    std::string value;
    if (!spec->takes_value) {
      if (equals != std::string_view::npos) {
        return fail(Errc::kInvalidArgument, str("--", name, " takes no value"));
      }
    } else if (equals != std::string_view::npos) {
      value = arg.substr(equals + 1);
    } else if (i + 1 < args.size()) {
      value = args[++i];
    } else {
      return fail(Errc::kInvalidArgument, str("--", name, " needs a value"));
    }
    line.flags[std::string(name)].push_back(std::move(value));
  }
  return line;
}

Result<std::uint64_t> parse_count(std::string_view flag, std::string_view text, std::uint64_t min,
                                  std::uint64_t max) {
  std::uint64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || value < min || value > max) {
    return fail(Errc::kInvalidArgument, str("--", flag, " wants a whole number from ", min, " to ",
                                            max, ", not \"", text, "\""));
  }
  return value;
}

Result<Duration> parse_seconds(std::string_view flag, std::string_view text) {
  constexpr double kMaxSeconds = 24 * 60 * 60;
  double seconds = 0;
  const auto [end, error] =
      std::from_chars(text.data(), text.data() + text.size(), seconds, std::chars_format::fixed);
  if (error != std::errc() || end != text.data() + text.size() || !(seconds > 0) ||
      seconds > kMaxSeconds) {
    return fail(Errc::kInvalidArgument,
                str("--", flag, " wants a number of seconds above 0 and at most ", kMaxSeconds,
                    ", not \"", text, "\""));
  }
  return std::chrono::duration_cast<Duration>(std::chrono::duration<double>(seconds));
}

}  // namespace keel::real::keelctl
