// Which client operations the report draws. A long run has hundreds of thousands of operations;
// the page stays bounded (DESIGN.md principle 6): up to `limit` operations are drawn, all of them
// when there are no more, else every highlighted one (up to the limit) and an even sample of the
// others (every stride-th), which the page says.
#pragma once

#include <cstddef>
#include <cstdint>
#include <set>
#include <vector>

#include "sim/checkers/kv_history.h"

namespace keel::sim {

struct OpSample {
  std::vector<std::size_t> drawn;  // indices into the history, ascending
  std::size_t stride = 1;          // 1: nothing left out
  std::size_t highlighted_left_out = 0;
};

OpSample sample_ops(const KvHistory& history, const std::set<std::uint64_t>& highlighted,
                    std::size_t limit);

}  // namespace keel::sim
