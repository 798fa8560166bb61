#include "sim/fleet/fleet_machines.h"

#include "core/codec/frame.h"

namespace keel::sim {
namespace {

client::StoreClientOptions with_session(client::StoreClientOptions options, Env& env) {
  options.client_id = node::draw_session_id(env);
  return options;
}

FleetMachineOptions with_session(FleetMachineOptions options, Env& env) {
  options.store = with_session(options.store, env);
  return options;
}

}  // namespace

const SimContainers& sim_containers(Env& env) {
  return static_cast<const SimContainers&>(env.containers);
}

FleetMember::FleetMember(Env& env, node::KvService& service, FleetMachineOptions options)
    : prober_(env, sim_containers(env)),
      services_(env, service, prober_, with_session(std::move(options), env)) {}

FleetWorker::FleetWorker(Env& env, Members members, std::uint64_t cluster,
                         FleetMachineOptions options)
    : store_(env, std::move(members), cluster, with_session(options.store, env)),
      prober_(env, sim_containers(env)),
      services_(env, store_, prober_, options.agent) {
  env.transport.set_receive_handler([this, cluster](NodeId from, ByteView frame) {
    auto decoded = codec::decode_node_frame(frame);
    if (!decoded || decoded->cluster != cluster) return;
    store_.on_frame(from, decoded->payload);
  });
}

}  // namespace keel::sim
