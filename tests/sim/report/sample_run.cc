#include "tests/sim/report/sample_run.h"

#include <map>
#include <memory>
#include <set>

#include "core/env/str.h"
#include "sim/kv_cluster.h"
#include "sim/nemesis/nemesis.h"

namespace keel::sim {
namespace {

using namespace std::chrono_literals;

constexpr Duration kPeriod = 40ms;    // between a client's answer and its next request
constexpr Duration kTimeout = 800ms;  // then the outcome is unknown
constexpr int kClients = 4;
constexpr int kKeys = 3;

// Clients that each keep one request in flight and record what they saw.
class SampleClients {
 public:
  SampleClients(KvCluster& kv, std::uint64_t seed) : kv_(kv), random_(Random(seed).derive("c")) {}

  void start() {
    for (int c = 1; c <= kClients; ++c) {
      kv_.world().after(Duration(kPeriod.count() * c / kClients), [this, c] { step(c); });
    }
  }
  void stop() { running_ = false; }
  KvHistory& history() { return history_; }

 private:
  void step(int client) {
    if (!running_) return;
    KvOp op;
    op.id = history_.size() + 1;
    op.client = client;
    op.key = str("k", random_.below(kKeys));
    const std::uint64_t dice = random_.below(10);
    op.kind = dice < 4   ? KvOp::Kind::kGet
              : dice < 7 ? KvOp::Kind::kPut
              : dice < 9 ? KvOp::Kind::kCas
                         : KvOp::Kind::kDelete;
    kv::Request request;
    if (op.kind != KvOp::Kind::kGet) {
      Session& session = sessions_[client];
      if (session.id == 0) session.id = static_cast<std::uint64_t>(client);
      request.client = session.id;
      request.seq = ++session.seq;
    }
    const Bytes key = kv::to_bytes(op.key);
    switch (op.kind) {
      case KvOp::Kind::kGet:
        request.op.emplace<kv::RangeRequest>().key = key;
        break;
      case KvOp::Kind::kPut: {
        op.value = str("c", client, "-", op.id);
        auto& put = request.op.emplace<kv::PutRequest>();
        put.key = key;
        put.value = kv::to_bytes(op.value);
        break;
      }
      case KvOp::Kind::kCas: {
        op.value = str("c", client, "-", op.id);
        op.expected = str("c", 1 + random_.below(kClients), "-", random_.below(op.id));
        auto& txn = request.op.emplace<kv::TxnRequest>();
        auto& compare = txn.compare.emplace_back();
        compare.target = kv::Compare::Target::kValue;
        compare.key = key;
        compare.value = kv::to_bytes(op.expected);
        auto& put = txn.success.emplace_back().emplace<kv::PutRequest>();
        put.key = key;
        put.value = kv::to_bytes(op.value);
        break;
      }
      case KvOp::Kind::kDelete:
        request.op.emplace<kv::DeleteRangeRequest>().key = key;
        break;
    }
    op.invoked = kv_.world().now();
    const std::size_t index = history_.size();
    history_.push_back(std::move(op));
    const NodeId lead = kv_.leader();
    const NodeId target = lead != kNoNode ? lead : static_cast<NodeId>(1 + client % 3);
    if (kv_.world().host(target).up()) {
      kv_.world().host(target).post(Duration(0), [this, target, request, index] {
        if (node::KvService* s = kv_.service(target)) {
          s->submit(request, [this, index](Result<kv::Response> r) { answer(index, r); });
        }
      });
    }
    kv_.world().after(kTimeout, [this, index] {
      if (settled(index)) return;
      history_[index].outcome = KvOp::Outcome::kUnknown;
      next(index);
    });
  }

  bool settled(std::size_t index) const { return done_.contains(index); }
  void next(std::size_t index) {
    done_.insert(index);
    const int client = history_[index].client;
    kv_.world().after(kPeriod, [this, client] { step(client); });
  }

  void answer(std::size_t index, const Result<kv::Response>& result) {
    if (settled(index)) return;
    KvOp& op = history_[index];
    op.completed = kv_.world().now();
    if (!result) {
      // A definite refusal is one the request never got past; anything else may have happened.
      const Errc code = result.error().code;
      op.outcome =
          code == Errc::kNotLeader || code == Errc::kLimitExceeded || code == Errc::kNotFound
              ? KvOp::Outcome::kFailed
              : KvOp::Outcome::kUnknown;
      if (code == Errc::kNotFound) {  // the session expired (sessions.h): start a fresh one
        sessions_[op.client] = Session{next_session_id_++, 0};
      }
      return next(index);
    }
    op.outcome = KvOp::Outcome::kOk;
    op.revision = result->revision;
    if (const auto* range = std::get_if<kv::RangeResponse>(&result->result)) {
      if (!range->kvs.empty()) op.read = kv::to_string(range->kvs.front().value);
    } else if (const auto* txn = std::get_if<kv::TxnResponse>(&result->result)) {
      op.cas_succeeded = txn->succeeded;
    } else if (const auto* deleted = std::get_if<kv::DeleteRangeResponse>(&result->result)) {
      op.deleted = deleted->deleted > 0;
    }
    next(index);
  }

  KvCluster& kv_;
  Random random_;
  bool running_ = true;
  KvHistory history_;
  std::set<std::size_t> done_;
  struct Session {
    std::uint64_t id = 0;
    std::uint64_t seq = 0;
  };
  std::map<int, Session> sessions_;  // by client
  std::uint64_t next_session_id_ = 1000;
};

Target target(Target::Kind kind) { return Target{kind, {}}; }

std::vector<Fault> one_of_each_kind() {
  std::vector<Fault> faults;
  auto add = [&](Duration at, std::optional<Duration> lasts, FaultAction action) {
    faults.push_back(Fault{at, lasts, std::nullopt, std::nullopt, std::move(action), ""});
  };
  add(1500ms, 1200ms, PartitionFault{PartitionFault::Kind::kIsolateLeader, {}, {}, {}, {}});
  add(3500ms, std::nullopt, CrashFault{target(Target::Kind::kLeader), 1s});
  add(5s, 1500ms, ClockFault{target(Target::Kind::kFollower), 800ms, std::nullopt});
  add(5200ms, 600ms, PauseFault{target(Target::Kind::kFollower)});
  add(6500ms, 1s, DiskFault{target(Target::Kind::kLeader), DiskFault::Kind::kStall, 1s});
  add(7s, 1s, NetworkFault{0.2, std::nullopt, std::nullopt});
  add(8500ms, std::nullopt,
      DiskFault{target(Target::Kind::kRandom), DiskFault::Kind::kCorruptTail, 700ms});
  return faults;
}

}  // namespace

ReportInput sample_report_input(std::uint64_t seed) {
  KvClusterOptions options;
  options.cluster.record_trace = true;
  options.cluster.network = LinkConfig{1ms, 5ms, 0.0, 0.0};
  KvCluster kv(seed, options);
  SampleClients clients(kv, seed);
  Nemesis nemesis(kv.cluster(), one_of_each_kind());
  const Time start = kv.world().now();
  nemesis.schedule(start, start + 10s);
  clients.start();
  kv.world().run_until(start + 10s);
  nemesis.heal_all();
  kv.world().run_for(1500ms);
  clients.stop();
  kv.world().run_for(kTimeout);  // every request in flight settles

  ReportInput input;
  input.scenario = "sample: one fault of each kind";
  input.description =
      "Three members, four KV clients; the leader isolated, then crashed; a follower's clock "
      "stepped and a follower paused; a disk stall, lossy links, a crash with a corrupt tail.";
  input.seed = seed;
  input.verdict = "passed";
  input.repro =
      "build/bin/keel_sim_tests --gtest_filter=HtmlReport.ReportsEveryFaultKindOfANemesisRun";
  input.end = kv.world().now();
  for (NodeId id : kv.world().host_ids()) input.machines.push_back(kv.world().host(id).name());
  input.records = kv.world().trace().records();
  input.history = std::move(clients.history());
  input.summary = {{"elections", static_cast<std::int64_t>(kv.cluster().checker().elections())},
                   {"faults fired", static_cast<std::int64_t>(nemesis.stats().fired)}};
  return input;
}

}  // namespace keel::sim
