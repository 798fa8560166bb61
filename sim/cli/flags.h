// A small command-line flag reader for keelsim's commands: `--name value` and `--name` switches.
// Every flag must be known to the command; anything else is a usage error naming it.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/env/error.h"
#include "sim/units.h"

namespace keel::sim::cli {

class Flags {
 public:
  // `with_value` and `switches` list the flags the command knows (without the leading dashes).
  static Result<Flags> parse(const std::vector<std::string_view>& args,
                             const std::set<std::string, std::less<>>& with_value,
                             const std::set<std::string, std::less<>>& switches);

  std::optional<std::string_view> value(std::string_view name) const;
  bool has(std::string_view name) const;
  const std::vector<std::string_view>& positional() const { return positional_; }

 private:
  std::map<std::string, std::string_view, std::less<>> values_;
  std::set<std::string, std::less<>> switches_;
  std::vector<std::string_view> positional_;
};

// `-j N`: how many seeds run at once (1 when not given), 1 to 256.
Result<int> parse_jobs(std::optional<std::string_view> value);

// `--shard I/N`: the I-th (from 1) of N contiguous slices of `seeds`, as even as can be, so N
// machines given 1/N .. N/N cover the range once. All of `seeds` when not given.
Result<SeedRange> take_shard(SeedRange seeds, std::optional<std::string_view> value);

}  // namespace keel::sim::cli
