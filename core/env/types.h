// Vocabulary types shared by every part of Keel: bytes, time, node ids.
#pragma once

#include <chrono>
#include <cstdint>
#include <span>
#include <vector>

namespace keel {

using Bytes = std::vector<std::uint8_t>;
using ByteView = std::span<const std::uint8_t>;

// Durations are nanoseconds everywhere, in both worlds.
using Duration = std::chrono::nanoseconds;

// The origin of a machine's monotonic clock. It is only a tag: it has no now(), so the core cannot
// read a clock except through env::Clock (DESIGN.md principle 2).
struct MonotonicOrigin {
  using rep = Duration::rep;
  using period = Duration::period;
  using duration = Duration;
  using time_point = std::chrono::time_point<MonotonicOrigin, Duration>;
  static constexpr bool is_steady = true;
};

// A reading of a machine's monotonic clock. Readings of two machines are not comparable.
using Time = MonotonicOrigin::time_point;

// A machine's identity within a cluster. 0 means "no node" (as in etcd raft).
using NodeId = std::uint64_t;
inline constexpr NodeId kNoNode = 0;

}  // namespace keel
