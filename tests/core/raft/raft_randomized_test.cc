// Randomized runs: message loss, duplication and reordering, partitions, crashes, compaction,
// leadership transfers and membership changes, with Raft's safety properties (thesis §3.6.3)
// checked after every step, and liveness once the faults stop.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <string>

#include "core/env/str.h"
#include "core/raft/cluster.h"

namespace keel::raft::testing {
namespace {

class Checker {
 public:
  explicit Checker(Cluster& c) : c_(c) {}

  // A read asked for now must be answered at an index covering everything committed so far.
  void read_asked(std::uint64_t context) { read_floor_[context] = highest_commit(); }

  void check() {
    for (NodeId id : c_.ids()) {
      auto& states = c_.machine(id).read_states;
      for (const ReadState& read : states) {
        auto it = read_floor_.find(read.context);
        ASSERT_NE(it, read_floor_.end()) << "unknown read " << read.context;
        ASSERT_GE(read.index, it->second) << "stale read " << read.context << " on node " << id;
        ++reads_answered_;
      }
      states.clear();
    }
    for (NodeId id : c_.ids()) {
      if (!c_.alive(id)) continue;
      const Raft& r = c_.raft(id);
      // Election Safety: at most one leader per term.
      if (r.role() == Role::kLeader) {
        auto [it, inserted] = leaders_.emplace(r.term(), id);
        ASSERT_EQ(it->second, id) << "two leaders in term " << r.term();
      }
      // State Machine Safety: an index, once committed anywhere, holds the same entry everywhere.
      for (Index i = r.log().first_index(); i <= r.commit(); ++i) {
        const Entry& e = r.log().at(i);
        auto [it, inserted] = committed_.emplace(i, e);
        ASSERT_EQ(it->second, e) << "node " << id << " committed a different entry at " << i;
      }
    }
    // Applied sequences are prefixes of one another.
    for (NodeId a : c_.ids()) {
      for (NodeId b : c_.ids()) {
        const auto& x = c_.machine(a).applied;
        const auto& y = c_.machine(b).applied;
        const auto n = std::min(x.size(), y.size());
        ASSERT_TRUE(std::equal(x.begin(), x.begin() + static_cast<long>(n), y.begin()))
            << "nodes " << a << " and " << b << " applied different commands";
      }
    }
  }

  std::size_t reads_answered() const { return reads_answered_; }

 private:
  Index highest_commit() const {
    Index index = 0;
    for (NodeId id : c_.ids()) {
      if (c_.alive(id)) index = std::max(index, c_.raft(id).commit());
    }
    return index;
  }

  Cluster& c_;
  std::map<std::uint64_t, Index> read_floor_;
  std::size_t reads_answered_ = 0;
  std::map<Term, NodeId> leaders_;
  std::map<Index, Entry> committed_;
};

// Returns how many reads were answered (and checked).
std::size_t run(std::uint64_t seed) {
  SCOPED_TRACE(str("seed ", seed));
  Random rng(seed);
  const int members = rng.chance(0.5) ? 3 : 5;
  // Swarm testing: each run draws its own configuration.
  const bool pre_vote = rng.chance(0.7);
  const bool check_quorum = rng.chance(0.7);
  const auto entries = 1 + rng.below(5);
  const auto inflight = 1 + rng.below(8);
  const auto chunk = 1 + rng.below(32);
  Cluster c(
      members,
      [&](Config& config) {
        config.pre_vote = pre_vote;
        config.check_quorum = check_quorum;
        config.max_entries_per_message = entries;
        config.max_inflight_messages = inflight;
        config.snapshot_chunk_bytes = chunk;
        config.max_promotion_lag = 10;
      },
      seed);
  Checker checker(c);
  NodeId next_machine = static_cast<NodeId>(members) + 1;
  int proposals = 0;
  std::uint64_t reads = 0;
  auto random_node = [&] {
    auto ids = c.ids();
    return ids[rng.below(ids.size())];
  };
  auto leader = [&]() -> Raft* {
    const NodeId id = c.leader();
    return id == kNoNode ? nullptr : &c.raft(id);
  };
  for (int step = 0; step < 1500; ++step) {
    const auto action = rng.below(100);
    const NodeId node = random_node();
    if (action < 35) {
      if (c.alive(node)) c.tick(node);
    } else if (action < 70) {
      // Deliver what is queued, losing, duplicating and reordering some of it.
      std::vector<Message> batch(c.queue().begin(), c.queue().end());
      c.queue().clear();
      for (std::size_t i = 0; i + 1 < batch.size(); ++i) {
        if (rng.chance(0.2)) std::swap(batch[i], batch[i + 1 + rng.below(batch.size() - i - 1)]);
      }
      for (const Message& m : batch) {
        if (rng.chance(0.1)) continue;
        c.deliver(m);
        if (rng.chance(0.05)) c.deliver(m);
      }
    } else if (action < 78) {
      if (c.alive(node)) (void)c.raft(node).propose(bytes(str("c", ++proposals)));
    } else if (action < 82) {
      if (c.alive(node)) {
        checker.read_asked(++reads);
        (void)c.read_index_on(node, reads);
      }
    } else if (action < 83) {
      if (c.alive(node)) c.crash(node);
    } else if (action < 88) {
      if (!c.alive(node)) c.restart(node);
    } else if (action < 90) {
      if (c.alive(node)) {
        // Past the latest snapshot (a leader's log may start before it, see max_catch_up_entries).
        const auto& snapshot = c.raft(node).snapshot();
        if (c.machine(node).applied_index > (snapshot ? snapshot->meta.index : 0)) c.compact(node);
      }
    } else if (action < 92) {
      if (Raft* l = leader()) (void)l->transfer_leadership(node);
    } else if (action < 94) {
      if (Raft* l = leader()) {
        const ConfState& conf = l->conf();
        if (!conf.learners.empty()) {
          (void)l->propose_conf_change({ConfChangeType::kPromoteLearner, conf.learners[0]});
        } else if (conf.voters.size() > 3 && rng.chance(0.5)) {
          (void)l->propose_conf_change({ConfChangeType::kRemoveNode, node});
        } else if (next_machine <= 8) {
          c.add_machine(next_machine);
          if (!l->propose_conf_change({ConfChangeType::kAddLearner, next_machine})) {
            // Refused (another change pending): the empty machine just sits there.
          }
          ++next_machine;
        }
      }
    } else if (action < 95) {
      std::set<NodeId> side;
      for (NodeId id : c.ids()) {
        if (rng.chance(0.4)) side.insert(id);
      }
      c.heal();
      c.partition(side);
    } else {
      c.heal();
    }
    checker.check();
    if (::testing::Test::HasFatalFailure()) return 0;
  }
  // Liveness: with every fault gone, a leader emerges and a new command reaches every voter.
  // Leadership may still move (a queued removal of the leader, say), so whoever leads is asked
  // until the command is applied everywhere.
  c.heal();
  for (NodeId id : c.ids()) {
    if (!c.alive(id)) c.restart(id);
  }
  auto done = [&] {
    const NodeId id = c.leader();
    if (id == kNoNode) return false;
    for (NodeId voter : c.raft(id).conf().voters) {
      const auto& applied = c.machine(voter).applied;
      if (std::find(applied.begin(), applied.end(), "final") == applied.end()) return false;
    }
    return true;
  };
  for (int round = 0; round < 300 && !done(); ++round) {
    if (round % 20 == 0) {
      if (Raft* l = leader()) (void)l->propose(bytes("final"));
    }
    c.tick_all();
    c.settle();
  }
  checker.check();
  EXPECT_TRUE(done()) << "no progress once the faults stopped";
  return checker.reads_answered();
}

// One seed alone: RAFT_SEED=<n> keel_core_tests --gtest_filter='RaftRandomized*'.
TEST(RaftRandomized, SafetyUnderFaultsAndLivenessAfter) {
  const char* only = std::getenv("RAFT_SEED");
  const std::uint64_t first = only ? std::stoull(only) : 1;
  const std::uint64_t last = only ? first : 100;
  std::size_t reads = 0;
  for (std::uint64_t seed = first; seed <= last; ++seed) {
    reads += run(seed);
    if (HasFatalFailure()) return;
  }
  if (!only) {
    EXPECT_GT(reads, 100u) << "the runs hardly exercised ReadIndex";
  }
}

}  // namespace
}  // namespace keel::raft::testing
