#include "sim/cluster.h"

#include <algorithm>
#include <charconv>
#include <cstring>
#include <iterator>

#include "core/env/assert.h"
#include "core/env/str.h"

namespace keel::sim {
namespace {

// The program of a member machine: a Node, or nothing if the node could not start from its disk.
class NodeProgram final : public MemberProgram {
 public:
  explicit NodeProgram(std::unique_ptr<node::Node> node) : node_(std::move(node)) {}
  node::Node* node() const override { return node_.get(); }

 private:
  std::unique_ptr<node::Node> node_;
};

std::string text(ByteView bytes) { return std::string(bytes.begin(), bytes.end()); }

// Whether `shorter` holds the first shorter.size() values of `longer`, in the same order.
bool is_prefix(const node::AppendRegister& shorter, const node::AppendRegister& longer) {
  if (shorter.size() > longer.size()) return false;
  auto longer_values = longer.values();
  for (auto values = shorter.values(); !values.done();) {
    if (!std::ranges::equal(values.next(), longer_values.next())) return false;
  }
  return true;
}

}  // namespace

Cluster::Cluster(std::uint64_t seed, ClusterOptions options)
    : options_(std::move(options)), world_(seed) {
  for (int i = 1; i <= options_.members; ++i) members_.push_back(static_cast<NodeId>(i));
  options_.node.members = members_;
  options_.node.observer = &observer_;
  checker_.set_voters(members_);
  world_.trace().set_recording(options_.record_trace);
  // Recorded, so that a trace tells the later network faults from the baseline they change.
  world_.set_link_defaults(options_.network);
  for (NodeId id : members_) boot_machine(id);
}

void Cluster::boot_machine(NodeId id) {
  const NodeId added = world_.add_host(str("n", id), [this](Env& env) -> std::unique_ptr<Program> {
    Result<std::unique_ptr<MemberProgram>> started = start_member(env);
    if (!started) {
      violation("node start",
                str(env.name, " could not start from its disk: ", started.error().message));
      env.emit("node", "failed-to-start", {{"reason", started.error().message}});
      return std::make_unique<NodeProgram>(nullptr);
    }
    return std::move(*started);
  });
  KEEL_ASSERT(added == id, "machine n", id, " got id ", added);
  world_.host(id).fs().set_sync_latency(options_.fsync_low, options_.fsync_high);
}

Result<std::unique_ptr<MemberProgram>> Cluster::start_member(Env& env) {
  if (options_.program) return options_.program(env, options_.node);
  auto started = node::Node::start(env, options_.node);
  if (!started) return std::unexpected(started.error());
  return std::make_unique<NodeProgram>(std::move(*started));
}

void Cluster::leader_lost() {
  const NodeId lead = leader();
  if (lead == kNoNode || lost_leader_) return;
  lost_leader_.emplace(world_.now(), node(lead)->raft().term());
}

void Cluster::leader_back() {
  const NodeId lead = leader();
  if (lost_leader_ && lead != kNoNode && node(lead)->raft().term() == lost_leader_->second) {
    lost_leader_.reset();
  }
}

void Cluster::end_failover(raft::Term term) {
  if (!lost_leader_ || term <= lost_leader_->second) return;
  failovers_.push_back(world_.now() - lost_leader_->first);
  lost_leader_.reset();
}

NodeId Cluster::add_machine() {
  const NodeId id = members_.size() + 1;
  members_.push_back(id);
  boot_machine(id);
  return id;
}

Cluster::~Cluster() = default;

std::vector<NodeId> Cluster::configured_machines() const {
  const raft::ConfState& conf = configuration();
  std::vector<NodeId> machines;
  std::merge(conf.voters.begin(), conf.voters.end(), conf.learners.begin(), conf.learners.end(),
             std::back_inserter(machines));
  return machines;
}

node::Node* Cluster::node(NodeId id) {
  // Members are n1..n<members_.size()> (boot_machine asserts each id); the world's other machines
  // (fleet workers) run other programs.
  if (id == 0 || id > members_.size()) return nullptr;
  Host& host = world_.host(id);
  if (!host.up() || host.program() == nullptr) return nullptr;
  return static_cast<MemberProgram*>(host.program())->node();
}

NodeId Cluster::leader() {
  NodeId best = kNoNode;
  raft::Term best_term = 0;
  for (NodeId id : members_) {
    node::Node* n = node(id);
    if (n == nullptr || world_.host(id).state() != HostState::kUp) continue;
    if (n->raft().role() == raft::Role::kLeader && n->raft().term() >= best_term) {
      best = id;
      best_term = n->raft().term();
    }
  }
  return best;
}

void Cluster::violation(std::string check, std::string detail) {
  violations_.push_back(Violation{std::move(check), std::move(detail)});
}

std::string Cluster::first_violation() const {
  const Violation* v = !checker_.violations().empty() ? &checker_.violations().front()
                       : !violations_.empty()         ? &violations_.front()
                                                      : nullptr;
  return v ? v->check + ": " + v->detail : "";
}

std::string Cluster::describe_members() {
  std::string out;
  for (NodeId id : members_) {
    const Host& host = world_.host(id);
    out += str("\n  n", id, ": ");
    node::Node* n = node(id);
    if (!host.up() || n == nullptr) {
      out += host.up() ? "failed to start" : "down";
      continue;
    }
    const raft::Raft& r = n->raft();
    out += str(host.state() == HostState::kPaused ? "paused " : "", raft::to_string(r.role()),
               " term ", r.term(), " leader n", r.leader(), " commit ", r.commit(), " applied ",
               r.applied(), " last ", r.last_index());
  }
  return out;
}

void Cluster::start_clients(const ClientOptions& options) {
  client_options_ = options;
  clients_running_ = true;
  for (int i = 0; i < options.clients; ++i) {
    auto client = std::make_unique<Client>();
    client->cluster = this;
    client->id = i + 1;
    client->target = members_[static_cast<std::size_t>(i) % members_.size()];
    Client* raw = client.get();
    clients_.push_back(std::move(client));
    // Clients start at different instants so they do not move in lockstep.
    world_.after(Duration(options.period.count() * i / std::max(1, options.clients)),
                 [this, raw] { client_step(*raw); });
  }
}

// One proposal. The request and its answer travel instantly (the client sits beside the machine);
// what matters here is what the cluster does with it, not the client's network.
void Cluster::client_step(Client& client) {
  if (!clients_running_) return;
  const std::uint64_t number = client.first_open + client.open.size();
  ++client_stats_.proposed;
  client.open.push_back(Client::Open{world_.now() + client_options_.timeout, client.target});
  if (!client.timer_armed) arm_client_timer(client);
  Host& host = world_.host(client.target);
  if (host.up()) {
    // Small captures: the closures fit in std::function's own storage.
    host.post(Duration(0), [&client, number] { client.cluster->client_propose(client, number); });
  }
  world_.after(client_options_.period, [this, &client] { client_step(client); });
}

void Cluster::client_propose(Client& client, std::uint64_t number) {
  if (number < client.first_open) return;  // the client already gave up on it
  node::Node* n = node(client.open[number - client.first_open].target);
  if (n == nullptr) return;
  // The proposal's only copy of its bytes is the SharedBytes, built from a reused buffer.
  write_client_value(client.id, number, value_scratch_);
  n->propose(SharedBytes(ByteView(value_scratch_)), [&client, number](Result<raft::Index> result) {
    client.cluster->client_answer(client, number, result);
  });
}

void Cluster::client_answer(Client& client, std::uint64_t number,
                            const Result<raft::Index>& result) {
  if (number < client.first_open) return;
  Client::Open& open = client.open[number - client.first_open];
  if (open.settled) return;  // the client already gave up on it
  open.settled = true;
  if (result) {
    ++client_stats_.acknowledged;
    acknowledged_.emplace_back(client.id, number);
  } else {
    ++client_stats_.refused;
    const std::string& why = result.error().message;
    const auto hint = why.find("leader is n");
    if (hint != std::string::npos) {
      client.target = std::stoull(why.substr(hint + 11));
    } else {
      client.target = 1 + (client.target % members_.size());
    }
  }
  while (!client.open.empty() && client.open.front().settled) {
    client.open.pop_front();
    ++client.first_open;
  }
}

// One timer per client, at the oldest open proposal's deadline: the proposals still open then
// time out (their outcome is unknown), and the timer moves on to the next deadline.
void Cluster::arm_client_timer(Client& client) {
  client.timer_armed = true;
  world_.at(client.open.front().deadline, [this, &client] {
    client.timer_armed = false;
    while (!client.open.empty() &&
           (client.open.front().settled || client.open.front().deadline <= world_.now())) {
      if (!client.open.front().settled) {
        ++client_stats_.unknown;
        client.target = 1 + (client.target % members_.size());
      }
      client.open.pop_front();
      ++client.first_open;
    }
    if (!client.open.empty()) arm_client_timer(client);
  });
}

void Cluster::write_client_value(int client, std::uint64_t number, Bytes& out) const {
  char text[32];  // 'c', an int (up to 11 characters), '-', a 64-bit number (up to 20 digits)
  text[0] = 'c';
  char* end = std::to_chars(text + 1, text + 12, client).ptr;
  *end++ = '-';
  end = std::to_chars(end, std::end(text), number).ptr;
  const auto length = static_cast<std::size_t>(end - text);
  // One resize and one copy: the buffer keeps its capacity from one proposal to the next.
  out.resize(std::max(length, client_options_.value_bytes));
  std::memcpy(out.data(), text, length);
  std::fill(out.begin() + static_cast<std::ptrdiff_t>(length), out.end(), '.');
}

std::string Cluster::client_value(int client, std::uint64_t number) const {
  Bytes value;
  write_client_value(client, number, value);
  return std::string(value.begin(), value.end());
}

bool Cluster::converge(Duration bound, Duration* took, Duration* leader_took) {
  const Time start = world_.now();
  const Time deadline = start + bound;
  constexpr Duration kPoll = std::chrono::milliseconds(10);
  // Like a client, the probe gives up on a proposal after a while (a leader that was deposed
  // may never learn its outcome) and tries again.
  const Duration give_up = client_options_.timeout;
  // Shared with the proposal's callback, which may outlive this call.
  struct Probe {
    std::uint64_t attempt = 0;  // only the latest attempt's answer counts
    Time sent{};
    bool in_flight = false;
    raft::Index applied_at = 0;
  };
  auto probe = std::make_shared<Probe>();
  if (leader_took) *leader_took = Duration::max();
  while (world_.now() < deadline) {
    world_.run_for(kPoll);
    const NodeId lead = leader();
    if (lead == kNoNode) continue;
    if (leader_took && *leader_took == Duration::max()) *leader_took = world_.now() - start;
    if (probe->applied_at == 0) {
      if (probe->in_flight && world_.now() - probe->sent < give_up) continue;
      probe->in_flight = true;
      probe->sent = world_.now();
      const std::uint64_t attempt = ++probe->attempt;
      world_.host(lead).post(Duration(0), [this, probe, lead, attempt] {
        node::Node* n = node(lead);
        if (n == nullptr) return;
        n->propose(Bytes{'p'}, [probe, attempt](Result<raft::Index> result) {
          if (attempt != probe->attempt) return;
          probe->in_flight = false;
          if (result) probe->applied_at = *result;
        });
      });
      continue;
    }
    bool all = true;
    for (NodeId id : configured_machines()) {
      node::Node* n = node(id);
      if (!world_.host(id).up()) continue;
      if (n == nullptr || n->raft().applied() < probe->applied_at) all = false;
    }
    if (all) {
      if (took) *took = world_.now() - start;
      return true;
    }
  }
  return false;
}

bool Cluster::check_final_state() {
  // The longest register is the reference: every other must be a prefix of it (they may lag by
  // entries applied after the probe), and it must hold every acknowledged value.
  NodeId longest = kNoNode;
  for (NodeId id : members_) {
    node::Node* n = node(id);
    if (n == nullptr) continue;
    if (longest == kNoNode || n->state().size() > node(longest)->state().size()) {
      longest = id;
    }
  }
  if (longest == kNoNode) {
    violation("liveness", "no member is running at the end");
    return false;
  }
  const node::AppendRegister& reference = node(longest)->state();
  std::set<std::string> present;
  for (auto values = reference.values(); !values.done();) present.insert(text(values.next()));
  for (const auto& [client, number] : acknowledged_) {
    const std::string value = client_value(client, number);
    if (!present.contains(value)) {
      violation("durability", str("acknowledged value ", value, " is not in n", longest,
                                  "'s register of ", reference.size(), " values"));
      break;
    }
  }
  for (NodeId id : members_) {
    node::Node* n = node(id);
    if (n == nullptr || id == longest) continue;
    if (!is_prefix(n->state(), reference)) {
      violation("agreement", str("n", id, "'s register is not a prefix of n", longest, "'s"));
    }
  }
  return ok();
}

}  // namespace keel::sim
