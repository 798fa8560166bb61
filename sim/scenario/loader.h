// Loads a scenario file (../shared/SCENARIOS.md) with yaml-cpp and validates every field. An
// invalid file gives one error naming file:line:column, the key, and what was expected; an unknown
// key gets a "did you mean" suggestion. Parts whose machinery does not exist yet (units and
// container faults until fleet lands) are refused as "not supported yet", never ignored.
#pragma once

#include <string>
#include <string_view>

#include "core/env/error.h"
#include "sim/scenario/scenario.h"

namespace keel::sim {

Result<Scenario> load_scenario(const std::string& path);
// The same from text; `file` names it in errors, and `path:` entries are relative to its folder.
Result<Scenario> parse_scenario(std::string_view text, const std::string& file);

// The known word closest to `word` by edit distance, or "" if none is close.
std::string closest_word(std::string_view word, const std::vector<std::string>& known);

}  // namespace keel::sim
