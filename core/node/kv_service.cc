#include "core/node/kv_service.h"

#include <limits>
#include <utility>
#include <variant>

#include "core/codec/limits.h"
#include "core/env/assert.h"
#include "core/env/str.h"
#include "core/kv/kv_codec.h"
#include "core/kv/limits.h"

namespace keel::node {
namespace {

std::int64_t to_ms(Time time) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(time.time_since_epoch()).count();
}

}  // namespace

Result<std::unique_ptr<KvService>> KvService::start(Env& env, KvServiceConfig config) {
  KEEL_ASSERT(config.max_batch_requests > 0 && config.max_batch_requests <= kv::kMaxBatchRequests,
              "max_batch_requests ", config.max_batch_requests, " is outside [1, ",
              kv::kMaxBatchRequests, "]");
  // etcd's minLeaseTTL: a lease must outlive the election that follows its leader's failure.
  const Duration election_timeout = config.node.tick * config.node.raft.election_ticks;
  std::int64_t& min_ttl = config.machine.store.min_lease_ttl_seconds;
  min_ttl = std::max(min_ttl, kv::min_lease_ttl_seconds(election_timeout));
  std::unique_ptr<KvService> service(new KvService(env, std::move(config)));
  auto machine = std::make_unique<KvStateMachine>(env.clock, service->config_.machine);
  service->machine_ = machine.get();
  auto node = Node::start(env, service->config_.node, std::move(machine));
  if (!node) return std::unexpected(node.error());
  service->node_ = std::move(*node);
  service->node_->set_listener(service.get());
  if (service->node_->raft().role() == raft::Role::kLeader) {
    service->machine_->lessor().promote(service->store().leases(), env.clock.now());
    service->continue_leader_time();
  }
  service->arm_tick();
  return service;
}

// Forward ids and ReadIndex contexts differ from every earlier life's (Random::fresh_id): the
// leader may still answer a request that a former life forwarded, or confirm a read index it asked
// for, and that answer must not pair with this life's request of the same number (a read served at
// a former life's index could be stale).
KvService::KvService(Env& env, KvServiceConfig config)
    : env_(env),
      config_(std::move(config)),
      next_context_(env.random.fresh_id()),
      next_forward_id_(env.random.fresh_id()) {}

KvService::~KvService() {
  env_.clock.cancel(flush_timer_);
  env_.clock.cancel(tick_timer_);
  if (node_) node_->set_listener(nullptr);
}

bool KvService::is_read(const kv::Request& request) const {
  return std::holds_alternative<kv::RangeRequest>(request.op) ||
         std::holds_alternative<kv::LeaseTimeToLiveRequest>(request.op) ||
         std::holds_alternative<kv::LeaseLeasesRequest>(request.op);
}

Error KvService::not_leader() const {
  const NodeId leader = node_->raft().leader();
  return Error{Errc::kNotLeader,
               str("not the leader; the leader is ",
                   leader == kNoNode ? std::string("unknown") : str("n", leader))};
}

NodeId leader_named_in(const Error& error) {
  constexpr std::string_view kHint = "the leader is n";
  if (error.code != Errc::kNotLeader) return kNoNode;
  const auto at = error.message.find(kHint);
  if (at == std::string::npos) return kNoNode;
  NodeId id = 0;
  for (std::size_t i = at + kHint.size(); i < error.message.size(); ++i) {
    const char c = error.message[i];
    if (c < '0' || c > '9' || id > std::numeric_limits<NodeId>::max() / 10 - 1) break;
    id = id * 10 + static_cast<NodeId>(c - '0');
  }
  return id;
}

void KvService::answer(Reply& reply, Result<kv::Response> result) {
  if (!reply) return;  // the service's own request (a lease revoke)
  KEEL_ASSERT(pending_ > 0, "a reply with no request pending");
  --pending_;
  Reply once = std::move(reply);
  reply = nullptr;
  once(std::move(result));
}

void KvService::submit(kv::Request request, Reply reply, ReadMode mode) {
  submit_here(std::move(request), std::move(reply), mode, config_.forward_to_leader);
}

void KvService::submit_here(kv::Request request, Reply reply, ReadMode mode, bool may_forward) {
  KEEL_ASSERT(reply != nullptr, "submit needs a reply");
  if (pending_ >= config_.max_pending_requests) {
    ++stats_.refused_backpressure;
    return reply(fail(Errc::kLimitExceeded,
                      str("too many pending requests (limit ", config_.max_pending_requests, ")")));
  }
  if (node_->stopped()) return reply(std::unexpected(*node_->stopped()));
  ++pending_;
  route(Waiting{std::move(request), std::move(reply), ticks_}, mode, may_forward);
}

void KvService::route(Waiting waiting, ReadMode mode, bool may_forward) {
  const bool leader = node_->raft().role() == raft::Role::kLeader;
  // The time a lease has left is the leader's Lessor's to tell (etcd forwards LeaseTimeToLive).
  if (!leader && std::holds_alternative<kv::LeaseTimeToLiveRequest>(waiting.request.op)) {
    return forward_or_refuse(std::move(waiting), may_forward);
  }
  if (is_read(waiting.request)) {
    if (mode == ReadMode::kSerializable) return serve_read(waiting);
    reads_.push_back(std::move(waiting));
    return flush_soon();
  }
  if (!leader) return forward_or_refuse(std::move(waiting), may_forward);
  const raft::Index lag = node_->raft().commit() - node_->raft().applied();
  if (lag > config_.max_apply_lag) {
    ++stats_.refused_backpressure;
    return answer(waiting.reply, fail(Errc::kUnavailable,
                                      str("applying lags committing by ", lag, " entries (limit ",
                                          config_.max_apply_lag, "); retry later")));
  }
  writes_.push_back(std::move(waiting));
  flush_soon();
}

void KvService::forward_or_refuse(Waiting waiting, bool may_forward) {
  const NodeId leader = node_->raft().leader();
  // Only requests with a session are forwarded: the network may duplicate a frame, and the
  // store's sessions make a duplicate harmless (sessions.h); a request without one could apply
  // twice.
  const bool forwardable = may_forward && waiting.request.client != 0;
  if (forwardable && leader != kNoNode && leader != env_.self) {
    return forward(std::move(waiting), leader);
  }
  if (forwardable && leader == kNoNode) return park(std::move(waiting));
  refuse_not_leader(waiting);
}

void KvService::park(Waiting waiting) {
  if (waited_too_long(waiting.submitted)) return refuse_not_leader(waiting);
  ++stats_.parked_for_leader;
  parked_.push_back(std::move(waiting));
}

void KvService::unpark() {
  if (parked_.empty()) return;
  const NodeId leader = node_->raft().leader();
  std::vector<Waiting> parked = std::exchange(parked_, {});
  for (Waiting& waiting : parked) {
    if (node_->stopped()) {
      answer(waiting.reply, std::unexpected(*node_->stopped()));
    } else if (waited_too_long(waiting.submitted)) {
      refuse_not_leader(waiting);
    } else if (leader == kNoNode) {
      parked_.push_back(std::move(waiting));
    } else {
      // Parked writes and reads were all linearizable and allowed to be forwarded.
      route(std::move(waiting), ReadMode::kLinearizable, /*may_forward=*/true);
    }
  }
}

void KvService::refuse_not_leader(Waiting& waiting) {
  ++stats_.refused_not_leader;
  answer(waiting.reply, std::unexpected(not_leader()));
}

std::uint64_t KvService::give_up_ticks() const {
  return 2 * static_cast<std::uint64_t>(config_.node.raft.election_ticks);
}

bool KvService::waited_too_long(std::uint64_t submitted) const {
  const auto election_ticks = static_cast<std::uint64_t>(config_.node.raft.election_ticks);
  return submitted + config_.leader_wait_elections * election_ticks <= ticks_;
}

void KvService::forward(Waiting waiting, NodeId leader) {
  const std::uint64_t id = next_forward_id_++;
  Bytes payload = encode_forward(ForwardedRequest{id, ReadMode::kLinearizable, waiting.request});
  if (payload.size() > codec::kMaxFrameBodyBytes) {
    return answer(waiting.reply,
                  fail(Errc::kLimitExceeded, str("request of ", payload.size(),
                                                 " bytes is too large to forward to the leader")));
  }
  ++stats_.forwarded;
  forwarded_.emplace(id, Forwarded{leader, ticks_, std::move(waiting), nullptr});
  node_->send_node_frame(leader, payload);
}

void KvService::on_node_frame(NodeId from, ByteView payload) {
  if (is_client_message(payload)) return gateway_.on_message(from, payload);
  auto message = decode_forward(payload);
  if (!message) {
    ++stats_.forwards_rejected;
    env_.emit("kv", "forward-rejected", {{"from", from}, {"reason", message.error().message}});
    return;
  }
  if (auto* response = std::get_if<ForwardedResponse>(&*message)) {
    auto it = forwarded_.find(response->id);
    if (it == forwarded_.end() || it->second.to != from || !it->second.waiting.reply) return;
    Waiting waiting = std::move(it->second.waiting);
    forwarded_.erase(it);
    // Refused by a member that is no longer (or not yet) the leader: not proposed, so it waits
    // for the leader to be known again (see kv_service.h).
    if (!response->result && response->result.error().code == Errc::kNotLeader) {
      return park(std::move(waiting));
    }
    return answer(waiting.reply, std::move(response->result));
  }
  if (auto* answered = std::get_if<ForwardedKeepAliveResponse>(&*message)) {
    auto it = forwarded_.find(answered->id);
    if (it == forwarded_.end() || it->second.to != from || !it->second.keep_alive) return;
    KeepAliveDone done = std::move(it->second.keep_alive);
    forwarded_.erase(it);
    --pending_;
    return done(std::move(answered->ttl));
  }
  if (auto* keep_alive = std::get_if<ForwardedKeepAlive>(&*message)) {
    ++stats_.forwards_served;
    Result<std::int64_t> ttl = node_->raft().role() == raft::Role::kLeader
                                   ? machine_->lessor().renew(keep_alive->lease, env_.clock.now())
                                   : std::unexpected(not_leader());
    node_->send_node_frame(from, encode_forward(ForwardedKeepAliveResponse{keep_alive->id, ttl}));
    return;
  }
  auto& request = std::get<ForwardedRequest>(*message);
  ++stats_.forwards_served;
  // Served like a local client's request, but never forwarded again.
  submit_here(
      std::move(request.request),
      [this, from, id = request.id](Result<kv::Response> result) {
        Bytes out = encode_forward(ForwardedResponse{id, result});
        if (out.size() > codec::kMaxFrameBodyBytes) {
          out = encode_forward(ForwardedResponse{
              id, fail(Errc::kLimitExceeded, "the response is too large to relay")});
        }
        node_->send_node_frame(from, out);
      },
      request.mode, /*may_forward=*/false);
}

void KvService::keep_alive(kv::LeaseId id, KeepAliveDone done) {
  if (node_->raft().role() == raft::Role::kLeader) {
    return done(machine_->lessor().renew(id, env_.clock.now()));
  }
  const NodeId leader = node_->raft().leader();
  if (!config_.forward_to_leader || leader == kNoNode || leader == env_.self ||
      pending_ >= config_.max_pending_requests) {
    return done(std::unexpected(not_leader()));
  }
  const std::uint64_t forward_id = next_forward_id_++;
  ++pending_;
  ++stats_.forwarded;
  forwarded_.emplace(forward_id, Forwarded{leader, ticks_, {}, std::move(done)});
  node_->send_node_frame(leader, encode_forward(ForwardedKeepAlive{forward_id, id}));
}

// Answers a forwarded request or keep-alive that will get no answer from the leader.
void KvService::finish(Forwarded& forwarded, const Error& error) {
  if (forwarded.waiting.reply) return answer(forwarded.waiting.reply, std::unexpected(error));
  KEEL_ASSERT(pending_ > 0, "a keep-alive answer with nothing pending");
  --pending_;
  KeepAliveDone done = std::move(forwarded.keep_alive);
  done(std::unexpected(error));
}

void KvService::serve_read(Waiting& read) {
  ++stats_.reads_served;
  const kv::Store& store = machine_->store();
  const kv::Lessor& lessor = machine_->lessor();
  const Time now = env_.clock.now();
  Result<kv::Response> result = std::visit(
      [&store, &lessor, now](const auto& op) -> Result<kv::Response> {
        using Op = std::decay_t<decltype(op)>;
        kv::Response response;
        response.revision = store.revision();
        if constexpr (std::is_same_v<Op, kv::RangeRequest>) {
          auto range = store.range(op);
          if (!range) return std::unexpected(range.error());
          response.result = std::move(*range);
        } else if constexpr (std::is_same_v<Op, kv::LeaseTimeToLiveRequest>) {
          auto ttl = store.lease_time_to_live(op);
          if (!ttl) return std::unexpected(ttl.error());
          if (lessor.primary()) {
            // Whole seconds left, rounded up, as etcd reports them; 0 once due for revocation.
            const auto left = lessor.remaining(op.id, now);
            ttl->ttl = left ? (left->count() + 999'999'999) / 1'000'000'000 : -1;
          }
          response.result = std::move(*ttl);
        } else if constexpr (std::is_same_v<Op, kv::LeaseLeasesRequest>) {
          response.result = store.lease_leases();
        } else {
          KEEL_ASSERT(false, "serve_read: not a read");
        }
        return response;
      },
      read.request.op);
  answer(read.reply, std::move(result));
}

// Like the node's group commit: everything submitted during this instant leaves together.
void KvService::flush_soon() {
  if (flush_timer_ != 0) return;
  flush_timer_ = env_.clock.after(Duration(0), [this] {
    flush_timer_ = 0;
    flush();
  });
}

void KvService::flush() {
  unpark();
  std::vector<Waiting> writes = std::exchange(writes_, {});
  std::vector<Waiting> batch;
  std::size_t batch_bytes = 0;
  for (Waiting& write : writes) {
    const std::size_t bytes = kv::encode_to_bytes(write.request).size();
    if (!batch.empty() && (batch.size() >= config_.max_batch_requests ||
                           batch_bytes + bytes > config_.max_batch_bytes)) {
      propose(std::exchange(batch, {}));
      batch_bytes = 0;
    }
    batch.push_back(std::move(write));
    batch_bytes += bytes;
  }
  if (!batch.empty()) propose(std::move(batch));

  if (reads_.empty()) return;
  std::vector<Waiting> reads = std::exchange(reads_, {});
  const std::uint64_t context = next_context_++;
  if (Status asked = node_->read_index(context); !asked) {
    for (Waiting& read : reads) {
      if (asked.error().code == Errc::kNotLeader) {
        park(std::move(read));  // no leader to confirm the index yet
      } else {
        answer(read.reply, std::unexpected(asked.error()));
      }
    }
    return;
  }
  ++stats_.read_rounds;
  unconfirmed_reads_.emplace(context, UnconfirmedReads{ticks_, std::move(reads)});
}

void KvService::propose(std::vector<Waiting> batch) {
  kv::Batch entry;
  entry.now_ms = leader_time_ms();
  auto replies = std::make_shared<std::vector<Reply>>();
  for (Waiting& waiting : batch) {
    entry.requests.push_back(std::move(waiting.request));
    replies->push_back(std::move(waiting.reply));
  }
  ++stats_.batches_proposed;
  stats_.requests_proposed += entry.requests.size();
  node_->propose(encode_batch(entry), [this, replies](Result<raft::Index> index) {
    if (!index) {
      for (Reply& reply : *replies) answer(reply, std::unexpected(index.error()));
      return;
    }
    // The node answers a proposal right after applying its entry.
    KEEL_ASSERT(machine_->last_index() == *index, "proposal at ", *index,
                " answered after applying ", machine_->last_index());
    const auto results = machine_->last_results();
    KEEL_ASSERT(results.size() == replies->size(), "entry ", *index, " has ", results.size(),
                " results for ", replies->size(), " requests");
    std::vector<Result<kv::Response>> copy(results.begin(), results.end());
    for (std::size_t i = 0; i < replies->size(); ++i) answer((*replies)[i], std::move(copy[i]));
  });
}

// Machines' clocks are not comparable (env/clock.h), but the store measures session expiry in the
// time stamped on entries. So a leader's stamps continue from the latest time the store applied
// and advance with its own clock: time between two leaders does not count, which only makes
// sessions live longer.
void KvService::continue_leader_time() {
  leader_time_offset_ms_ = store().clock_ms() - to_ms(env_.clock.now());
}

std::int64_t KvService::leader_time_ms() const {
  return to_ms(env_.clock.now()) + leader_time_offset_ms_;
}

void KvService::on_role_changed(const raft::SoftState& state, raft::Term term) {
  kv::Lessor& lessor = machine_->lessor();
  if (state.role == raft::Role::kLeader && !lessor.primary()) {
    // etcd's lessor.Promote: every lease gets its whole TTL on this leader's clock first.
    lessor.promote(store().leases(), env_.clock.now());
    continue_leader_time();
    env_.emit("kv", "lessor-promoted", {{"term", term}, {"leases", lessor.size()}});
  } else if (state.role != raft::Role::kLeader && lessor.primary()) {
    lessor.demote();
    env_.emit("kv", "lessor-demoted", {{"term", term}});
  }
  if (state.leader == kNoNode) return;
  // ReadIndex rounds asked of a former leader will never be confirmed (Raft drops them on a term
  // change): their reads join a new round, as reads may be retried at no risk.
  for (auto& [context, round] : unconfirmed_reads_) {
    for (Waiting& read : round.reads) reads_.push_back(std::move(read));
  }
  unconfirmed_reads_.clear();
  // Requests waiting for a leader go on their way once this instant's work is done.
  if (!parked_.empty() || !reads_.empty()) flush_soon();
}

void KvService::on_ready_done(std::span<const raft::ReadState> read_states) {
  for (const raft::ReadState& state : read_states) {
    auto it = unconfirmed_reads_.find(state.context);
    if (it == unconfirmed_reads_.end()) continue;  // timed out already
    for (Waiting& read : it->second.reads) confirmed_reads_.emplace(state.index, std::move(read));
    unconfirmed_reads_.erase(it);
  }
  const raft::Index applied = node_->raft().applied();
  std::vector<Waiting> ready;
  while (!confirmed_reads_.empty() && confirmed_reads_.begin()->first <= applied) {
    ready.push_back(std::move(confirmed_reads_.begin()->second));
    confirmed_reads_.erase(confirmed_reads_.begin());
  }
  for (Waiting& read : ready) serve_read(read);
  gateway_.pump();
  for (const auto& [id, listener] : ready_listeners_) listener();
}

std::uint64_t KvService::add_ready_listener(std::function<void()> listener) {
  const std::uint64_t id = next_ready_listener_++;
  ready_listeners_.emplace(id, std::move(listener));
  return id;
}

void KvService::remove_ready_listener(std::uint64_t id) { ready_listeners_.erase(id); }

void KvService::arm_tick() {
  tick_timer_ = env_.clock.after(config_.node.tick, [this] {
    on_tick();
    arm_tick();
  });
}

void KvService::on_tick() {
  ++ticks_;
  gateway_.expire();
  // A ReadIndex round that was not confirmed within two election timeouts never will be (the
  // leader lost its quorum or the request was lost): its reads join a new round while they may
  // still wait for a leader, and fail after that (the clients retry).
  const std::uint64_t give_up = give_up_ticks();
  while (!unconfirmed_reads_.empty() &&
         unconfirmed_reads_.begin()->second.sent + give_up <= ticks_) {
    std::vector<Waiting> reads = std::move(unconfirmed_reads_.begin()->second.reads);
    unconfirmed_reads_.erase(unconfirmed_reads_.begin());
    for (Waiting& read : reads) {
      // A read may be asked again at no risk, while it may still wait for a leader.
      if (!waited_too_long(read.submitted)) {
        reads_.push_back(std::move(read));
        flush_soon();
        continue;
      }
      answer(read.reply, fail(Errc::kUnavailable, "the read index was not confirmed in time"));
    }
  }
  while (!forwarded_.empty() && forwarded_.begin()->second.sent + give_up <= ticks_) {
    Forwarded lost = std::move(forwarded_.begin()->second);
    forwarded_.erase(forwarded_.begin());
    ++stats_.forward_timeouts;
    // A forwarded request has a session, so sending it again (to the leader known next) cannot
    // apply it twice (sessions.h): it waits for a leader while it may.
    if (lost.waiting.reply && !waited_too_long(lost.waiting.submitted)) {
      park(std::move(lost.waiting));
      continue;
    }
    finish(lost, Error{Errc::kUnavailable,
                       str("no answer from the leader n", lost.to, "; the outcome is unknown")});
  }
  unpark();
  if (node_->stopped() || node_->raft().role() != raft::Role::kLeader) return;
  // The leader decides expiry and applies it through Raft, a bounded number per tick; a revoke
  // that is lost is proposed again after the Lessor's retry interval.
  for (kv::LeaseId id :
       machine_->lessor().expired(env_.clock.now(), config_.max_expired_per_tick)) {
    ++stats_.leases_expired;
    env_.emit("kv", "lease-expired", {{"lease", id}});
    writes_.emplace_back().request.op.emplace<kv::LeaseRevokeRequest>().id = id;
  }
  if (!writes_.empty()) flush_soon();
}

}  // namespace keel::node
