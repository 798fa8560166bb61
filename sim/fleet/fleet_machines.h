// The programs of fleet's machines in the simulator: thin wrappers over core/node/fleet_services.h
// (the code keeld runs too) that add the simulator's HealthProber and, on a worker, the
// RemoteStoreClient over the simulated network.
// - a member runs MemberFleetServices beside its KvService;
// - a worker runs WorkerFleetServices over a RemoteStoreClient that reaches the members.
// Each incarnation draws a fresh session id for its store client from the machine's Random, so a
// restarted machine never replays an earlier incarnation's (client, seq).
#pragma once

#include <cstdint>
#include <memory>

#include "core/client/remote_store_client.h"
#include "core/node/fleet_services.h"
#include "core/node/kv_service.h"
#include "sim/fleet/sim_prober.h"
#include "sim/program.h"

namespace keel::sim {

// Its store.client_id is drawn per incarnation.
using FleetMachineOptions = node::FleetServicesOptions;

// What a fleet machine holds, for the harness's checks.
class FleetMachine : public Program {
 public:
  virtual const fleet::Agent& agent() const = 0;
  virtual const discovery::Catalog& catalog() const = 0;
  virtual const fleet::Engine* engine() const = 0;  // null on a worker
};

class FleetMember final : public FleetMachine {
 public:
  FleetMember(Env& env, node::KvService& service, FleetMachineOptions options);
  const fleet::Agent& agent() const override { return services_.agent(); }
  const discovery::Catalog& catalog() const override { return services_.catalog(); }
  const fleet::Engine* engine() const override { return &services_.engine(); }

 private:
  SimProber prober_;
  node::MemberFleetServices services_;
};

class FleetWorker final : public FleetMachine {
 public:
  using Members = client::RemoteStoreClient::Members;
  FleetWorker(Env& env, Members members, std::uint64_t cluster, FleetMachineOptions options);
  const fleet::Agent& agent() const override { return services_.agent(); }
  const discovery::Catalog& catalog() const override { return services_.catalog(); }
  const fleet::Engine* engine() const override { return nullptr; }

 private:
  client::RemoteStoreClient store_;
  SimProber prober_;
  node::WorkerFleetServices services_;
};

// The simulator's containers of a machine (every simulated Env has them).
const SimContainers& sim_containers(Env& env);

}  // namespace keel::sim
