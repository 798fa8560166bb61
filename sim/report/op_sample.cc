#include "sim/report/op_sample.h"

#include "core/env/assert.h"

namespace keel::sim {

OpSample sample_ops(const KvHistory& history, const std::set<std::uint64_t>& highlighted,
                    std::size_t limit) {
  KEEL_ASSERT(limit > 0, "the operation limit must be positive");
  OpSample sample;
  if (history.size() <= limit) {
    for (std::size_t i = 0; i < history.size(); ++i) sample.drawn.push_back(i);
    return sample;
  }
  std::vector<bool> chosen(history.size(), false);
  std::size_t taken = 0;
  for (std::size_t i = 0; i < history.size(); ++i) {
    if (!highlighted.contains(history[i].id)) continue;
    if (taken < limit) {
      chosen[i] = true;
      ++taken;
    } else {
      ++sample.highlighted_left_out;
    }
  }
  const std::size_t others = history.size() - taken - sample.highlighted_left_out;
  const std::size_t room = limit - taken;
  sample.stride = room == 0 ? others + 1 : (others + room - 1) / room;
  KEEL_ASSERT(sample.stride >= 1, "sampling stride ", sample.stride);
  std::size_t other_index = 0;
  for (std::size_t i = 0; i < history.size(); ++i) {
    if (highlighted.contains(history[i].id)) continue;
    if (other_index++ % sample.stride == 0 && taken < limit) {
      chosen[i] = true;
      ++taken;
    }
  }
  for (std::size_t i = 0; i < history.size(); ++i) {
    if (chosen[i]) sample.drawn.push_back(i);
  }
  return sample;
}

}  // namespace keel::sim
