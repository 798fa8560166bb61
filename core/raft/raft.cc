#include "core/raft/raft.h"

#include <algorithm>
#include <utility>

#include "core/codec/limits.h"
#include "core/codec/raft_codec.h"
#include "core/env/assert.h"
#include "core/raft/quorum.h"

namespace keel::raft {
namespace {

// The context of a Vote request sent because of a leadership transfer (§3.10): such a vote
// bypasses leader stickiness (§4.2.3), since the leader itself asked for it.
constexpr std::uint64_t kTransferContext = 1;

Config validated(Config c) {
  KEEL_ASSERT(c.id != kNoNode, "raft config: id 0");
  KEEL_ASSERT(c.heartbeat_ticks > 0 && c.election_ticks > c.heartbeat_ticks,
              "raft config: heartbeat_ticks ", c.heartbeat_ticks, ", election_ticks ",
              c.election_ticks);
  KEEL_ASSERT(c.max_entries_per_message > 0 && c.max_bytes_per_message > 0 &&
                  c.max_inflight_messages > 0 && c.snapshot_chunk_bytes > 0 &&
                  c.max_uncommitted_entries > 0 && c.max_pending_reads > 0 &&
                  c.max_committed_per_ready > 0,
              "raft config: a limit of 0");
  KEEL_ASSERT(!c.lease_reads || c.check_quorum, "raft config: lease_reads needs check_quorum");
  // What Raft sends must stay inside what the codec accepts (core/codec/limits.h).
  KEEL_ASSERT(c.max_entries_per_message <= codec::kMaxEntriesPerMessage &&
                  c.max_bytes_per_message <= codec::kMaxEntryDataBytes &&
                  c.snapshot_chunk_bytes <= codec::kMaxSnapshotChunkBytes,
              "raft config: message limits over the codec's");
  return c;
}

Log restored_log(Bootstrap& b) {
  const Index index = b.snapshot ? b.snapshot->meta.index : 0;
  const Term term = b.snapshot ? b.snapshot->meta.term : 0;
  return Log(index, term, std::move(b.entries), b.hard_state.commit);
}

bool sent_by_leader(MessageType type) {
  return type == MessageType::kAppend || type == MessageType::kHeartbeat ||
         type == MessageType::kSnapshot;
}

}  // namespace

std::string_view to_string(Role role) {
  switch (role) {
    case Role::kFollower:
      return "follower";
    case Role::kPreCandidate:
      return "pre-candidate";
    case Role::kCandidate:
      return "candidate";
    case Role::kLeader:
      return "leader";
  }
  return "unknown";
}

Raft::Raft(Config config, Bootstrap bootstrap, Random random)
    : config_(validated(std::move(config))),
      random_(std::move(random)),
      log_(restored_log(bootstrap)),
      confs_(log_.snapshot_index(),
             bootstrap.snapshot ? bootstrap.snapshot->meta.conf : bootstrap.initial_conf),
      snapshot_(std::move(bootstrap.snapshot)),
      read_only_(config_.max_pending_reads) {
  const HardState& hs = bootstrap.hard_state;
  KEEL_ASSERT(hs.term >= log_.last_term(), "restored term ", hs.term, " below the log's last term ",
              log_.last_term());
  for (Index i = log_.first_index(); i <= log_.last_index(); ++i) {
    const Entry& entry = log_.at(i);
    if (entry.type != EntryType::kConfChange) continue;
    auto change = codec::decode<ConfChange>(entry.data);
    KEEL_ASSERT(change, "restored entry ", i, ": ", change ? "" : change.error().message);
    auto next = apply_conf_change(confs_.current(), *change);
    KEEL_ASSERT(next, "restored conf change at ", i, " does not apply (was the initial ",
                "configuration the cluster's?): ", next ? "" : next.error().message);
    confs_.append(i, std::move(*next));
  }
  term_ = hs.term;
  vote_ = hs.vote;
  become_follower(term_, kNoNode);
  last_hard_state_ = hard_state();
  last_soft_state_ = soft_state();
}

// ---------------------------------------------------------------------------------------------
// Roles (§3.3).

void Raft::reset(Term term) {
  if (term_ != term) {
    KEEL_ASSERT(term > term_, "term going back from ", term_, " to ", term);
    term_ = term;
    vote_ = kNoNode;
  }
  leader_ = kNoNode;
  election_elapsed_ = 0;
  heartbeat_elapsed_ = 0;
  randomized_election_timeout_ =
      config_.election_ticks +
      static_cast<int>(random_.below(static_cast<std::uint64_t>(config_.election_ticks)));
  votes_.clear();
  progress_.clear();
  appends_owed_ = false;
  empty_appends_owed_ = false;
  abort_transfer();
  dropped_reads_ += reads_before_commit_.size();
  reads_before_commit_.clear();
  dropped_reads_ += read_only_.size();
  read_only_.clear();
  // Appends held from a former term are dropped, as the network may drop any message.
  held_appends_.clear();
  matched_ = 0;
  // A snapshot half received from a former leader is dropped; the next leader starts over.
  drop_incoming_snapshot();
  snapshot_in_transfer_.reset();  // the log after it goes at the next compaction
}

void Raft::become_follower(Term term, NodeId leader) {
  reset(term);
  role_ = Role::kFollower;
  leader_ = leader;
}

void Raft::become_pre_candidate() {
  KEEL_ASSERT(role_ != Role::kLeader, "a leader cannot become a pre-candidate");
  // §9.6: a pre-candidate changes neither its term nor its vote.
  reset(term_);
  role_ = Role::kPreCandidate;
}

void Raft::become_candidate() {
  KEEL_ASSERT(role_ != Role::kLeader, "a leader cannot become a candidate");
  reset(term_ + 1);
  vote_ = config_.id;
  role_ = Role::kCandidate;
}

void Raft::become_leader() {
  KEEL_ASSERT(role_ == Role::kCandidate, "becoming leader from ", to_string(role_));
  reset(term_);
  role_ = Role::kLeader;
  leader_ = config_.id;
  on_conf_changed();  // a progress per member, probing from the end of the log
  // §3.6.2 / §6.4: a no-op entry of the new term, to commit the entries of earlier terms and to
  // learn the commit index before serving reads.
  append_as_leader(EntryType::kNormal, {});
  broadcast_append();
}

// A voter of the latest configuration in the log campaigns (§4.1), and so does a server that the
// latest change removes while that change is not known committed: it may hold the only log the
// new configuration can elect. Without this, a leader of {1, 2} that removes itself and crashes
// (or loses its quorum) before the change reaches 2 waits forever: 2 needs 1's vote, and 1
// refuses it since 1's log is ahead. Elected, the server leads a configuration that excludes it
// until the change commits, then steps down (§4.2.2); the Raft paper (§6) likewise lets a server
// of either configuration lead during a change.
bool Raft::promotable() const {
  if (is_voter(confs_.current(), config_.id)) return true;
  const Index change = confs_.last_change_index();
  return change > log_.commit() && is_voter(confs_.at(change - 1), config_.id);
}

bool Raft::committed_in_term() const { return log_.term(log_.commit()) == term_; }

void Raft::campaign(Campaign kind) {
  if (!promotable()) return;
  MessageType type;
  Term vote_term;
  if (kind == Campaign::kPreElection) {
    become_pre_candidate();
    type = MessageType::kPreVote;
    vote_term = term_ + 1;  // the term it would campaign in; its own stays put (§9.6)
  } else {
    become_candidate();
    type = MessageType::kVote;
    vote_term = term_;
  }
  votes_[config_.id] = true;
  if (tally_votes(confs_.current().voters, votes_) == VoteResult::kWon) {
    if (kind == Campaign::kPreElection) {
      campaign(Campaign::kElection);
    } else {
      become_leader();
    }
    return;
  }
  for (NodeId voter : confs_.current().voters) {
    if (voter == config_.id) continue;
    Message m;
    m.type = type;
    m.to = voter;
    m.term = vote_term;
    m.index = log_.last_index();
    m.log_term = log_.last_term();
    m.context = kind == Campaign::kTransfer ? kTransferContext : 0;
    send(std::move(m));
  }
}

// ---------------------------------------------------------------------------------------------
// Time.

void Raft::tick() {
  if (role_ == Role::kLeader) {
    tick_heartbeat();
  } else {
    tick_election();
  }
}

void Raft::tick_election() {
  reject_stale_held_appends();
  election_elapsed_ = std::min(election_elapsed_ + 1, randomized_election_timeout_);
  if (promotable() && election_elapsed_ >= randomized_election_timeout_) {
    // §3.4 randomized election timeouts; §9.6 pre-vote first, so a node that cannot win does not
    // disturb the cluster by raising its term.
    campaign(config_.pre_vote ? Campaign::kPreElection : Campaign::kElection);
  }
}

void Raft::tick_heartbeat() {
  ++heartbeat_elapsed_;
  ++election_elapsed_;
  if (election_elapsed_ >= config_.election_ticks) {
    election_elapsed_ = 0;
    if (config_.check_quorum) {
      // §6.2: a leader that has not heard from a majority within an election timeout steps down,
      // so clients can find the real leader and stickiness (§4.2.3) cannot block a new election.
      const bool active = has_quorum(confs_.current().voters, [&](NodeId voter) {
        if (voter == config_.id) return true;
        const Progress* pr = progress(voter);
        return pr != nullptr && pr->recent_active;
      });
      for (auto& [node, pr] : progress_) pr.recent_active = false;
      if (!active) {
        become_follower(term_, kNoNode);
        return;
      }
    }
    // §3.10: a transfer that has not completed within an election timeout is abandoned.
    abort_transfer();
  }
  if (heartbeat_elapsed_ >= config_.heartbeat_ticks) {
    heartbeat_elapsed_ = 0;
    broadcast_heartbeat(read_only_.last_seq());
  }
}

// ---------------------------------------------------------------------------------------------
// Messages.

void Raft::step(const Message& m) {
  if (m.cluster != config_.cluster) {
    ++dropped_foreign_cluster_;
    return;
  }
  if (m.to != config_.id || m.from == config_.id || m.from == kNoNode) {
    ++dropped_misaddressed_;
    return;
  }
  if (m.term > term_) {
    if (m.type == MessageType::kPreVote || m.type == MessageType::kVote) {
      // §4.2.3 leader stickiness: a server that heard from a leader within the minimum election
      // timeout neither grants a vote nor raises its term. A transfer's vote is the exception.
      // Only with check-quorum (as in etcd raft): then a leader that lost its majority steps down
      // by itself, so ignoring a higher-term candidate can never keep it out forever.
      const bool transfer = m.type == MessageType::kVote && m.context == kTransferContext;
      const bool in_lease =
          config_.check_quorum && leader_ != kNoNode && election_elapsed_ < config_.election_ticks;
      if (in_lease && !transfer) return;
    }
    if (m.type == MessageType::kPreVote || (m.type == MessageType::kPreVoteResponse && !m.reject)) {
      // §9.6: pre-votes carry the term the asker would campaign in; they change no one's term.
    } else {
      // §3.3: a higher term means this server is out of date.
      become_follower(m.term, sent_by_leader(m.type) ? m.from : kNoNode);
    }
  } else if (m.term < term_) {
    if ((config_.check_quorum || config_.pre_vote) &&
        (m.type == MessageType::kHeartbeat || m.type == MessageType::kAppend)) {
      // A deposed leader's message: answer so it learns the term and steps down. With pre-vote or
      // check-quorum, a partitioned node keeps a low term and could otherwise never rejoin.
      Message r;
      r.type = MessageType::kAppendResponse;
      r.to = m.from;
      send(std::move(r));
    } else if (m.type == MessageType::kPreVote) {
      Message r;
      r.type = MessageType::kPreVoteResponse;
      r.to = m.from;
      r.term = term_;
      r.reject = true;
      send(std::move(r));
    }
    return;
  }

  if (m.type == MessageType::kPreVote || m.type == MessageType::kVote) {
    handle_vote_request(m);
    return;
  }
  switch (role_) {
    case Role::kLeader:
      step_leader(m);
      return;
    case Role::kPreCandidate:
    case Role::kCandidate:
      step_candidate(m);
      return;
    case Role::kFollower:
      step_follower(m);
      return;
  }
}

void Raft::handle_vote_request(const Message& m) {
  const bool pre = m.type == MessageType::kPreVote;
  // §3.4: one vote per term, first come first served; §9.6: a pre-vote for a later term is only
  // a question, so it may be granted whatever this server voted for.
  const bool can_vote =
      vote_ == m.from || (vote_ == kNoNode && leader_ == kNoNode) || (pre && m.term > term_);
  Message r;
  r.type = pre ? MessageType::kPreVoteResponse : MessageType::kVoteResponse;
  r.to = m.from;
  // §3.6.1 election restriction: only a candidate whose log is at least as up to date.
  if (can_vote && log_.is_up_to_date(m.index, m.log_term)) {
    r.term = m.term;
    if (!pre) {
      vote_ = m.from;  // persisted by the Ready that carries this response
      election_elapsed_ = 0;
    }
  } else {
    r.term = term_;
    r.reject = true;
  }
  send(std::move(r));
}

void Raft::step_leader(const Message& m) {
  switch (m.type) {
    case MessageType::kPropose:
      for (const Entry& entry : m.entries) {
        if (entry.type != EntryType::kNormal || !check_can_propose(entry.data.size())) {
          ++dropped_proposals_;
          continue;
        }
        append_as_leader(EntryType::kNormal, entry.data);
      }
      owe_appends(Owed::kEveryFollower);
      return;
    case MessageType::kReadIndex:
      handle_read_request(ReadRequest{m.from, m.context});
      return;
    case MessageType::kAppendResponse:
      handle_append_response(m);
      return;
    case MessageType::kHeartbeatResponse:
      handle_heartbeat_response(m);
      return;
    case MessageType::kSnapshotResponse:
      handle_snapshot_response(m);
      return;
    default:
      return;  // stale election traffic, or messages only followers act on
  }
}

void Raft::step_candidate(const Message& m) {
  switch (m.type) {
    case MessageType::kPropose:
      ++dropped_proposals_;
      return;
    case MessageType::kReadIndex:
      ++dropped_reads_;
      return;
    case MessageType::kAppend:
      // §3.4: a leader of this term exists; the candidate returns to follower.
      become_follower(m.term, m.from);
      handle_append(m);
      return;
    case MessageType::kHeartbeat:
      become_follower(m.term, m.from);
      handle_heartbeat(m);
      return;
    case MessageType::kSnapshot:
      become_follower(m.term, m.from);
      handle_snapshot(m);
      return;
    case MessageType::kPreVoteResponse:
    case MessageType::kVoteResponse: {
      const bool expected =
          (role_ == Role::kPreCandidate) == (m.type == MessageType::kPreVoteResponse);
      if (!expected || !is_voter(confs_.current(), m.from)) return;  // votes_ stays bounded
      votes_.emplace(m.from, !m.reject);
      switch (tally_votes(confs_.current().voters, votes_)) {
        case VoteResult::kWon:
          if (role_ == Role::kPreCandidate) {
            campaign(Campaign::kElection);
          } else {
            become_leader();
          }
          return;
        case VoteResult::kLost:
          become_follower(term_, kNoNode);
          return;
        case VoteResult::kPending:
          return;
      }
      return;
    }
    default:
      return;
  }
}

void Raft::step_follower(const Message& m) {
  switch (m.type) {
    case MessageType::kPropose: {
      if (leader_ == kNoNode) {
        ++dropped_proposals_;
        return;
      }
      Message forward = m;
      forward.to = leader_;
      send(std::move(forward));
      return;
    }
    case MessageType::kAppend:
      election_elapsed_ = 0;
      leader_ = m.from;
      handle_append(m);
      release_held_appends();
      return;
    case MessageType::kHeartbeat:
      election_elapsed_ = 0;
      leader_ = m.from;
      handle_heartbeat(m);
      return;
    case MessageType::kSnapshot:
      election_elapsed_ = 0;
      leader_ = m.from;
      handle_snapshot(m);
      return;
    case MessageType::kTimeoutNow:
      // §3.10: the leader hands over; start an election at once, skipping pre-vote.
      campaign(Campaign::kTransfer);
      return;
    case MessageType::kReadIndexResponse:
      read_states_.push_back(ReadState{m.index, m.context});
      return;
    case MessageType::kReadIndex:
      ++dropped_reads_;  // the asker thinks this server leads; it will time out and retry
      return;
    default:
      return;
  }
}

void Raft::send(Message&& m) {
  KEEL_ASSERT(m.to != kNoNode && m.to != config_.id, "message ", to_string(m.type), " to ", m.to);
  m.cluster = config_.cluster;
  m.from = config_.id;
  const bool election = m.type == MessageType::kPreVote || m.type == MessageType::kVote ||
                        m.type == MessageType::kPreVoteResponse ||
                        m.type == MessageType::kVoteResponse;
  if (!election) m.term = term_;  // election messages carry the term they are about
  if (m.type == MessageType::kAppendResponse && !m.reject) {
    if (Message* queued = queued_acknowledgement(m.to)) {
      queued->index = std::max(queued->index, m.index);
      return;
    }
  }
  next_outgoing() = std::move(m);
}

Message* Raft::queued_acknowledgement(NodeId to) {
  for (Message& queued : messages_) {
    if (queued.type == MessageType::kAppendResponse && !queued.reject && queued.to == to &&
        queued.term == term_) {
      return &queued;
    }
  }
  return nullptr;
}

Message& Raft::next_outgoing() {
  if (messages_.capacity() == 0) messages_.reserve(progress_.size() + 1);
  return messages_.emplace_back();
}

Message& Raft::queue_message(MessageType type, NodeId to) {
  KEEL_ASSERT(to != kNoNode && to != config_.id, "message ", to_string(type), " to ", to);
  KEEL_ASSERT(type == MessageType::kAppend || type == MessageType::kHeartbeat ||
                  type == MessageType::kAppendResponse,
              "queue_message for ", to_string(type), ": send() it");
  Message& m = next_outgoing();
  m.type = type;
  m.cluster = config_.cluster;
  m.from = config_.id;
  m.to = to;
  m.term = term_;
  return m;
}

// ---------------------------------------------------------------------------------------------
// The application's calls.

Result<Index> Raft::propose(SharedBytes data) {
  if (role_ == Role::kLeader) {
    if (auto ok = check_can_propose(data.size()); !ok) return std::unexpected(ok.error());
    append_as_leader(EntryType::kNormal, std::move(data));
    owe_appends(Owed::kEveryFollower);
    return log_.last_index();
  }
  if (leader_ == kNoNode) {
    return fail(Errc::kNotLeader, str("node ", config_.id, ": no known leader"));
  }
  if (data.size() > config_.max_bytes_per_message) {
    return fail(Errc::kLimitExceeded,
                str("proposal of ", data.size(), " bytes over max_bytes_per_message ",
                    config_.max_bytes_per_message));
  }
  Message m;
  m.type = MessageType::kPropose;
  m.to = leader_;
  m.entries.push_back(Entry{0, 0, EntryType::kNormal, std::move(data)});
  send(std::move(m));
  return Index{0};
}

Status Raft::propose_conf_change(const ConfChange& change) {
  if (role_ != Role::kLeader) {
    return fail(Errc::kNotLeader,
                str("node ", config_.id, " is not the leader (leader ", leader_, ")"));
  }
  // §4.1: one change at a time, and (the fix to single-server changes published after the
  // thesis) not before the leader committed an entry of its own term.
  if (!committed_in_term()) {
    return fail(Errc::kUnavailable, "conf change: the leader has not committed its no-op yet");
  }
  if (confs_.last_change_index() > log_.commit()) {
    return fail(Errc::kUnavailable, str("conf change: the change at index ",
                                        confs_.last_change_index(), " is not committed yet"));
  }
  auto next = apply_conf_change(confs_.current(), change);
  if (!next) return std::unexpected(next.error());
  if (change.type == ConfChangeType::kPromoteLearner) {
    // §4.2.1: a new voter must be caught up, or it could stall commitment.
    const Progress* const found = progress(change.node);
    KEEL_ASSERT(found != nullptr, "promoting learner ", change.node, ", which has no progress");
    const Progress& pr = *found;
    if (pr.match + config_.max_promotion_lag < log_.last_index()) {
      return fail(Errc::kUnavailable,
                  str("promote: learner ", change.node, " matches ", pr.match, ", leader's last ",
                      log_.last_index(), " (max_promotion_lag ", config_.max_promotion_lag, ")"));
    }
  }
  Bytes data = codec::encode(change);
  if (auto ok = check_can_propose(data.size()); !ok) return ok;
  append_as_leader(EntryType::kConfChange, std::move(data));
  owe_appends(Owed::kEveryFollower);
  return {};
}

Status Raft::read_index(std::uint64_t context) {
  if (role_ == Role::kLeader) {
    if (!handle_read_request(ReadRequest{config_.id, context})) {
      return fail(Errc::kLimitExceeded,
                  str("read index: max_pending_reads ", config_.max_pending_reads));
    }
    return {};
  }
  if (leader_ == kNoNode) {
    return fail(Errc::kNotLeader, str("node ", config_.id, ": no known leader"));
  }
  Message m;
  m.type = MessageType::kReadIndex;
  m.to = leader_;
  m.context = context;
  send(std::move(m));
  return {};
}

Status Raft::transfer_leadership(NodeId to) {
  if (role_ != Role::kLeader) {
    return fail(Errc::kNotLeader, str("node ", config_.id, " is not the leader"));
  }
  if (to == config_.id) {
    abort_transfer();
    return {};
  }
  if (!is_voter(confs_.current(), to)) {
    return fail(Errc::kNotFound, str("transfer: node ", to, " is not a voter"));
  }
  if (lead_transferee_ == to) return {};
  // §3.10: stop accepting proposals, bring the target up to date, then tell it to campaign. The
  // transfer is abandoned if it has not happened within an election timeout.
  lead_transferee_ = to;
  election_elapsed_ = 0;
  Progress* const found = find_progress(to);
  KEEL_ASSERT(found != nullptr, "transferring leadership to ", to, ", which has no progress");
  Progress& pr = *found;
  if (pr.match == log_.last_index()) {
    send_timeout_now(to);
  } else {
    send_append(to, pr, true);
  }
  return {};
}

Result<SnapshotMeta> Raft::compact(Index index, ChunkedBytes snapshot_data) {
  if (index > log_.applied()) {
    return fail(Errc::kInvalidArgument,
                str("compact at ", index, ": past the applied index ", log_.applied()));
  }
  const Index latest = snapshot_ ? snapshot_->meta.index : log_.snapshot_index();
  if (index <= latest) {
    return fail(Errc::kInvalidArgument,
                str("compact at ", index, ": the latest snapshot is at ", latest));
  }
  SnapshotMeta meta{index, *log_.term(index), confs_.at(index)};
  keep_snapshot_in_transfer(index);
  snapshot_ = Snapshot{meta, std::move(snapshot_data)};
  Index log_start = index - std::min<Index>(index, config_.log_kept_below_snapshot);
  if (snapshot_in_transfer_) log_start = std::min(log_start, snapshot_in_transfer_->meta.index);
  if (log_start > log_.snapshot_index()) {
    log_.compact(log_start);
    confs_.compact_to(log_start);
  }
  return meta;
}

// ---------------------------------------------------------------------------------------------
// Ready.

bool Raft::has_ready() const {
  return soft_state() != last_soft_state_ || hard_state() != last_hard_state_ ||
         snapshot_to_hand_out_ || log_.has_unstable() || !messages_.empty() || appends_owed_ ||
         log_.has_committed_to_apply() || !read_states_.empty();
}

Ready Raft::ready() {
  Ready rd;
  ready(rd);
  return rd;
}

void Raft::ready(Ready& rd) {
  KEEL_ASSERT(!ready_outstanding_, "ready() called again before advance()");
  ready_outstanding_ = true;
  send_owed_appends();
  rd.soft_state.reset();
  if (soft_state() != last_soft_state_) {
    last_soft_state_ = soft_state();
    rd.soft_state = last_soft_state_;
  }
  rd.snapshot.reset();
  if (snapshot_to_hand_out_) {
    rd.snapshot = *snapshot_;
    snapshot_to_hand_out_ = false;
  }
  rd.entries = log_.take_unstable();
  rd.hard_state.reset();
  rd.must_sync = false;
  if (hard_state() != last_hard_state_) {
    const HardState hs = hard_state();
    // §3.8: a new term or vote must be on disk before any message that depends on it is sent.
    rd.must_sync = hs.term != last_hard_state_.term || hs.vote != last_hard_state_.vote;
    last_hard_state_ = hs;
    rd.hard_state = hs;
  }
  rd.must_sync = rd.must_sync || !rd.entries.empty() || rd.snapshot.has_value();
  // The emptied vectors go back to Raft to fill for the next Ready: their capacity circulates,
  // and so does that of the sent messages' entry vectors.
  recycle_entry_vectors(rd.messages);
  rd.messages.clear();
  rd.messages.swap(messages_);
  log_.take_committed(config_.max_committed_per_ready, rd.committed);
  rd.read_states.clear();
  rd.read_states.swap(read_states_);
}

void Raft::advance(const Ready& rd) {
  KEEL_ASSERT(ready_outstanding_, "advance() without a ready()");
  ready_outstanding_ = false;
  // Not rd.entries.back(): the node may have proposed while applying, and the log's growth may
  // have moved the entries rd.entries views. Only this Ready's entries were handed out since the
  // last advance (one Ready at a time).
  if (!rd.entries.empty()) log_.stable_to(log_.handed_out());
  if (!rd.committed.empty()) log_.applied_to(rd.committed.back().index);
  // The leader's own persisted entries count towards commitment (§10.2.1).
  if (role_ == Role::kLeader && maybe_commit() && role_ == Role::kLeader)
    owe_appends(Owed::kEveryFollower);
}

}  // namespace keel::raft
