#include "sim/fleet/fleet_machines.h"

#include "core/codec/frame.h"

namespace keel::sim {
namespace {

client::StoreClientOptions with_session(client::StoreClientOptions options, Env& env) {
  options.client_id = draw_session_id(env);
  return options;
}

}  // namespace

std::uint64_t draw_session_id(Env& env) { return (env.random.next() >> 1) | 1; }

const SimContainers& sim_containers(Env& env) {
  return static_cast<const SimContainers&>(env.containers);
}

FleetMember::FleetMember(Env& env, node::KvService& service, FleetMachineOptions options)
    : env_(env),
      service_(service),
      options_(std::move(options)),
      store_(env, service, with_session(options_.store, env)),
      prober_(env, sim_containers(env)),
      engine_(env, store_, options_.engine),
      agent_(env, store_, prober_, options_.agent),
      catalog_(env, store_) {
  poll_role();
}

FleetMember::~FleetMember() { env_.clock.cancel(role_timer_); }

// The engine leads while this member's Raft node leads, in that term (fencing makes a late
// follow() harmless: a newer leader's engine claims first).
void FleetMember::poll_role() {
  const raft::Raft& raft = service_.node().raft();
  if (raft.role() == raft::Role::kLeader) {
    if (leading_ != raft.term()) {
      leading_ = raft.term();
      engine_.lead(leading_);
    }
  } else if (leading_ != 0) {
    leading_ = 0;
    engine_.follow();
  }
  role_timer_ = env_.clock.after(options_.role_poll, [this] { poll_role(); });
}

FleetWorker::FleetWorker(Env& env, Members members, std::uint64_t cluster,
                         FleetMachineOptions options)
    : store_(env, std::move(members), cluster, with_session(options.store, env)),
      prober_(env, sim_containers(env)),
      agent_(env, store_, prober_, options.agent),
      catalog_(env, store_) {
  env.transport.set_receive_handler([this, cluster](NodeId from, ByteView frame) {
    auto decoded = codec::decode_node_frame(frame);
    if (!decoded || decoded->cluster != cluster) return;
    store_.on_frame(from, decoded->payload);
  });
}

}  // namespace keel::sim
