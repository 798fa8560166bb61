#include "sim/checkers/raft_checker.h"

#include <algorithm>

#include "core/codec/raft_codec.h"
#include "core/env/assert.h"
#include "core/env/random.h"
#include "core/env/str.h"
#include "core/raft/conf_change.h"
#include "sim/checkers/entry_digest.h"

namespace keel::sim {

void RaftChecker::violation(std::string check, std::string detail) {
  violations_.push_back(Violation{std::move(check), std::move(detail)});
}

std::size_t RaftChecker::links_kept(NodeId node) const {
  for (const NodeLog& log : logs_) {
    if (log.node == node) return log.links.size();
  }
  return 0;
}

RaftChecker::NodeLog& RaftChecker::find_or_add_log(NodeId node) {
  auto it = logs_.begin();
  while (it != logs_.end() && it->node < node) ++it;
  if (it != logs_.end() && it->node == node) return *it;
  it = logs_.insert(it, NodeLog{});
  it->node = node;
  it->voter = raft::is_voter(conf_, node);
  return *it;
}

NodeId RaftChecker::claim_leadership(raft::Term term, NodeId node) {
  auto [it, fresh] = leaders_.try_emplace(term, node);
  if (fresh) latest_leader_term_ = std::max(latest_leader_term_, term);
  return it->second;
}

void RaftChecker::set_voters(std::vector<NodeId> voters) {
  conf_ = raft::ConfState{std::move(voters), {}};
  mark_voters();
}

void RaftChecker::mark_voters() {
  for (NodeId voter : conf_.voters) log_of(voter);
  for (NodeLog& log : logs_) log.voter = raft::is_voter(conf_, log.node);
}

RaftChecker::Position RaftChecker::position_at_snapshot(raft::Index index, raft::Term term) const {
  if (index == 0) return Position{};
  const std::uint64_t* known = chains_.find(index, term);
  // A snapshot covers committed entries, which some node persisted, so the chain is known; if not
  // (a log the checker never saw), start a fresh chain from the snapshot's identity.
  return Position{term, known != nullptr ? *known : mix64(index * 0x9e3779b97f4a7c15ULL ^ term)};
}

RaftChecker::Position RaftChecker::folded_position(const NodeLog& log, raft::Index index) const {
  const std::optional<Position> committed = committed_position(index);
  KEEL_ASSERT(committed.has_value(), "n", log.node, " folded index ", index,
              " which is not known committed");
  return *committed;
}

void RaftChecker::fold_committed(NodeLog& log, raft::Index up_to) {
  const raft::Index end = std::min({up_to, log.last(), raft::Index{committed_.size()}});
  if (end <= log.floor) return;
  const Applied* committed = committed_.data() + log.floor;  // the entry at floor + 1
  const std::size_t most = end - log.floor;
  std::size_t folded = 0;
  while (folded < most && committed[folded].term == log.links[folded].term &&
         committed[folded].chain_known && committed[folded].chain == log.links[folded].chain) {
    ++folded;
  }
  if (folded == 0) return;
  log.floor += folded;
  log.floor_position = log.links[folded - 1];
  log.links.erase(log.links.begin(), log.links.begin() + static_cast<std::ptrdiff_t>(folded));
}

void RaftChecker::append(NodeId node, NodeLog& log, std::span<const raft::Entry> entries) {
  if (entries.empty()) return;
  const raft::Index first = entries.front().index;
  if (first <= log.base) {
    violation("log matching", str("n", node, " persisted index ", first, " which its snapshot at ",
                                  log.base, " already covers"));
    return;
  }
  if (first > log.last() + 1) {
    violation("log matching",
              str("n", node, " persisted index ", first, " leaving a gap after ", log.last()));
    return;
  }
  if (first - 1 >= log.floor) {
    log.links.erase(log.links.begin() + static_cast<std::ptrdiff_t>(first - 1 - log.floor),
                    log.links.end());
  } else {
    // Overwriting folded entries: the prefix before `first` is still the committed one.
    const std::optional<Position> kept = position_at(log, first - 1);
    log.floor = first - 1;
    log.floor_position = kept ? *kept : Position{log.base_term, log.base_chain};
    log.links.clear();
  }
  // The log now ends at first - 1; each entry's chain is its digest seeded with the chain before
  // it, so it covers every entry's term, type and bytes up to it.
  std::uint64_t chain = log.links.empty() ? log.floor_position.chain : log.links.back().chain;
  raft::Index next = first;
  for (const raft::Entry& entry : entries) {
    if (entry.index != next++) {
      violation("log matching", str("n", node, " persisted non-consecutive index ", entry.index));
      return;
    }
    chain = entry_digest(entry, chain);
    log.links.push_back(Position{entry.term, chain});
    if (chains_.remember(entry.index, entry.term, chain) != chain) {
      violation("log matching",
                str("n", node, " holds an entry at index ", entry.index, " term ", entry.term,
                    " whose log differs from another node's entry with that index and term"));
    }
  }
  if (log.links.size() >= kFoldEvery) fold_committed(log, committed_index_);
}

void RaftChecker::on_recovered(NodeId node, const raft::HardState& hard_state,
                               const raft::SnapshotMeta& snapshot,
                               std::span<const raft::Entry> entries) {
  NodeLog& log = log_of(node);
  const NodeLog before = log;
  log.reset_to_snapshot(snapshot.index, position_at_snapshot(snapshot.index, snapshot.term));
  log.synced = hard_state;
  append(node, log, entries);
  check_recovery(node, before, log, hard_state);
}

void RaftChecker::check_recovery(NodeId node, const NodeLog& before, const NodeLog& after,
                                 const raft::HardState& recovered) {
  const raft::HardState& synced = before.synced;
  if (recovered.term < synced.term ||
      (recovered.term == synced.term && synced.vote != kNoNode && recovered.vote != synced.vote)) {
    violation("durability",
              str("n", node, " restarted with term ", recovered.term, " vote n", recovered.vote,
                  " after it had synced term ", synced.term, " vote n", synced.vote));
  }
  // Every entry it had synced must be back: the last one, with its whole log by the chain, unless
  // a snapshot now covers it.
  const raft::Index last = before.last();
  if (last <= after.base) return;
  const std::optional<Position> had = position_at(before, last);
  const std::optional<Position> has = position_at(after, last);
  if (had && (!has || has->chain != had->chain)) {
    violation("durability",
              str("n", node, " restarted without the entry at index ", last, " (term ", had->term,
                  ") it had synced; its log now ends at ", after.last()));
  }
}

void RaftChecker::on_hard_state_persisted(NodeId node, const raft::HardState& hard_state) {
  log_of(node).synced = hard_state;
}

void RaftChecker::on_persisted(NodeId node, raft::Term leader_term,
                               std::span<const raft::Entry> entries) {
  if (leader_term != 0) {
    // Acting as leader in a term counts as leading it, elected or not.
    const NodeId leader = claim_leadership(leader_term, node);
    if (leader != node) {
      violation("election safety", str("n", node, " wrote entries as leader of term ", leader_term,
                                       ", which n", leader, " leads"));
    }
  }
  NodeLog& log = log_of(node);
  if (leader_term != 0 && !entries.empty() && entries.front().index <= log.last()) {
    violation("leader append-only",
              str("n", node, ", leader in term ", leader_term, ", overwrote its log from index ",
                  entries.front().index, " (its last index was ", log.last(), ")"));
  }
  append(node, log, entries);
}

void RaftChecker::on_snapshot_installed(NodeId node, const raft::SnapshotMeta& meta) {
  ++snapshots_installed_;
  NodeLog& log = log_of(node);
  const std::optional<Position> kept = position_at(log, meta.index);
  if (kept && kept->term == meta.term) {
    // The snapshot matches the log: keep the entries after it (thesis §5.3).
    if (meta.index > log.floor) {
      log.links.erase(log.links.begin(),
                      log.links.begin() + static_cast<std::ptrdiff_t>(meta.index - log.floor));
      log.floor = meta.index;
      log.floor_position = *kept;
    }
    log.base = meta.index;
    log.base_term = kept->term;
    log.base_chain = kept->chain;
    return;
  }
  log.reset_to_snapshot(meta.index, position_at_snapshot(meta.index, meta.term));
}

void RaftChecker::on_became_leader(NodeId node, raft::Term term) {
  const NodeId leader = claim_leadership(term, node);
  if (leader != node) {
    violation("election safety",
              str("n", node, " and n", leader, " were both leaders in term ", term));
  }
  // Leader completeness (thesis §3.6.3): an entry committed in a term before `term` is in this
  // leader's log. A leader of an old term may report after entries of a later term committed (it
  // was paused while its votes arrived); those it need not hold. Checked on the latest entry known
  // committed before `term`, and by log matching on everything before it.
  raft::Index index = committed_index_;
  while (index > 0 &&
         (committed_[index - 1].term == 0 || committed_[index - 1].leader_term_by_then >= term)) {
    --index;
  }
  if (index == 0) return;
  const Applied& applied = committed_[index - 1];
  const NodeLog& log = log_of(node);
  if (index <= log.base) return;  // covered by the node's snapshot, which holds only committed data
  const std::optional<Position> held = position_at(log, index);
  const std::uint64_t* known = chains_.find(index, applied.term);
  if (!held || held->term != applied.term || (known != nullptr && *known != held->chain)) {
    violation("leader completeness", str("n", node, " became leader in term ", term,
                                         " without the entry committed at index ", index, " (term ",
                                         applied.term, "); its log ends at ", log.last()));
  }
}

bool RaftChecker::holds(const NodeLog& log, raft::Index index, std::uint64_t chain) const {
  if (index <= log.base) return true;  // its snapshot covers the entry
  const std::optional<Position> held = position_at(log, index);
  return held && held->chain == chain;
}

// Run once per newly committed entry. A machine whose log lacks the entry must not be able to win
// an election: fewer than a majority of the voters' logs may be no more up to date than its own.
// Correct Raft guarantees this from the moment of the commit (the entry is on a majority, and any
// log with a later last term descends from a leader that holds the entry). The voters are those
// of the committed configuration before the entry: the leader that committed it counted a
// majority of its own configuration, at most one change away, and with changes of one server at
// a time any majority of one overlaps any majority of the other (thesis §4.1). Every machine is a
// candidate, voter or not: a removed member that missed its removal still campaigns; a voter that
// never reported has an empty log (mark_voters gave it one).
void RaftChecker::check_electable_without(const raft::Entry& entry, std::uint64_t chain) {
  if (conf_.voters.empty()) return;
  const std::size_t majority = conf_.voters.size() / 2 + 1;
  for (const NodeLog& candidate : logs_) {
    if (holds(candidate, entry.index, chain)) continue;
    std::size_t votes = 0;
    for (const NodeLog& voter : logs_) {
      votes += voter.voter && candidate.at_least_as_up_to_date_as(voter);
    }
    if (votes >= majority) {
      violation("leader completeness",
                str("the entry at index ", entry.index, " (term ", entry.term,
                    ") was committed while n", candidate.node, ", whose log lacks it (last index ",
                    candidate.last(), ", term ", candidate.last_term(), "), could still win ",
                    votes, " of ", conf_.voters.size(), " votes"));
      return;
    }
  }
}

// A conf change takes effect for the checker when it commits: the configuration the next commits
// are checked against (see check_electable_without).
void RaftChecker::follow_conf_change(NodeId node, const raft::Entry& entry) {
  auto change = codec::decode<raft::ConfChange>(entry.data);
  if (!change) {
    violation("membership", str("n", node, " applied a conf change at index ", entry.index,
                                " that does not decode: ", change.error().message));
    return;
  }
  auto next = raft::apply_conf_change(conf_, *change);
  if (!next) {
    violation("membership",
              str("the conf change committed at index ", entry.index,
                  " does not apply to the configuration before it: ", next.error().message));
    return;
  }
  conf_ = std::move(*next);
  mark_voters();
}

void RaftChecker::on_applied(NodeId node, const raft::Entry& entry) {
  KEEL_ASSERT(entry.index >= 1 && entry.term >= 1, "n", node, " applied index ", entry.index,
              " term ", entry.term);
  const std::uint64_t digest = entry_digest(entry);
  if (entry.index <= committed_.size() && committed_[entry.index - 1].term != 0) {
    const Applied& first = committed_[entry.index - 1];
    if (first.term != entry.term || first.digest != digest) {
      report_different_apply(node, entry, first.term);
    }
    return;
  }
  record_commit(node, entry, digest);
}

void RaftChecker::record_commit(NodeId node, const raft::Entry& entry, std::uint64_t digest) {
  if (entry.index == committed_.size() + 1) {
    committed_.emplace_back();  // the common case, without resize's out-of-line call
  } else if (entry.index > committed_.size()) {
    committed_.resize(entry.index);
  }
  Applied& first = committed_[entry.index - 1];
  first = Applied{entry.term, digest, latest_leader_term_};
  const std::uint64_t* chain = chains_.find(entry.index, entry.term);
  first.chain_known = chain != nullptr;
  if (chain != nullptr) first.chain = *chain;
  committed_index_ = std::max(committed_index_, entry.index);
  if (chain != nullptr) check_electable_without(entry, *chain);
  if (entry.type == raft::EntryType::kConfChange) follow_conf_change(node, entry);
}

void RaftChecker::report_different_apply(NodeId node, const raft::Entry& entry,
                                         raft::Term first_term) {
  violation(
      "state machine safety",
      str("n", node, " applied at index ", entry.index, " an entry of term ", entry.term,
          " that differs from the entry of term ", first_term, " another node applied there"));
}

}  // namespace keel::sim
