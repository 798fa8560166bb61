// RaftChecker: verifies Raft's safety properties (thesis Figure 3.2) from what every node reports,
// across crashes and restarts:
//   election safety      at most one leader per term;
//   leader append-only   a leader never overwrites or deletes entries in its own log;
//   log matching         two logs with an entry of the same index and term are identical up to it;
//   leader completeness  a leader's log holds every entry committed before its term;
//   state machine safety no two nodes apply different entries at one index;
//   durability           a node restarting from its disk gets back every entry, term and vote it
//                        reported synced (so nothing it acknowledged can vanish in a crash).
// A committed entry lost anyway (by a bug in what is synced, or when) also resurfaces as a
// leader-completeness or state-machine-safety violation.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "core/node/observer.h"

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

  const std::vector<Violation>& violations() const { return violations_; }
  bool ok() const { return violations_.empty(); }
  // Highest index known committed, and how many leaders were elected.
  raft::Index committed_index() const {
    return committed_.empty() ? 0 : committed_.rbegin()->first;
  }
  std::uint64_t elections() const { return leaders_.size(); }

 private:
  struct Link {
    raft::Term term;
    std::uint64_t chain;  // hash of this entry and every entry before it
  };
  struct NodeLog {
    raft::Index base = 0;  // the snapshot index: entries start at base + 1
    std::uint64_t base_chain = 0;
    std::vector<Link> links;  // links[i] is index base + 1 + i
    raft::HardState synced;   // the last hard state reported synced
    raft::Index last() const { return base + links.size(); }
    const Link* at(raft::Index index) const {
      if (index <= base || index > last()) return nullptr;
      return &links[index - base - 1];
    }
  };
  struct Applied {
    raft::Term term;
    std::uint64_t digest;
  };

  void violation(std::string check, std::string detail);
  void check_recovery(NodeId node, const NodeLog& before, const NodeLog& after,
                      const raft::HardState& recovered);
  void append(NodeId node, NodeLog& log, std::span<const raft::Entry> entries);
  std::uint64_t chain_at_snapshot(raft::Index index, raft::Term term) const;

  std::map<NodeId, NodeLog> logs_;
  std::map<raft::Term, NodeId> leaders_;
  std::map<std::pair<raft::Index, raft::Term>, std::uint64_t> chains_;  // every log's chains
  std::map<raft::Index, Applied> committed_;
  std::vector<Violation> violations_;
};

// The digest of an entry's type and bytes, as the checker compares them.
std::uint64_t entry_digest(const raft::Entry& entry);

}  // namespace keel::sim
