// A test harness for core/raft: several Raft instances, a message router between them (messages
// are delivered by hand, in order, through optional filters), "disks" that keep what each Ready
// asked to persist, and a tiny state machine (the list of applied commands) so snapshots carry
// real data.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/raft/raft.h"

namespace keel::raft::testing {

inline constexpr std::uint64_t kCluster = 0xC0FFEE;

Bytes bytes(std::string_view text);
std::string text(ByteView data);

// What one machine keeps on disk, and the state machine it applied to.
struct Machine {
  HardState hard_state;
  std::optional<Snapshot> snapshot;
  std::vector<Entry> entries;  // after the snapshot
  ConfState initial_conf;
  Config config;
  std::unique_ptr<Raft> raft;        // null while crashed
  std::vector<std::string> applied;  // the state machine: applied non-empty commands
  Index applied_index = 0;
  std::vector<ReadState> read_states;
  // Every Ready handed out, when recording is on (their entries, views into the log, are stale).
  std::vector<Ready> readies;
};

class Cluster {
 public:
  // Voters 1..n, all founding members. `tweak` adjusts every node's Config.
  explicit Cluster(int voters, std::function<void(Config&)> tweak = {}, std::uint64_t seed = 1);

  Raft& raft(NodeId id);
  Machine& machine(NodeId id) { return machines_.at(id); }
  std::vector<NodeId> ids() const;

  // A new, empty machine that will join as a learner (its initial conf is the founders').
  void add_machine(NodeId id);
  void crash(NodeId id);    // the Raft object is destroyed; its disk stays
  void restart(NodeId id);  // built again from its disk
  bool alive(NodeId id) const { return machines_.at(id).raft != nullptr; }

  // Handles every pending Ready (persist, queue messages, apply, advance), delivers queued
  // messages, and repeats until nothing is left. Returns the number of messages delivered.
  std::size_t settle(std::size_t max_messages = 100000);
  // Handles the Readies only; messages stay queued.
  void flush_readies();
  // Steps one message into its target (if alive and not cut off), then handles its Ready.
  bool deliver(const Message& m);
  // Delivers the messages queued right now (not the ones they cause), then handles the Readies.
  std::size_t deliver_once();
  void tick(NodeId id, int times = 1);
  void tick_all(int times = 1);
  // Ticks only `id` until it starts campaigning, then settles. Returns the leader afterwards.
  NodeId campaign(NodeId id);
  NodeId leader() const;  // the leader of the highest term among live nodes, or kNoNode

  // Routing: a filter returning true drops the message. Partitions are symmetric.
  void isolate(NodeId id);
  void partition(std::set<NodeId> side);  // cut every link between `side` and the rest
  void heal();
  std::function<bool(const Message&)> drop_if;
  std::deque<Message>& queue() { return queue_; }
  void record_readies(bool on) { record_ = on; }

  // Every message delivered so far (for counting round trips).
  std::vector<Message> delivered;

  // raft(id).read_index(context), then handles the Ready.
  Status read_index_on(NodeId id, std::uint64_t context);

  // The application takes a snapshot at its applied index and tells Raft to compact.
  void compact(NodeId id);

 private:
  void handle_ready(NodeId id);
  bool cut(const Message& m) const;

  std::function<void(Config&)> tweak_;
  std::uint64_t seed_;
  ConfState founders_;
  std::map<NodeId, Machine> machines_;
  std::deque<Message> queue_;
  std::set<std::pair<NodeId, NodeId>> cut_links_;
  bool record_ = false;
};

Bytes encode_state(const std::vector<std::string>& applied);
std::vector<std::string> decode_state(const Bytes& data);

// A normal entry, as tests write logs by hand.
Entry entry(Index index, Term term, std::string_view data = {});

// A message as another member would send it.
Message message(MessageType type, NodeId from, NodeId to, Term term);

// Node 1 of the founding voters {1, 2, 3}, built straight from a disk image: its hard state and
// its log. `config`'s id and cluster are set here.
Raft member_one_of_three(HardState hard_state, std::vector<Entry> entries = {}, Config config = {},
                         std::uint64_t seed = 3);

// An AppendEntries from leader 2 to node 1 in `term`: `entries` follow (prev, prev_term).
Message append_from_two(Term term, Index prev, Term prev_term, std::vector<Entry> entries,
                        Index commit = 0);

}  // namespace keel::raft::testing
