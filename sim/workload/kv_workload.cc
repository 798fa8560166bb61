#include "sim/workload/kv_workload.h"

#include <algorithm>
#include <map>
#include <optional>
#include <set>

#include "core/codec/frame.h"
#include "core/env/assert.h"
#include "core/env/str.h"
#include "core/node/client_protocol.h"
#include "core/node/kv_service.h"

namespace keel::sim {
namespace {

std::string text(const Bytes& bytes) { return std::string(bytes.begin(), bytes.end()); }

// Refusals after which the store certainly did not apply the attempt (node/kv_service.h): the
// member is not the leader, a limit refused it, the session is unknown. kUnavailable, a timeout or
// no answer leave it unknown.
bool certainly_not_applied(Errc code) {
  return code == Errc::kNotLeader || code == Errc::kLimitExceeded || code == Errc::kNotFound ||
         code == Errc::kInvalidArgument;
}

}  // namespace

class KvWorkload::Client final : public Program {
 public:
  Client(Env& env, KvWorkload& workload, int number)
      : env_(env), workload_(workload), number_(number) {
    env_.transport.set_receive_handler(
        [this](NodeId from, ByteView frame) { on_frame(from, frame); });
    new_session();
    const auto members = workload_.members_();
    target_ = members.empty() ? kNoNode : members[env_.random.below(members.size())];
    // Clients start spread over one period so their requests do not all leave at once.
    const Duration period = this->period();
    env_.clock.after(Duration(period.count() * number / std::max(1, workload_.options_.clients)),
                     [this] { begin(); });
  }

  bool busy() const { return op_.has_value(); }

 private:
  Duration period() const {
    const KvWorkloadOptions& o = workload_.options_;
    return std::chrono::duration_cast<Duration>(
        std::chrono::duration<double>(o.clients / std::max(o.rate_per_second, 1e-9)));
  }

  void new_session() {
    client_id_ = 0;
    while (client_id_ == 0) client_id_ = env_.random.next();
    next_seq_ = 1;
  }

  // Starts the next operation, if the workload runs.
  void begin() {
    if (!workload_.running_) return;
    const KvWorkloadOptions& o = workload_.options_;
    KvOp op;
    op.id = ++workload_.stats_.invoked;
    op.client = number_;
    op.key = str("k", env_.random.below(static_cast<std::uint64_t>(std::max(o.keys, 1))));
    const std::uint64_t total = static_cast<std::uint64_t>(o.get + o.put + o.cas + o.del);
    std::uint64_t draw = env_.random.below(std::max<std::uint64_t>(total, 1));
    const auto take = [&draw](int weight) {
      const auto w = static_cast<std::uint64_t>(weight);
      if (draw < w) return true;
      draw -= w;
      return false;
    };
    kv::Request request;
    const Bytes key = kv::to_bytes(op.key);
    if (take(o.get)) {
      op.kind = KvOp::Kind::kGet;
      request.op.emplace<kv::RangeRequest>().key = key;
    } else if (take(o.put)) {
      op.kind = KvOp::Kind::kPut;
      op.value = str("c", number_, "-", ++writes_);
      auto& put = request.op.emplace<kv::PutRequest>();
      put.key = key;
      put.value = kv::to_bytes(op.value);
    } else if (take(o.cas)) {
      op.kind = KvOp::Kind::kCas;
      op.value = str("c", number_, "-", ++writes_);
      auto seen = last_seen_.find(op.key);
      op.expected = seen != last_seen_.end() ? seen->second : "c0-0";
      kv::TxnRequest txn;
      kv::Compare& compare = txn.compare.emplace_back();
      compare.target = kv::Compare::Target::kValue;
      compare.key = key;
      compare.value = kv::to_bytes(op.expected);
      auto& put = std::get<kv::PutRequest>(txn.success.emplace_back(kv::PutRequest{}));
      put.key = key;
      put.value = kv::to_bytes(op.value);
      request.op = std::move(txn);
    } else {
      op.kind = KvOp::Kind::kDelete;
      request.op.emplace<kv::DeleteRangeRequest>().key = key;
    }
    // Writes carry the session (client, seq) that makes their retries exactly-once; reads are
    // served by ReadIndex and never reach the sessions (kv/sessions.h).
    if (op.kind != KvOp::Kind::kGet) {
      request.client = client_id_;
      request.seq = next_seq_;
    }
    op.invoked = workload_.world_.now();
    started_ = env_.clock.now();
    first_call_ = calls_ + 1;
    request_ = std::move(request);
    op_ = std::move(op);
    give_up_timer_ = env_.clock.after(o.timeout, [this] { give_up(); });
    send();
  }

  void send() {
    if (target_ == kNoNode) target_ = next_member(kNoNode);
    if (target_ == kNoNode) return;  // nobody to call; the give-up timer ends the operation
    ++workload_.stats_.attempts;
    call_id_ = ++calls_;
    unresolved_.insert(call_id_);  // until refused for certain, it may apply
    const node::ReadMode mode = workload_.options_.serializable_reads
                                    ? node::ReadMode::kSerializable
                                    : node::ReadMode::kLinearizable;
    const Bytes payload = node::encode_client(node::ClientCall{call_id_, mode, request_});
    env_.transport.send(target_, codec::encode_node_frame(workload_.options_.cluster, payload));
    env_.clock.cancel(attempt_timer_);
    attempt_timer_ = env_.clock.after(workload_.options_.attempt_timeout, [this] {
      attempt_timer_ = 0;
      target_ = next_member(target_);
      send();
    });
  }

  void on_frame(NodeId, ByteView frame) {
    if (!op_ || !codec::is_node_frame(frame)) return;
    auto decoded = codec::decode_node_frame(frame);
    if (!decoded) return;
    auto message = node::decode_client(decoded->payload);
    if (!message) return;
    auto* answer = std::get_if<node::ClientAnswer>(&*message);
    if (answer == nullptr || answer->id < first_call_ || answer->id > call_id_) return;
    // Every attempt carries the same (client, seq): an answer to any of them is the answer.
    if (answer->result) return finish_ok(*answer->result);
    on_refusal(answer->id, answer->result.error());
  }

  void on_refusal(std::uint64_t call, const Error& error) {
    if (certainly_not_applied(error.code)) unresolved_.erase(call);
    if (call != call_id_) return;  // an earlier attempt's: a later one is under way
    env_.clock.cancel(attempt_timer_);
    attempt_timer_ = 0;
    if (error.code == Errc::kNotFound || error.code == Errc::kInvalidArgument) {
      // The session is gone (expired, evicted): earlier attempts may have applied, and retrying
      // cannot tell. The operation ends; the next one starts a new session.
      finish(unresolved_.empty() ? KvOp::Outcome::kFailed : KvOp::Outcome::kUnknown);
      new_session();
      return;
    }
    const NodeId hinted = node::leader_named_in(error);
    target_ = hinted != kNoNode ? hinted : next_member(target_);
    // A short pause, so that a cluster without a leader is not flooded.
    retry_timer_ = env_.clock.after(std::chrono::milliseconds(hinted != kNoNode ? 1 : 20), [this] {
      retry_timer_ = 0;
      if (op_) send();
    });
  }

  void finish_ok(const kv::Response& response) {
    KvOp& op = *op_;
    op.revision = response.revision;
    switch (op.kind) {
      case KvOp::Kind::kGet: {
        const auto& range = std::get<kv::RangeResponse>(response.result);
        if (!range.kvs.empty()) op.read = text(range.kvs.front().value);
        if (op.read) {
          last_seen_[op.key] = *op.read;
        } else {
          last_seen_.erase(op.key);
        }
        break;
      }
      case KvOp::Kind::kPut:
        last_seen_[op.key] = op.value;
        break;
      case KvOp::Kind::kCas:
        op.cas_succeeded = std::get<kv::TxnResponse>(response.result).succeeded;
        if (op.cas_succeeded) last_seen_[op.key] = op.value;
        break;
      case KvOp::Kind::kDelete:
        op.deleted = std::get<kv::DeleteRangeResponse>(response.result).deleted > 0;
        last_seen_.erase(op.key);
        break;
    }
    finish(KvOp::Outcome::kOk);
  }

  void give_up() {
    give_up_timer_ = 0;
    if (!op_) return;
    finish(unresolved_.empty() ? KvOp::Outcome::kFailed : KvOp::Outcome::kUnknown);
  }

  void finish(KvOp::Outcome outcome) {
    KEEL_ASSERT(op_.has_value(), "finish without an operation");
    for (TimerId* timer : {&attempt_timer_, &give_up_timer_, &retry_timer_}) {
      env_.clock.cancel(*timer);
      *timer = 0;
    }
    KvOp op = std::move(*op_);
    op_.reset();
    const KvOp::Kind op_kind = op.kind;
    op.outcome = outcome;
    op.completed = workload_.world_.now();
    KvWorkloadStats& stats = workload_.stats_;
    ++(outcome == KvOp::Outcome::kOk       ? stats.ok
       : outcome == KvOp::Outcome::kFailed ? stats.failed
                                           : stats.unknown);
    workload_.history_.push_back(std::move(op));
    if (op_kind != KvOp::Kind::kGet) ++next_seq_;
    unresolved_.clear();
    const Duration since = env_.clock.now() - started_;
    env_.clock.after(std::max(Duration(0), period() - since), [this] { begin(); });
  }

  NodeId next_member(NodeId after) const {
    const std::vector<NodeId> members = workload_.members_();
    if (members.empty()) return kNoNode;
    auto it = std::upper_bound(members.begin(), members.end(), after);
    return it == members.end() ? members.front() : *it;
  }

  Env& env_;
  KvWorkload& workload_;
  const int number_;
  std::uint64_t client_id_ = 0;
  std::uint64_t next_seq_ = 1;
  std::uint64_t writes_ = 0;
  std::map<std::string, std::string> last_seen_;  // by key
  NodeId target_ = kNoNode;

  // The operation in progress.
  std::optional<KvOp> op_;
  kv::Request request_;
  Time started_{};
  std::uint64_t calls_ = 0;             // attempts so far, of every operation
  std::uint64_t first_call_ = 0;        // this operation's first attempt
  std::uint64_t call_id_ = 0;           // its latest attempt
  std::set<std::uint64_t> unresolved_;  // attempts that may have applied
  TimerId attempt_timer_ = 0;
  TimerId give_up_timer_ = 0;
  TimerId retry_timer_ = 0;
};

KvWorkload::KvWorkload(World& world, Members members, KvWorkloadOptions options)
    : world_(world), members_(std::move(members)), options_(std::move(options)) {}

KvWorkload::~KvWorkload() = default;

void KvWorkload::start() {
  running_ = true;
  for (int i = 1; i <= options_.clients; ++i) {
    world_.add_client(str("c", i), [this, i](Env& env) {
      auto client = std::make_unique<Client>(env, *this, i);
      clients_.push_back(client.get());
      return client;
    });
  }
}

void KvWorkload::stop() { running_ = false; }

bool KvWorkload::idle() const {
  return std::none_of(clients_.begin(), clients_.end(),
                      [](const Client* client) { return client->busy(); });
}

}  // namespace keel::sim
