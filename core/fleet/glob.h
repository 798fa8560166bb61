// Glob patterns over unit names, as fleet matches Conflicts= and Replaces= (Go's path.Match):
// `*` any run of characters, `?` one character, `[abc]`, `[a-z]`, `[^a-z]` a class, `\c` the
// character c itself. Unit names hold no '/', so path.Match's separator rule never applies.
#pragma once

#include <string>
#include <string_view>

#include "core/env/error.h"

namespace keel::fleet {

class Glob {
 public:
  // Refuses a malformed pattern (an unclosed '[', an empty class, a trailing '\'), naming the
  // position; path.Match reports these as ErrBadPattern.
  static Result<Glob> parse(std::string_view pattern);

  bool matches(std::string_view name) const;
  const std::string& pattern() const { return pattern_; }
  // True when the pattern has no wildcard: it matches exactly one name.
  bool is_literal() const { return literal_; }

 private:
  explicit Glob(std::string pattern, bool literal)
      : pattern_(std::move(pattern)), literal_(literal) {}
  std::string pattern_;
  bool literal_;
};

}  // namespace keel::fleet
