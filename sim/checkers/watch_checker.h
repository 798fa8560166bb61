// The watch checker: holds what each watcher saw (watch_history.h) against the reference change
// log (every committed change, as the most up-to-date member applied it) and the clients' KV
// history (kv_history.h). It checks what etcd promises a watcher (etcd's API guarantees: ordered,
// reliable, atomic; our WatchHub's contract in core/kv/watch_hub.h), carried across reconnects:
//
//   1. kOrder, kDuplicate: within a stream, revisions never go back nor below the stream's start,
//      and no (revision, key) repeats;
//   2. kDuplicate, kResumption: across a watcher's streams no (revision, key) is delivered twice,
//      and a stream after a reconnect starts at most one past the last revision the watcher had
//      fully received (by an event or a progress notification). It may start earlier; then the
//      duplicate check holds it to delivering nothing already seen;
//   3. kGap: every reference event of the watched range whose revision lies in the watcher's
//      covered range, [the first stream's start, the last revision it saw or was told of by a
//      progress notification], was delivered in order: by some stream, above every revision the
//      watcher had passed when that stream opened. A canceled stream's events count; its
//      cancellation is reported, not blamed;
//   4. kMismatch: a delivered event equals the reference event at its revision and key (type,
//      value, create and mod revision, version, lease); kRange: it is in the watched range;
//   5. kUnwritten, kUnrequestedDelete, kLostAck: a put event's value was written to that key by a
//      put or cas that may have taken effect, invoked before the event was delivered; a delete
//      event matches such a delete; an acknowledged write whose revision is in a watcher's covered
//      range and whose key is in its range was delivered to it, at that revision.
//
// Compaction: the reference may start after revision 1. Below `first_revision` nothing is blamed:
// no gap, no late resumption, no lost acknowledgement, and events there are not compared.
//
// Delivery times: a stream's events arrived before the watcher opened its next stream (it
// reconnects after losing one), so `opened` of stream i+1 bounds them; the last stream's are
// unbounded. A stream asking for start revision 0 ("from now") starts at its first event, or
// after its first progress notification if it has no event; a reconnect asking for 0 is a
// kResumption violation (it may skip changes).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/env/error.h"
#include "core/kv/types.h"
#include "sim/checkers/kv_history.h"
#include "sim/checkers/watch_history.h"

namespace keel::sim {

enum class WatchCheck : std::uint8_t {
  kOrder,
  kDuplicate,
  kResumption,
  kGap,
  kRange,
  kMismatch,
  kUnwritten,
  kUnrequestedDelete,
  kLostAck,
};
std::string_view to_string(WatchCheck check);

struct WatchViolation {
  WatchCheck check = WatchCheck::kOrder;
  int watcher = 0;
  int stream = -1;     // the stream to blame, an index into the watcher's streams; -1: none
  std::string member;  // the member that served that stream
  kv::Revision revision = 0;
  std::string key;
  std::string detail;
};
// One line: "gap: watcher 2 stream 1 (n3) revision 17 key k1: ...".
std::string describe(const WatchViolation& violation);

struct WatchCancellation {
  int watcher = 0;
  int stream = 0;
  std::string member;
  std::string reason;
};

struct WatchCheckInput {
  std::span<const WatcherLog> watchers;
  std::span<const kv::Event> reference;  // in revision order, several events per revision for a txn
  kv::Revision first_revision = 1;       // the reference holds every change from this revision on
  std::span<const KvOp> history;
  std::size_t max_violations = 20;  // violations kept; all are counted
  // Keys under these prefixes are written by others than the clients (fleet's engine and agents
  // under /fleet/ and /services/): no client write need explain their changes (check 5); every
  // other check holds for them.
  std::vector<std::string> written_by_others;
};

struct WatchCheckResult {
  bool ok = true;
  std::vector<WatchViolation> violations;  // the first max_violations, in watcher order
  std::size_t total_violations = 0;
  std::size_t events_checked = 0;  // events delivered to all watchers
  std::vector<WatchCancellation> cancellations;
};

// Fails with kInvalidArgument on malformed input, naming it: a reference out of revision order,
// with a repeated (revision, key) or below first_revision; first_revision < 1; a watcher with an
// empty key or an id used twice.
Result<WatchCheckResult> check_watches(const WatchCheckInput& input);

}  // namespace keel::sim
