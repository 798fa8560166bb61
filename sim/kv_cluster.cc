#include "sim/kv_cluster.h"

#include <algorithm>
#include <limits>
#include <memory>
#include <set>

#include "core/env/assert.h"
#include "core/env/str.h"

namespace keel::sim {
namespace {

// A member machine running the KV service (which owns the Node), and what runs beside it.
class KvProgram final : public MemberProgram {
 public:
  KvProgram(Env& env, std::unique_ptr<node::KvService> service, const BesideFactory& beside)
      : service_(std::move(service)) {
    if (beside) beside_ = beside(env, *service_);
  }
  node::Node* node() const override { return &service_->node(); }
  node::KvService* service() const { return service_.get(); }
  Program* beside() const { return beside_.get(); }

 private:
  std::unique_ptr<node::KvService> service_;
  std::unique_ptr<Program> beside_;  // declared last: destroyed first
};

std::string text(const Bytes& bytes) { return std::string(bytes.begin(), bytes.end()); }

bool retryable(Errc code) {
  return code == Errc::kNotLeader || code == Errc::kUnavailable || code == Errc::kLimitExceeded;
}

// The model: each key's values by revision (nullopt: deleted).
class Model {
 public:
  void apply(const kv::Event& event) {
    auto& changes = keys_[text(event.kv.key)];
    if (event.type == kv::Event::Type::kPut) {
      changes[event.kv.mod_revision] = text(event.kv.value);
    } else {
      changes[event.kv.mod_revision] = std::nullopt;
    }
  }
  std::optional<std::string> at(const std::string& key, kv::Revision revision) const {
    auto it = keys_.find(key);
    if (it == keys_.end()) return std::nullopt;
    auto change = it->second.upper_bound(revision);
    if (change == it->second.begin()) return std::nullopt;
    return std::prev(change)->second;
  }
  // Whether `key` changed at exactly `revision`.
  bool changed_at(const std::string& key, kv::Revision revision) const {
    auto it = keys_.find(key);
    return it != keys_.end() && it->second.contains(revision);
  }

 private:
  std::map<std::string, std::map<kv::Revision, std::optional<std::string>>> keys_;
};

std::string show(const std::optional<std::string>& value) { return value ? *value : "(none)"; }

}  // namespace

KvCluster::KvCluster(std::uint64_t seed, KvClusterOptions options)
    : options_(std::move(options)), random_(Random(seed).derive("kv-clients")) {
  options_.cluster.program =
      [this](Env& env, const node::NodeConfig& config) -> Result<std::unique_ptr<MemberProgram>> {
    node::KvServiceConfig service = options_.service;
    service.node = config;
    auto started = node::KvService::start(env, std::move(service));
    if (!started) return std::unexpected(started.error());
    return std::make_unique<KvProgram>(env, std::move(*started), options_.beside);
  };
  cluster_ = std::make_unique<Cluster>(seed, options_.cluster);
  world().trace().add_observer([this](Time, const TraceEvent& event) { on_trace(event); });
}

node::KvService* KvCluster::service(NodeId id) {
  if (cluster_->node(id) == nullptr) return nullptr;
  return static_cast<KvProgram*>(world().host(id).program())->service();
}

Program* KvCluster::beside(NodeId id) {
  if (cluster_->node(id) == nullptr) return nullptr;
  return static_cast<KvProgram*>(world().host(id).program())->beside();
}

void KvCluster::violation(std::string check, std::string detail) {
  violations_.push_back(Violation{std::move(check), std::move(detail)});
}

std::string KvCluster::first_violation() const {
  if (!cluster_->ok()) return cluster_->first_violation();
  if (violations_.empty()) return liveness_failure_;
  return violations_.front().check + ": " + violations_.front().detail;
}

// The lease checker reads the Lessor's decisions from the trace, stamped with the deciding
// machine's clock.
void KvCluster::on_trace(const TraceEvent& event) {
  if (event.component != "kv") return;
  const std::string machine(event.machine);
  if (event.name == "lessor-promoted") {
    promoted_[machine] = event.time;
    return;
  }
  if (event.name != "lease-expired") return;
  kv::LeaseId lease = 0;
  for (const TraceField& field : event.fields) {
    if (field.key == "lease") lease = std::get<std::int64_t>(field.value);
  }
  auto ttl = lease_ttl_.find(lease);
  if (ttl == lease_ttl_.end()) return;  // not granted through call()
  ++leases_checked_;
  Time since = promoted_.contains(machine) ? promoted_[machine] : Time{};
  if (auto it = refreshed_.find({machine, lease}); it != refreshed_.end()) {
    since = std::max(since, it->second);
  }
  const Duration lived = event.time - since;
  if (lived < std::chrono::seconds(ttl->second)) {
    violation("lease expiry",
              str(machine, " expired lease ", lease, " after ",
                  std::chrono::duration_cast<std::chrono::milliseconds>(lived).count(),
                  " ms on its clock since its promotion or the lease's last refresh; TTL ",
                  ttl->second, " s"));
  }
}

std::optional<Result<kv::Response>> KvCluster::call(kv::Request request, Duration bound) {
  const Time deadline = world().now() + bound;
  auto answer = std::make_shared<std::optional<Result<kv::Response>>>();
  auto attempt = std::make_shared<std::uint64_t>(0);
  while (world().now() < deadline) {
    const NodeId lead = leader();
    if (lead == kNoNode) {
      world().run_for(std::chrono::milliseconds(10));
      continue;
    }
    const std::uint64_t mine = ++*attempt;
    world().host(lead).post(Duration(0), [this, lead, request, answer, attempt, mine] {
      node::KvService* s = service(lead);
      if (s == nullptr) return;
      s->submit(request, [this, lead, request, answer, attempt, mine](Result<kv::Response> r) {
        if (mine != *attempt || answer->has_value()) return;
        if (!r && retryable(r.error().code)) return;
        if (r && std::holds_alternative<kv::LeaseGrantResponse>(r->result)) {
          const auto& granted = std::get<kv::LeaseGrantResponse>(r->result);
          lease_ttl_[granted.id] = granted.ttl;
          refreshed_[{world().host(lead).name(), granted.id}] = world().host(lead).local_time();
        }
        *answer = std::move(r);
      });
    });
    const Time give_up = std::min(deadline, world().now() + std::chrono::milliseconds(500));
    while (!answer->has_value() && world().now() < give_up) {
      world().run_for(std::chrono::milliseconds(5));
    }
    if (answer->has_value()) return *answer;
  }
  return std::nullopt;
}

bool KvCluster::keep_alive(kv::LeaseId id, NodeId via) {
  const NodeId target = via != kNoNode ? via : leader();
  if (target == kNoNode || !world().host(target).up()) return false;
  auto renewed = std::make_shared<std::optional<bool>>();
  world().host(target).post(Duration(0), [this, target, id, renewed] {
    node::KvService* s = service(target);
    if (s == nullptr) return;
    const bool direct = s->node().raft().role() == raft::Role::kLeader;
    s->keep_alive(id, [this, target, id, renewed, direct](Result<std::int64_t> ttl) {
      *renewed = ttl.has_value();
      // The lease checker learns the renewal time only when the leader's Lessor renewed it in
      // this very event (a forwarded keep-alive is renewed later, on the leader).
      if (ttl && direct) {
        refreshed_[{world().host(target).name(), id}] = world().host(target).local_time();
      }
    });
  });
  for (int i = 0; i < 40 && !renewed->has_value(); ++i)
    world().run_for(std::chrono::milliseconds(5));
  return renewed->value_or(false);
}

void KvCluster::start_clients(const KvClientOptions& options) {
  client_options_ = options;
  clients_running_ = true;
  const auto members = cluster_->members();
  for (int i = 0; i < options.clients; ++i) {
    auto client = std::make_unique<Client>();
    client->id = i + 1;
    client->target = members[static_cast<std::size_t>(i) % members.size()];
    Client* raw = client.get();
    clients_.push_back(std::move(client));
    world().after(Duration(options.period.count() * i / std::max(1, options.clients)),
                  [this, raw] { client_step(*raw); });
  }
}

// Picks the client's next request: a put, a linearizable or serializable get, a compare-and-swap
// or a delete of one of a few keys, so that clients contend.
void KvCluster::client_step(Client& client) {
  if (!clients_running_ || client.op) return;
  Op op;
  op.client = client.id;
  op.key = str("k", random_.below(static_cast<std::uint64_t>(client_options_.keys)));
  const std::uint64_t dice = random_.below(10);
  op.kind = dice < 3 ? Kind::kPut : dice < 6 ? Kind::kGet : dice < 9 ? Kind::kCas : Kind::kDelete;
  kv::Request& request = op.request;
  const Bytes key = kv::to_bytes(op.key);
  if (op.kind == Kind::kGet) {
    request.op.emplace<kv::RangeRequest>().key = key;
    if (random_.chance(client_options_.serializable_reads)) op.mode = node::ReadMode::kSerializable;
  } else {
    request.client = static_cast<std::uint64_t>(client.id);
    request.seq = client.next_seq++;
    op.value = str("c", client.id, "-", request.seq);
    if (op.kind == Kind::kPut) {
      auto& put = request.op.emplace<kv::PutRequest>();
      put.key = key;
      put.value = kv::to_bytes(op.value);
    } else if (op.kind == Kind::kDelete) {
      request.op.emplace<kv::DeleteRangeRequest>().key = key;
      op.value.clear();
    } else {
      // The expected value: the last one this client saw written, or a guess.
      op.expected = str("c", 1 + random_.below(static_cast<std::uint64_t>(client_options_.clients)),
                        "-", random_.below(client.next_seq));
      auto& txn = request.op.emplace<kv::TxnRequest>();
      auto& compare = txn.compare.emplace_back();
      compare.target = kv::Compare::Target::kValue;
      compare.key = key;
      compare.value = kv::to_bytes(op.expected);
      auto& put = txn.success.emplace_back().emplace<kv::PutRequest>();
      put.key = key;
      put.value = kv::to_bytes(op.value);
      txn.failure.emplace_back().emplace<kv::RangeRequest>().key = key;
    }
  }
  op.invoked = world().now();
  client.op = std::move(op);
  send(client);
}

// The request and its answer travel instantly (the client sits beside the machine); a retry goes
// to the hinted leader or the next member, with the same (client, seq).
void KvCluster::send(Client& client) {
  const std::uint64_t attempt = ++client.attempt;
  // Reads go to any member (every member serves them); writes to the believed leader.
  const auto members = cluster_->members();
  const NodeId target =
      client.op->kind == Kind::kGet ? members[random_.below(members.size())] : client.target;
  Host& host = world().host(target);
  if (host.up()) {
    kv::Request request = client.op->request;
    const node::ReadMode mode = client.op->mode;
    host.post(Duration(0), [this, &client, target, attempt, request, mode] {
      node::KvService* s = service(target);
      if (s == nullptr) return;
      s->submit(
          request,
          [this, &client, attempt](Result<kv::Response> r) { on_reply(client, attempt, r); }, mode);
    });
  }
  world().after(client_options_.timeout, [this, &client, attempt] {
    if (client.attempt != attempt || !client.op) return;
    client.target = 1 + (client.target % cluster_->members().size());
    retry(client, "timeout");
  });
}

void KvCluster::retry(Client& client, const std::string&) {
  ++stats_.retries;
  ++client.attempt;  // the attempt in flight no longer counts
  world().after(std::chrono::milliseconds(10), [this, &client] {
    if (client.op) send(client);
  });
}

void KvCluster::on_reply(Client& client, std::uint64_t attempt, Result<kv::Response> result) {
  if (attempt != client.attempt || !client.op) return;
  if (!result && retryable(result.error().code)) {
    const NodeId hint = node::leader_named_in(result.error());
    client.target = hint != kNoNode ? hint : 1 + (client.target % cluster_->members().size());
    return retry(client, result.error().message);
  }
  Op op = std::move(*client.op);
  client.op.reset();
  op.completed = world().now();
  op.result = std::move(result);
  ++stats_.answered;
  history_.push_back(std::move(op));
  world().after(client_options_.period, [this, &client] { client_step(client); });
}

bool KvCluster::converge(Duration bound, KvOp* probe) {
  const Time deadline = world().now() + bound;
  kv::Request request;
  request.op.emplace<kv::PutRequest>().key = kv::to_bytes("probe");
  // A session of its own (kv/sessions.h), so that call()'s retries apply it once: without one, an
  // attempt applied but not answered within call()'s half second was applied again by the next
  // (the watch checker saw the first: message-storm --swarm --seed 6).
  request.client = random_.fresh_id();
  request.seq = 1;
  if (probe) {
    *probe = KvOp{};
    probe->kind = KvOp::Kind::kPut;
    probe->key = "probe";
    probe->invoked = world().now();
  }
  auto answer = call(request, bound);
  if (probe) {
    probe->completed = world().now();
    probe->outcome = !answer               ? KvOp::Outcome::kUnknown
                     : answer->has_value() ? KvOp::Outcome::kOk
                                           : KvOp::Outcome::kFailed;
    if (answer && answer->has_value()) probe->revision = (*answer)->revision;
  }
  if (!answer || !answer->has_value()) {
    liveness_failure_ = "liveness: the probe write was not answered";
    return false;
  }
  const kv::Revision revision = (*answer)->revision;
  while (world().now() < deadline) {
    bool all = true;
    for (NodeId id : cluster_->configured_machines()) {
      if (!world().host(id).up()) continue;
      node::KvService* s = service(id);
      if (s == nullptr || s->store().revision() < revision) all = false;
    }
    if (all) return true;
    world().run_for(std::chrono::milliseconds(10));
  }
  liveness_failure_ =
      str("liveness: members did not reach revision ", revision, cluster_->describe_members());
  return false;
}

Result<std::pair<kv::Revision, std::vector<kv::Event>>> KvCluster::reference_events() {
  NodeId reference = kNoNode;
  for (NodeId id : cluster_->members()) {
    node::KvService* s = service(id);
    if (s &&
        (reference == kNoNode || s->store().revision() > service(reference)->store().revision()))
      reference = id;
  }
  if (reference == kNoNode) return fail(Errc::kUnavailable, "no member is running at the end");
  const kv::Store& store = service(reference)->store();
  const kv::Revision first = std::max<kv::Revision>(1, store.compact_revision());
  std::vector<kv::Event> events;
  auto done =
      store.events(first, store.revision(), std::numeric_limits<std::size_t>::max(), events);
  if (!done) return std::unexpected(done.error());
  return std::pair{first, std::move(events)};
}

bool KvCluster::check_history() {
  auto reference = reference_events();
  if (!reference) {
    violation("liveness", reference.error().message);
    return false;
  }
  if (reference->first > 1) {
    violation("history", "the reference store's history was compacted; raise its limits");
    return false;
  }
  const std::vector<kv::Event>& events = reference->second;
  Model model;
  std::map<std::string, int> puts;  // value -> times written
  for (const kv::Event& event : events) {
    model.apply(event);
    // Client values are unique; the probe's and fleet's records (keys under '/') repeat.
    const std::string key = text(event.kv.key);
    if (event.type == kv::Event::Type::kPut && key != "probe" && !key.starts_with('/')) {
      if (++puts[text(event.kv.value)] == 2) {
        violation("exactly-once",
                  str("value ", text(event.kv.value), " was written twice (again at", " revision ",
                      event.kv.mod_revision, ")"));
      }
    }
  }
  // Real time: the highest revision answered to a linearizable request before each instant.
  std::vector<std::pair<Time, kv::Revision>> answered;
  for (const Op& op : history_) {
    if (op.mode == node::ReadMode::kLinearizable && *op.result) {
      answered.emplace_back(op.completed, (*op.result)->revision);
    }
  }
  std::sort(answered.begin(), answered.end());
  for (std::size_t i = 1; i < answered.size(); ++i) {
    answered[i].second = std::max(answered[i].second, answered[i - 1].second);
  }
  auto answered_before = [&answered](Time t) -> kv::Revision {
    auto it =
        std::lower_bound(answered.begin(), answered.end(), std::make_pair(t, kv::Revision{0}));
    return it == answered.begin() ? 0 : std::prev(it)->second;
  };

  for (const Op& op : history_) {
    const std::string who = str("client ", op.client, " seq ", op.request.seq, " on ", op.key);
    if (!*op.result) {
      violation("answer", str(who, ": unexpected error ", op.result->error().message));
      continue;
    }
    const kv::Response& response = **op.result;
    const kv::Revision r = response.revision;
    bool wrote = false;
    switch (op.kind) {
      case Kind::kPut:
        wrote = true;
        if (!model.changed_at(op.key, r) || model.at(op.key, r) != op.value) {
          violation("model", str(who, ": put ", op.value, " answered at revision ", r,
                                 " but the history has ", show(model.at(op.key, r))));
        }
        break;
      case Kind::kGet: {
        ++stats_.reads;
        const auto& range = std::get<kv::RangeResponse>(response.result);
        const std::optional<std::string> got =
            range.kvs.empty() ? std::nullopt : std::optional(text(range.kvs.front().value));
        if (got != model.at(op.key, r)) {
          violation("model", str(who, ": read ", show(got), " at revision ", r,
                                 " but the history has ", show(model.at(op.key, r))));
        }
        break;
      }
      case Kind::kCas: {
        const auto& txn = std::get<kv::TxnResponse>(response.result);
        if (txn.succeeded) {
          wrote = true;
          if (!model.changed_at(op.key, r) || model.at(op.key, r) != op.value ||
              model.at(op.key, r - 1) != op.expected) {
            violation("model",
                      str(who, ": cas ", op.expected, " -> ", op.value, " succeeded at revision ",
                          r, " but the history has ", show(model.at(op.key, r - 1)), " -> ",
                          show(model.at(op.key, r))));
          }
        } else {
          ++stats_.cas_failed;
          if (model.at(op.key, r) == op.expected) {
            violation("model", str(who, ": cas from ", op.expected, " failed at revision ", r,
                                   " though the history has that value"));
          }
        }
        break;
      }
      case Kind::kDelete: {
        const auto& del = std::get<kv::DeleteRangeResponse>(response.result);
        wrote = del.deleted > 0;
        if (wrote ? !model.changed_at(op.key, r) || model.at(op.key, r).has_value() ||
                        !model.at(op.key, r - 1).has_value()
                  : model.at(op.key, r).has_value()) {
          violation("model", str(who, ": delete of ", del.deleted, " key(s) at revision ", r,
                                 " disagrees with the history (", show(model.at(op.key, r - 1)),
                                 " -> ", show(model.at(op.key, r)), ")"));
        }
        break;
      }
    }
    if (wrote) ++stats_.writes;
    if (op.mode == node::ReadMode::kLinearizable) {
      const kv::Revision before = answered_before(op.invoked);
      if (r < before || (wrote && r == before)) {
        violation("real time", str(who, ": answered at revision ", r, " though revision ", before,
                                   " was answered before it was submitted"));
      }
    }
  }
  // Every member's store is the model at its own revision.
  for (NodeId id : cluster_->members()) {
    node::KvService* s = service(id);
    if (s == nullptr) continue;
    for (int k = 0; k < client_options_.keys; ++k) {
      const std::string key = str("k", k);
      kv::RangeRequest get;
      get.key = kv::to_bytes(key);
      auto range = s->store().range(get);
      const std::optional<std::string> got = !range || range->kvs.empty()
                                                 ? std::nullopt
                                                 : std::optional(text(range->kvs.front().value));
      if (got != model.at(key, s->store().revision())) {
        violation("agreement", str("n", id, " has ", key, " = ", show(got), " at revision ",
                                   s->store().revision(), "; the history has ",
                                   show(model.at(key, s->store().revision()))));
      }
    }
  }
  return ok();
}

}  // namespace keel::sim
