#include "core/node/fleet_services.h"

#include "core/env/assert.h"

namespace keel::node {

std::uint64_t draw_session_id(Env& env) { return (env.random.next() >> 1) | 1; }

MemberFleetServices::MemberFleetServices(Env& env, KvService& service,
                                         discovery::HealthProber& prober,
                                         FleetServicesOptions options)
    : env_(env),
      service_(service),
      role_poll_(options.role_poll),
      store_(env, service, options.store),
      engine_(env, store_, options.engine),
      agent_(env, store_, prober, options.agent),
      catalog_(env, store_) {
  KEEL_ASSERT(options.store.client_id != 0, "a member's fleet store client needs a session id");
  KEEL_ASSERT(role_poll_ > Duration::zero(), "the role poll interval must be positive");
  poll_role();
}

MemberFleetServices::~MemberFleetServices() { env_.clock.cancel(role_timer_); }

void MemberFleetServices::poll_role() {
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
  role_timer_ = env_.clock.after(role_poll_, [this] { poll_role(); });
}

WorkerFleetServices::WorkerFleetServices(Env& env, client::StoreClient& store,
                                         discovery::HealthProber& prober,
                                         const fleet::AgentOptions& options)
    : store_(store), agent_(env, store_, prober, options), catalog_(env, store_) {}

}  // namespace keel::node
