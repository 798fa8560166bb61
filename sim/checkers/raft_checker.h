// RaftChecker: verifies Raft's safety properties (thesis Figure 3.2) from what every node reports,
// across crashes and restarts:
//   election safety      at most one leader per term;
//   leader append-only   a leader never overwrites or deletes entries in its own log;
//   log matching         two logs with an entry of the same index and term are identical up to it;
//   leader completeness  a leader's log holds every entry committed before its term; and, checked
//                        the moment an entry commits, no machine lacking it could win an election
//                        (its log is less up to date than a majority's), which catches an unsafe
//                        commit before any leader has to act on it (thesis §3.6.2, Figure 3.7);
//                        the majority is the committed configuration's, which membership changes
//                        move one server at a time (§4.1);
//   state machine safety no two nodes apply different entries at one index;
//   durability           a node restarting from its disk gets back every entry, term and vote it
//                        reported synced (so nothing it acknowledged can vanish in a crash);
//   membership           every committed conf change applies to the configuration before it.
// A committed entry lost anyway (by a bug in what is synced, or when) also resurfaces as a
// leader-completeness or state-machine-safety violation.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "core/node/observer.h"
#include "core/raft/types.h"
#include "sim/checkers/entry_chains.h"

namespace keel::sim {

struct Violation {
  std::string check;  // "election safety", ...
  std::string detail;
};

class RaftChecker final : public node::NodeObserver {
 public:
  void on_recovered(NodeId node, const raft::HardState& hard_state,
                    const raft::SnapshotMeta& snapshot,
                    std::span<const raft::Entry> entries) override;
  void on_persisted(NodeId node, raft::Term leader_term,
                    std::span<const raft::Entry> entries) override;
  void on_hard_state_persisted(NodeId node, const raft::HardState& hard_state) override;
  void on_snapshot_installed(NodeId node, const raft::SnapshotMeta& meta) override;
  void on_became_leader(NodeId node, raft::Term term) override;
  void on_applied(NodeId node, const raft::Entry& entry) override;

  // The founding voters; with them set, commits are checked against electable logs. From then on
  // the checker follows the configuration itself, through the conf changes it sees committed.
  void set_voters(std::vector<NodeId> voters);
  // The configuration as of the latest committed conf change (the founders' before any).
  const raft::ConfState& configuration() const { return conf_; }

  const std::vector<Violation>& violations() const { return violations_; }
  bool ok() const { return violations_.empty(); }
  // Highest index known committed, and how many leaders were elected.
  raft::Index committed_index() const { return committed_index_; }
  std::uint64_t elections() const { return leaders_.size(); }
  std::uint64_t snapshots_installed() const { return snapshots_installed_; }

 private:
  struct Link {
    raft::Term term;
    std::uint64_t chain;  // hash of this entry and every entry before it
  };
  struct NodeLog {
    NodeId node = kNoNode;
    bool voter = false;    // a voter of the configuration the checker follows (conf_)
    raft::Index base = 0;  // the snapshot index: entries start at base + 1
    raft::Term base_term = 0;
    std::uint64_t base_chain = 0;
    std::vector<Link> links;  // links[i] is index base + 1 + i
    raft::HardState synced;   // the last hard state reported synced
    raft::Index last() const { return base + links.size(); }
    raft::Term last_term() const { return links.empty() ? base_term : links.back().term; }
    // Raft's election restriction (§3.6.1): is this log at least as up to date as `other`?
    bool at_least_as_up_to_date_as(const NodeLog& other) const {
      return last_term() > other.last_term() ||
             (last_term() == other.last_term() && last() >= other.last());
    }
    void reset_to_snapshot(raft::Index index, raft::Term term, std::uint64_t chain) {
      base = index;
      base_term = term;
      base_chain = chain;
      links.clear();
    }
    const Link* at(raft::Index index) const {
      if (index <= base || index > last()) return nullptr;
      return &links[index - base - 1];
    }
  };
  struct Applied {
    raft::Term term = 0;  // 0: not known committed yet
    std::uint64_t digest = 0;
    // The highest term any node had been leader in when the entry was first applied: the entry
    // was committed in that term or an earlier one (its leader was one of them).
    raft::Term leader_term_by_then = 0;
  };

  void violation(std::string check, std::string detail);
  // The node's log, made empty the first time the node is named.
  NodeLog& log_of(NodeId node);
  // Records `node` as leader of `term`; returns the node that already led it, or `node`.
  NodeId claim_leadership(raft::Term term, NodeId node);
  // Marks which logs are voters' after conf_ changed, giving every voter a log.
  void mark_voters();
  void check_recovery(NodeId node, const NodeLog& before, const NodeLog& after,
                      const raft::HardState& recovered);
  void append(NodeId node, NodeLog& log, std::span<const raft::Entry> entries);
  std::uint64_t chain_at_snapshot(raft::Index index, raft::Term term) const;
  bool holds(const NodeLog& log, raft::Index index, std::uint64_t chain) const;
  void check_electable_without(const raft::Entry& entry);
  void follow_conf_change(NodeId node, const raft::Entry& entry);

  raft::ConfState conf_;
  // Every node's log, sorted by node: a cluster has a handful, so a scan beats a tree, and the
  // election check walks them all per commit.
  std::vector<NodeLog> logs_;
  std::map<raft::Term, NodeId> leaders_;
  raft::Term latest_leader_term_ = 0;  // the highest term in leaders_
  EntryChains chains_;                 // every log's chains
  std::vector<Applied> committed_;     // committed_[index - 1], as the first node applied it
  raft::Index committed_index_ = 0;
  std::vector<Violation> violations_;
  std::uint64_t snapshots_installed_ = 0;
};

}  // namespace keel::sim
