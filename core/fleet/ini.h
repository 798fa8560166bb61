// The syntax of systemd unit files (systemd.syntax(7)), without any meaning attached: `[Section]`
// headers, `Key=Value` assignments, `#` and `;` comment lines, a `\` at the end of a line joining
// it to the next with a space (comment lines inside such a run are skipped, as systemd does),
// whitespace around keys and values dropped. A repeated section header continues that section; a
// repeated key is kept as another assignment, for the reader to interpret.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/env/error.h"

namespace keel::fleet {

struct IniAssignment {
  std::string key;
  std::string value;
  int line = 0;          // 1-based line of the key
  int value_column = 0;  // 1-based column where the value starts on that line
};

struct IniSection {
  std::string name;
  int line = 0;  // the first header's line
  std::vector<IniAssignment> assignments;
};

// Sections in the order of their first header. Errors name the line (and column where it helps)
// and what was wrong; sizes are bounded by limits.h.
Result<std::vector<IniSection>> parse_ini(std::string_view text);

}  // namespace keel::fleet
