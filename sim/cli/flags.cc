#include "sim/cli/flags.h"

#include <algorithm>
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
    // A one-letter flag may carry its value: -j4 is -j 4, as make and ctest take it.
    if (!arg.starts_with("--") && name.size() > 1 && with_value.contains(name.substr(0, 1))) {
      flags.values_[std::string(name.substr(0, 1))] = name.substr(1);
      continue;
    }
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

Result<SeedRange> take_shard(SeedRange seeds, std::optional<std::string_view> value) {
  if (!value) return seeds;
  const auto slash = value->find('/');
  std::uint64_t index = 0, count = 0;
  const auto number = [](std::string_view text, std::uint64_t& out) {
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), out);
    return error == std::errc() && end == text.data() + text.size();
  };
  if (slash == std::string_view::npos || !number(value->substr(0, slash), index) ||
      !number(value->substr(slash + 1), count) || count < 1 || index < 1 || index > count) {
    return fail(
        Errc::kInvalidArgument,
        str("--shard takes I/N with 1 <= I <= N (the I-th of N slices), got '", *value, "'"));
  }
  // Slices differ in size by one at most; the first `extra` slices take one more seed.
  const std::uint64_t base = seeds.count() / count, extra = seeds.count() % count;
  const std::uint64_t first =
      seeds.first + (index - 1) * base + std::min<std::uint64_t>(index - 1, extra);
  const std::uint64_t size = base + (index <= extra ? 1 : 0);
  if (size == 0) {
    return fail(Errc::kInvalidArgument, str("--shard ", *value, ": the range of ", seeds.count(),
                                            " seeds has no slice ", index));
  }
  return SeedRange{first, first + size - 1};
}

}  // namespace keel::sim::cli
