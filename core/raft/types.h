// The data Raft deals in: log entries, persistent state, snapshots and messages.
// These are plain values; core/codec encodes them, core/storage persists them, core/raft decides.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "core/env/chunked_bytes.h"
#include "core/env/shared_bytes.h"
#include "core/env/types.h"

namespace keel::raft {

using Term = std::uint64_t;
using Index = std::uint64_t;

enum class EntryType : std::uint8_t {
  kNormal = 0,      // an application command (may be empty: the leader's no-op, thesis §3.6.2)
  kConfChange = 1,  // data is an encoded ConfChange (thesis §4.1: one server at a time)
};

struct Entry {
  Term term = 0;
  Index index = 0;
  EntryType type = EntryType::kNormal;
  SharedBytes data;  // copies of an entry share these bytes
  friend bool operator==(const Entry&, const Entry&) = default;
};

// What must be on stable storage before a message that depends on it is sent (thesis §3.8).
struct HardState {
  Term term = 0;
  NodeId vote = kNoNode;
  Index commit = 0;
  friend bool operator==(const HardState&, const HardState&) = default;
};

// The configuration: voters decide elections and commitment; learners only receive the log.
// Both lists are kept sorted and disjoint.
struct ConfState {
  std::vector<NodeId> voters;
  std::vector<NodeId> learners;
  friend bool operator==(const ConfState&, const ConfState&) = default;
};

enum class ConfChangeType : std::uint8_t {
  kAddLearner = 0,      // a new machine starts as a non-voting learner and catches up
  kPromoteLearner = 1,  // ... then becomes a voter
  kRemoveNode = 2,
};

struct ConfChange {
  ConfChangeType type = ConfChangeType::kAddLearner;
  NodeId node = kNoNode;
  friend bool operator==(const ConfChange&, const ConfChange&) = default;
};

struct SnapshotMeta {
  Index index = 0;  // the last entry the snapshot covers
  Term term = 0;    // that entry's term
  ConfState conf;   // the configuration as of that entry
  friend bool operator==(const SnapshotMeta&, const SnapshotMeta&) = default;
};

struct Snapshot {
  SnapshotMeta meta;
  ChunkedBytes data;  // the state machine's encoded state, in chunks it may share with it
  friend bool operator==(const Snapshot&, const Snapshot&) = default;
};

enum class MessageType : std::uint8_t {
  kPreVote = 0,  // thesis §9.6
  kPreVoteResponse = 1,
  kVote = 2,  // RequestVote, thesis §3.4
  kVoteResponse = 3,
  kAppend = 4,  // AppendEntries, thesis §3.5
  kAppendResponse = 5,
  kHeartbeat = 6,  // an AppendEntries without entries; also carries ReadIndex contexts
  kHeartbeatResponse = 7,
  kSnapshot = 8,  // InstallSnapshot, one chunk (thesis §5.3)
  kSnapshotResponse = 9,
  kTimeoutNow = 10,  // leadership transfer, thesis §3.10
  kReadIndex = 11,   // a follower asks the leader for a read index, thesis §6.4
  kReadIndexResponse = 12,
  kPropose = 13,  // a follower forwards proposals to the leader
};

inline constexpr int kMessageTypeCount = 14;
std::string_view to_string(MessageType type);

// One message between members. Which fields mean something depends on the type; the rest stay 0.
struct Message {
  MessageType type = MessageType::kHeartbeat;
  std::uint64_t cluster = 0;  // a message from another cluster is dropped and counted
  NodeId from = kNoNode;
  NodeId to = kNoNode;
  Term term = 0;

  // Append / Vote / PreVote: the entry just before `entries` (Append), or the sender's last entry
  // (Vote, PreVote). AppendResponse: the index the follower now matches (or the rejected index).
  Term log_term = 0;
  Index index = 0;
  std::vector<Entry> entries;  // Append, Propose
  Index commit = 0;            // Append, Heartbeat

  // Responses.
  bool reject = false;
  Index reject_hint = 0;  // fast backtracking: the follower's last index, or the first index of the
  Term hint_term = 0;     // conflicting term
  // ReadIndex, Heartbeat and their responses: the read request being confirmed.
  std::uint64_t context = 0;

  // Snapshot chunks: the metadata, where this chunk goes, its bytes, and whether it is the last.
  // SnapshotResponse: `offset` bytes held from the snapshot's start (reject: none, while chunks
  // past the start arrive), or done: installed, and `index` is what the follower now matches.
  SnapshotMeta snapshot;
  std::uint64_t offset = 0;
  Bytes chunk;
  bool done = false;

  friend bool operator==(const Message&, const Message&) = default;
};

}  // namespace keel::raft
