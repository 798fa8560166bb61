// Limits of the key-value store (DESIGN.md principle 6). Every request past a limit is refused with
// Errc::kLimitExceeded and a message naming the limit; the codec refuses encodings past them.
#pragma once

#include <cstddef>
#include <cstdint>

namespace keel::kv {

// A key. etcd has no key limit of its own beyond its 1.5 MiB request size; keys are names, so
// Keel keeps them small enough to index cheaply.
inline constexpr std::size_t kMaxKeyBytes = 8u << 10;
// A value (etcd: bounded only by --max-request-bytes, 1.5 MiB by default).
inline constexpr std::size_t kMaxValueBytes = 1u << 20;
// The keys and values of one request together (etcd's default --max-request-bytes).
inline constexpr std::size_t kMaxRequestBytes = 3u << 19;
// Compares, and operations per branch, of one txn (etcd's default --max-txn-ops).
inline constexpr std::size_t kMaxTxnOps = 128;
// Key-values in one range response and their bytes; past either the response says `more`.
inline constexpr std::size_t kMaxRangeKeys = 10000;
inline constexpr std::size_t kMaxRangeBytes = 8u << 20;
// Requests in one encoded batch (one Raft entry).
inline constexpr std::size_t kMaxBatchRequests = 4096;
// Events in one watch response, and the length of an error message on the wire.
inline constexpr std::size_t kMaxWatchEvents = 4096;
inline constexpr std::size_t kMaxMessageBytes = 4096;
// The longest lease TTL in seconds (etcd's MaxLeaseTTL).
inline constexpr std::int64_t kMaxLeaseTtlSeconds = 9'000'000'000;
// Hard ceilings of the configurable limits below: what a decoder accepts from a snapshot.
inline constexpr std::size_t kMaxLeasesCeiling = 1u << 20;
inline constexpr std::size_t kMaxKeysCeiling = 1u << 28;

// The limits a store is built with. Defaults suit a cluster store; tests pick small ones.
struct StoreLimits {
  // Leases alive at once (etcd has no limit; Keel refuses a grant past it).
  std::size_t max_leases = 100000;
  // The shortest TTL in seconds; shorter grants are raised to it (etcd's minLeaseTTL: 1.5x the
  // election timeout, so that a leader change cannot expire a lease; see min_lease_ttl_seconds()).
  std::int64_t min_lease_ttl_seconds = 2;
  // Client sessions kept for exactly-once replies (Raft thesis §6.3); past it the least recently
  // active session is dropped.
  std::size_t max_sessions = 10000;
  // A session idle this long (in leader time, see Store::apply) is dropped.
  std::int64_t session_timeout_ms = 10 * 60 * 1000;
  // History kept since the compaction revision, in revisions and in bytes of keys and values.
  // Past either, the store compacts its oldest history itself down to half of the limit (etcd's
  // revision-based auto-compaction), so history never grows without bound and writes never fail
  // for lack of room.
  std::int64_t max_history_revisions = 100000;
  std::size_t max_history_bytes = 256u << 20;
};

}  // namespace keel::kv
