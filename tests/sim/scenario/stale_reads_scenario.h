// A scenario that fails linearizability on its first seeds: serializable reads (SCENARIOS.md's
// `reads:` extension) are served from a member's own store, stale while it is cut off. The shrink
// tests start from it.
#pragma once

#include <string_view>

namespace keel::sim::testing {

inline constexpr std::string_view kStaleReadsScenario = R"(
name: stale-reads
duration: 4s
settle: 10s
cluster: {members: 3}
network: {latency: [1ms, 5ms]}
workload:
  kv: {clients: 4, rate: 400/s, keys: 2, mix: {get: 80, put: 20}, timeout: 1s, reads: serializable}
  watch: {clients: 2}
faults:
  - {at: 500ms, clock: {node: n1, offset: 200ms}}
  - {at: 1s, partition: {isolate: [n1]}, for: 2s}
  - {at: 1500ms, pause: follower, for: 300ms}
)";

}  // namespace keel::sim::testing
