#include "sim/checkers/raft_checker.h"

#include "core/codec/raft_codec.h"
#include "core/env/assert.h"
#include "core/env/random.h"
#include "core/env/str.h"
#include "core/raft/conf_change.h"

namespace keel::sim {

std::uint64_t entry_digest(const raft::Entry& entry) {
  return hash_bytes(ByteView(entry.data.data(), entry.data.size()),
                    static_cast<std::uint64_t>(entry.type));
}

void RaftChecker::violation(std::string check, std::string detail) {
  violations_.push_back(Violation{std::move(check), std::move(detail)});
}

std::uint64_t RaftChecker::chain_at_snapshot(raft::Index index, raft::Term term) const {
  if (index == 0) return 0;
  const std::uint64_t* known = chains_.find(index, term);
  // A snapshot covers committed entries, which some node persisted, so the chain is known; if not
  // (a log the checker never saw), start a fresh chain from the snapshot's identity.
  return known != nullptr ? *known : mix64(index * 0x9e3779b97f4a7c15ULL ^ term);
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
  log.links.resize(first - log.base - 1);
  for (const raft::Entry& entry : entries) {
    if (entry.index != log.last() + 1) {
      violation("log matching", str("n", node, " persisted non-consecutive index ", entry.index));
      return;
    }
    const std::uint64_t previous = log.links.empty() ? log.base_chain : log.links.back().chain;
    const std::uint64_t chain = mix64(previous ^ mix64(entry.term ^ mix64(entry_digest(entry))));
    log.links.push_back(Link{entry.term, chain});
    if (chains_.remember(entry.index, entry.term, chain) != chain) {
      violation("log matching",
                str("n", node, " holds an entry at index ", entry.index, " term ", entry.term,
                    " whose log differs from another node's entry with that index and term"));
    }
  }
}

void RaftChecker::on_recovered(NodeId node, const raft::HardState& hard_state,
                               const raft::SnapshotMeta& snapshot,
                               std::span<const raft::Entry> entries) {
  NodeLog& log = logs_[node];
  const NodeLog before = log;
  log.reset_to_snapshot(snapshot.index, snapshot.term,
                        chain_at_snapshot(snapshot.index, snapshot.term));
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
  const Link* had = before.at(last);
  const Link* has = after.at(last);
  if (had != nullptr && (has == nullptr || has->chain != had->chain)) {
    violation("durability",
              str("n", node, " restarted without the entry at index ", last, " (term ", had->term,
                  ") it had synced; its log now ends at ", after.last()));
  }
}

void RaftChecker::on_hard_state_persisted(NodeId node, const raft::HardState& hard_state) {
  logs_[node].synced = hard_state;
}

void RaftChecker::on_persisted(NodeId node, raft::Term leader_term,
                               std::span<const raft::Entry> entries) {
  if (leader_term != 0) {
    // Acting as leader in a term counts as leading it, elected or not.
    auto [it, fresh] = leaders_.try_emplace(leader_term, node);
    if (!fresh && it->second != node) {
      violation("election safety", str("n", node, " wrote entries as leader of term ", leader_term,
                                       ", which n", it->second, " leads"));
    }
  }
  NodeLog& log = logs_[node];
  if (leader_term != 0 && !entries.empty() && entries.front().index <= log.last()) {
    violation("leader append-only",
              str("n", node, ", leader in term ", leader_term, ", overwrote its log from index ",
                  entries.front().index, " (its last index was ", log.last(), ")"));
  }
  append(node, log, entries);
}

void RaftChecker::on_snapshot_installed(NodeId node, const raft::SnapshotMeta& meta) {
  ++snapshots_installed_;
  NodeLog& log = logs_[node];
  const Link* kept = log.at(meta.index);
  if (kept != nullptr && kept->term == meta.term) {
    // The snapshot matches the log: keep the entries after it (thesis §5.3).
    const std::uint64_t chain = kept->chain;
    log.links.erase(log.links.begin(),
                    log.links.begin() + static_cast<std::ptrdiff_t>(meta.index - log.base));
    log.base = meta.index;
    log.base_term = meta.term;
    log.base_chain = chain;
    return;
  }
  log.reset_to_snapshot(meta.index, meta.term, chain_at_snapshot(meta.index, meta.term));
}

void RaftChecker::on_became_leader(NodeId node, raft::Term term) {
  auto [it, fresh] = leaders_.try_emplace(term, node);
  if (!fresh && it->second != node) {
    violation("election safety",
              str("n", node, " and n", it->second, " were both leaders in term ", term));
  }
  if (committed_index_ == 0) return;
  // Leader completeness: the latest committed entry, and by log matching everything before it.
  const raft::Index index = committed_index_;
  const Applied& applied = committed_[index - 1];
  const NodeLog& log = logs_[node];
  if (index <= log.base) return;  // covered by the node's snapshot, which holds only committed data
  const Link* link = log.at(index);
  const std::uint64_t* known = chains_.find(index, applied.term);
  if (link == nullptr || link->term != applied.term ||
      (known != nullptr && *known != link->chain)) {
    violation("leader completeness", str("n", node, " became leader in term ", term,
                                         " without the entry committed at index ", index, " (term ",
                                         applied.term, "); its log ends at ", log.last()));
  }
}

bool RaftChecker::holds(const NodeLog& log, raft::Index index, std::uint64_t chain) const {
  if (index <= log.base) return true;  // its snapshot covers the entry
  const Link* link = log.at(index);
  return link != nullptr && link->chain == chain;
}

// Run once per newly committed entry. A machine whose log lacks the entry must not be able to win
// an election: fewer than a majority of the voters' logs may be no more up to date than its own.
// Correct Raft guarantees this from the moment of the commit (the entry is on a majority, and any
// log with a later last term descends from a leader that holds the entry). The voters are those
// of the committed configuration before the entry: the leader that committed it counted a
// majority of its own configuration, at most one change away, and with changes of one server at
// a time any majority of one overlaps any majority of the other (thesis §4.1). Every machine is a
// candidate, voter or not: a removed member that missed its removal still campaigns.
void RaftChecker::check_electable_without(const raft::Entry& entry) {
  const std::vector<NodeId>& voters = conf_.voters;
  if (voters.empty()) return;
  const std::uint64_t* known = chains_.find(entry.index, entry.term);
  if (known == nullptr) return;
  static const NodeLog kEmpty;
  auto log_of = [&](NodeId node) -> const NodeLog& {
    auto it = logs_.find(node);
    return it == logs_.end() ? kEmpty : it->second;
  };
  // The voters' logs are looked up once: each candidate is compared with all of them. The list
  // is a member, so that a commit allocates nothing once it has grown.
  std::vector<std::pair<NodeId, const NodeLog*>>& candidates = candidates_;
  candidates.clear();
  for (NodeId voter : voters) candidates.emplace_back(voter, &log_of(voter));
  const std::size_t voter_count = candidates.size();
  for (const auto& [node, log] : logs_) {
    if (!raft::is_voter(conf_, node)) candidates.emplace_back(node, &log);
  }
  const std::size_t majority = voters.size() / 2 + 1;
  for (const auto& [candidate, candidate_log] : candidates) {
    const NodeLog& log = *candidate_log;
    if (holds(log, entry.index, *known)) continue;
    std::size_t votes = 0;
    for (std::size_t v = 0; v < voter_count; ++v) {
      votes += log.at_least_as_up_to_date_as(*candidates[v].second);
    }
    if (votes >= majority) {
      violation(
          "leader completeness",
          str("the entry at index ", entry.index, " (term ", entry.term, ") was committed while n",
              candidate, ", whose log lacks it (last index ", log.last(), ", term ",
              log.last_term(), "), could still win ", votes, " of ", voters.size(), " votes"));
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
}

void RaftChecker::on_applied(NodeId node, const raft::Entry& entry) {
  KEEL_ASSERT(entry.index >= 1 && entry.term >= 1, "n", node, " applied index ", entry.index,
              " term ", entry.term);
  const Applied applied{entry.term, entry_digest(entry)};
  if (entry.index > committed_.size()) committed_.resize(entry.index);
  Applied& first = committed_[entry.index - 1];
  if (first.term == 0) {
    first = applied;
    committed_index_ = std::max(committed_index_, entry.index);
    check_electable_without(entry);
    if (entry.type == raft::EntryType::kConfChange) follow_conf_change(node, entry);
    return;
  }
  if (first.term != applied.term || first.digest != applied.digest) {
    violation(
        "state machine safety",
        str("n", node, " applied at index ", entry.index, " an entry of term ", entry.term,
            " that differs from the entry of term ", first.term, " another node applied there"));
  }
}

}  // namespace keel::sim
