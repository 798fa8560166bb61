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
#include <optional>
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
  // How many entries of the node's log the checker keeps individually (the rest are folded into
  // the committed record), for tests of the bound.
  std::size_t links_kept(NodeId node) const;

 private:
  // An entry's place in a log: its term and its chain (a hash of it and every entry before it).
  struct Position {
    raft::Term term = 0;
    std::uint64_t chain = 0;
  };
  struct NodeLog {
    NodeId node = kNoNode;
    bool voter = false;    // a voter of the configuration the checker follows (conf_)
    raft::Index base = 0;  // the snapshot index: entries start at base + 1
    raft::Term base_term = 0;
    std::uint64_t base_chain = 0;
    // Entries base + 1 .. floor are the committed ones (committed_ and chains_ hold their
    // positions, the same for every log that passed them), so links keeps only the entries after
    // floor: links[i] is index floor + 1 + i. This bounds links by the uncommitted tail (plus
    // kFoldEvery) however long the run.
    raft::Index floor = 0;
    Position floor_position;  // at floor: the base's when floor == base
    std::vector<Position> links;
    raft::HardState synced;  // the last hard state reported synced
    raft::Index last() const { return floor + links.size(); }
    raft::Term last_term() const { return links.empty() ? floor_position.term : links.back().term; }
    // Raft's election restriction (§3.6.1): is this log at least as up to date as `other`?
    bool at_least_as_up_to_date_as(const NodeLog& other) const {
      return last_term() > other.last_term() ||
             (last_term() == other.last_term() && last() >= other.last());
    }
    void reset_to_snapshot(raft::Index index, Position position) {
      base = index;
      base_term = position.term;
      base_chain = position.chain;
      floor = index;
      floor_position = position;
      links.clear();
    }
  };
  struct Applied {
    raft::Term term = 0;  // 0: not known committed yet
    std::uint64_t digest = 0;
    // The highest term any node had been leader in when the entry was first applied: the entry
    // was committed in that term or an earlier one (its leader was one of them).
    raft::Term leader_term_by_then = 0;
    // The entry's chain (from chains_, for its index and term) when some node persisted it, as
    // it always has but for a bug the other checks report: what logs that passed it fold into.
    bool chain_known = false;
    std::uint64_t chain = 0;
  };

  // A log folds its committed links once it keeps this many (checked as it appends): a fold is
  // one pass over them and one move of the short uncommitted tail per kFoldEvery entries.
  static constexpr std::size_t kFoldEvery = 64;

  void violation(std::string check, std::string detail);
  // The node's log, made empty the first time the node is named. Inline for the common case:
  // members numbered from 1, so node n's log is the n-th.
  NodeLog& log_of(NodeId node) {
    if (node - 1 < logs_.size() && logs_[node - 1].node == node) return logs_[node - 1];
    return find_or_add_log(node);
  }
  NodeLog& find_or_add_log(NodeId node);
  // Records `node` as leader of `term`; returns the node that already led it, or `node`.
  NodeId claim_leadership(raft::Term term, NodeId node);
  // Marks which logs are voters' after conf_ changed, giving every voter a log.
  void mark_voters();
  void check_recovery(NodeId node, const NodeLog& before, const NodeLog& after,
                      const raft::HardState& recovered);
  // The position of the entry at `index` in the log (null if it holds none there), whether its
  // link is kept or folded into the committed prefix.
  std::optional<Position> position_at(const NodeLog& log, raft::Index index) const {
    if (index <= log.base || index > log.last()) return std::nullopt;
    if (index > log.floor) return log.links[index - log.floor - 1];
    return folded_position(log, index);
  }
  Position folded_position(const NodeLog& log, raft::Index index) const;
  // The committed entry's position at `index`, if the entry is known committed and its chain
  // known.
  std::optional<Position> committed_position(raft::Index index) const {
    if (index == 0 || index > committed_.size()) return std::nullopt;
    const Applied& applied = committed_[index - 1];
    if (applied.term == 0 || !applied.chain_known) return std::nullopt;
    return Position{applied.term, applied.chain};
  }
  // Moves floor up over the links, up to `up_to`, that are the committed entries' (stopping at
  // the first that is not: a lagging log may hold an uncommitted entry there), dropping them.
  void fold_committed(NodeLog& log, raft::Index up_to);
  void append(NodeId node, NodeLog& log, std::span<const raft::Entry> entries);
  Position position_at_snapshot(raft::Index index, raft::Term term) const;
  bool holds(const NodeLog& log, raft::Index index, std::uint64_t chain) const;
  // `chain` is the committed entry's (a commit whose chain no log reported is not checked).
  void check_electable_without(const raft::Entry& entry, std::uint64_t chain);
  // on_applied's work for the first node to apply the entry: records it as committed and runs the
  // checks a commit triggers.
  void record_commit(NodeId node, const raft::Entry& entry, std::uint64_t digest);
  void report_different_apply(NodeId node, const raft::Entry& entry, raft::Term first_term);
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
