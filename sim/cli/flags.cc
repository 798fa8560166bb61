#include "sim/cli/flags.h"

#include <charconv>

#include "core/env/str.h"

namespace keel::sim::cli {

Result<Flags> Flags::parse(const std::vector<std::string_view>& args,
                           const std::set<std::string, std::less<>>& with_value,
                           const std::set<std::string, std::less<>>& switches) {
  Flags flags;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string_view arg = args[i];
    if (!arg.starts_with("-")) {
      flags.positional_.push_back(arg);
      continue;
    }
    std::string_view name = arg.substr(arg.starts_with("--") ? 2 : 1);
    if (switches.contains(name)) {
      flags.switches_.emplace(name);
    } else if (with_value.contains(name)) {
      if (i + 1 >= args.size()) return fail(Errc::kInvalidArgument, str(arg, " needs a value"));
      flags.values_[std::string(name)] = args[++i];
    } else {
      return fail(Errc::kInvalidArgument, str("unknown flag '", arg, "'"));
    }
  }
  return flags;
}

std::optional<std::string_view> Flags::value(std::string_view name) const {
  auto it = values_.find(name);
  if (it == values_.end()) return std::nullopt;
  return it->second;
}

bool Flags::has(std::string_view name) const { return switches_.contains(name); }

Result<int> parse_jobs(std::optional<std::string_view> value) {
  if (!value) return 1;
  int jobs = 0;
  const auto [end, error] = std::from_chars(value->data(), value->data() + value->size(), jobs);
  if (error != std::errc() || end != value->data() + value->size() || jobs < 1 || jobs > 256) {
    return fail(Errc::kInvalidArgument,
                str("-j takes a number of jobs from 1 to 256, got '", *value, "'"));
  }
  return jobs;
}

}  // namespace keel::sim::cli
