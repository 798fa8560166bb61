// The programs of fleet's machines in the simulator (DESIGN.md: the same core on every machine):
// - a member runs, beside its KvService, a LocalStoreClient over it, the engine (leading while its
//   Raft node leads), the agent and the service catalog;
// - a worker runs the agent and the catalog over a RemoteStoreClient that reaches the members
//   through the simulated network.
// Each incarnation draws a fresh session id for its store client from the machine's Random, so a
// restarted machine never replays an earlier incarnation's (client, seq).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "core/client/local_store_client.h"
#include "core/client/remote_store_client.h"
#include "core/discovery/catalog.h"
#include "core/fleet/agent.h"
#include "core/fleet/engine.h"
#include "core/node/kv_service.h"
#include "sim/fleet/sim_prober.h"
#include "sim/program.h"

namespace keel::sim {

struct FleetMachineOptions {
  fleet::AgentOptions agent;  // its presence.machine is the machine's own record
  fleet::EngineOptions engine;
  client::StoreClientOptions store;                    // client_id is drawn per incarnation
  Duration role_poll = std::chrono::milliseconds(50);  // how often a member looks at its role
};

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
  ~FleetMember() override;
  const fleet::Agent& agent() const override { return agent_; }
  const discovery::Catalog& catalog() const override { return catalog_; }
  const fleet::Engine* engine() const override { return &engine_; }

 private:
  void poll_role();

  Env& env_;
  node::KvService& service_;
  FleetMachineOptions options_;
  client::LocalStoreClient store_;
  SimProber prober_;
  fleet::Engine engine_;
  fleet::Agent agent_;
  discovery::Catalog catalog_;
  raft::Term leading_ = 0;  // the term the engine leads in, 0 while following
  TimerId role_timer_ = 0;
};

class FleetWorker final : public FleetMachine {
 public:
  using Members = client::RemoteStoreClient::Members;
  FleetWorker(Env& env, Members members, std::uint64_t cluster, FleetMachineOptions options);
  const fleet::Agent& agent() const override { return agent_; }
  const discovery::Catalog& catalog() const override { return catalog_; }
  const fleet::Engine* engine() const override { return nullptr; }

 private:
  client::RemoteStoreClient store_;
  SimProber prober_;
  fleet::Agent agent_;
  discovery::Catalog catalog_;
};

// A fresh session id for one incarnation of a machine's store client (never 0).
std::uint64_t draw_session_id(Env& env);
// The simulator's containers of a machine (every simulated Env has them).
const SimContainers& sim_containers(Env& env);

}  // namespace keel::sim
