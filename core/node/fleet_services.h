// The fleet services a machine runs (DESIGN.md: the same core on every machine, in the simulator
// and in keeld alike):
// - MemberFleetServices, beside a member's KvService: a LocalStoreClient over it, the engine
//   (leading while this member's Raft node leads, in that term), the agent and the service
//   catalog;
// - WorkerFleetServices, on a worker: the agent and the catalog over a StoreClient that reaches
//   the members (a RemoteStoreClient), which the caller owns and feeds frames.
//
// Leadership: the member polls its Raft role every `role_poll`; on seeing itself leader in a new
// term it calls engine.lead(term), on seeing itself follow it calls engine.follow(). A late
// follow() is harmless: the engine's claim and its writes are fenced by term (engine.h), so a
// newer leader's engine wins.
//
// Contract: `options.store.client_id` is the session of this incarnation's store client and must
// not be 0 nor reused by an earlier incarnation (kv/sessions.h); the HealthProber and the service
// (or store client) outlive the services. Destroying them (a crash) writes nothing more.
#pragma once

#include <cstdint>

#include "core/client/local_store_client.h"
#include "core/client/store_client.h"
#include "core/discovery/catalog.h"
#include "core/discovery/health_prober.h"
#include "core/env/env.h"
#include "core/fleet/agent.h"
#include "core/fleet/engine.h"
#include "core/node/kv_service.h"

namespace keel::node {

struct FleetServicesOptions {
  fleet::AgentOptions agent;  // its presence.machine is the machine's own record
  fleet::EngineOptions engine;
  client::StoreClientOptions store;                    // client_id: see the contract above
  Duration role_poll = std::chrono::milliseconds(50);  // how often a member looks at its role
};

class MemberFleetServices {
 public:
  MemberFleetServices(Env& env, KvService& service, discovery::HealthProber& prober,
                      FleetServicesOptions options);
  ~MemberFleetServices();
  MemberFleetServices(const MemberFleetServices&) = delete;
  MemberFleetServices& operator=(const MemberFleetServices&) = delete;

  // The member's own store client, for fleet commands and lookups made on this machine.
  client::StoreClient& store() { return store_; }
  const fleet::Agent& agent() const { return agent_; }
  const fleet::Engine& engine() const { return engine_; }
  discovery::Catalog& catalog() { return catalog_; }
  const discovery::Catalog& catalog() const { return catalog_; }

 private:
  void poll_role();

  Env& env_;
  KvService& service_;
  const Duration role_poll_;
  client::LocalStoreClient store_;
  fleet::Engine engine_;
  fleet::Agent agent_;
  discovery::Catalog catalog_;
  std::uint64_t leading_ = 0;  // the term the engine leads in, 0 while following
  TimerId role_timer_ = 0;
};

class WorkerFleetServices {
 public:
  WorkerFleetServices(Env& env, client::StoreClient& store, discovery::HealthProber& prober,
                      const fleet::AgentOptions& options);
  WorkerFleetServices(const WorkerFleetServices&) = delete;
  WorkerFleetServices& operator=(const WorkerFleetServices&) = delete;

  client::StoreClient& store() { return store_; }
  const fleet::Agent& agent() const { return agent_; }
  discovery::Catalog& catalog() { return catalog_; }
  const discovery::Catalog& catalog() const { return catalog_; }

 private:
  client::StoreClient& store_;
  fleet::Agent agent_;
  discovery::Catalog catalog_;
};

// A fresh session id for one incarnation of a machine's store client, from its Random (never 0).
std::uint64_t draw_session_id(Env& env);

}  // namespace keel::node
