// What the agent and discovery tests share: a machine program running an Agent over a
// MemoryStoreClient with a ScriptedProber, helpers to assign units and read what the store holds,
// and a bounded wait on a condition in simulated time.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/fleet/agent.h"
#include "sim/world.h"
#include "tests/sim/support/memory_store.h"
#include "tests/sim/support/scripted_prober.h"

namespace keel::sim {

struct AgentProgram : Program {
  AgentProgram(Env& env, MemoryStore& store, fleet::AgentOptions options)
      : client(env, store, {.client_id = env.self}),
        prober(env),
        agent(env, client, prober, options) {}
  MemoryStoreClient client;
  ScriptedProber prober;
  fleet::Agent agent;
};

// Options for the machine named `name` (its id is its name).
inline fleet::AgentOptions agent_options(const std::string& name) {
  fleet::AgentOptions options;
  options.presence.machine = fleet::MachineRecord{name, "10.0.0.1", {}, {}};
  return options;
}

inline NodeId add_agent(World& world, MemoryStore& store, const std::string& name,
                        std::function<void(fleet::AgentOptions&)> adjust = nullptr) {
  return world.add_host(name, [&store, name, adjust](Env& env) {
    fleet::AgentOptions options = agent_options(name);
    if (adjust) adjust(options);
    return std::make_unique<AgentProgram>(env, store, options);
  });
}

inline AgentProgram& agent_of(World& world, NodeId id) {
  return *static_cast<AgentProgram*>(world.host(id).program());
}

inline void put(MemoryStore& store, const std::string& key, const std::string& value) {
  ASSERT_TRUE(store.apply(kv::PutRequest{kv::to_bytes(key), kv::to_bytes(value)}).has_value());
}

inline void remove(MemoryStore& store, const std::string& key) {
  ASSERT_TRUE(store.apply(kv::DeleteRangeRequest{kv::to_bytes(key), {}}).has_value());
}

inline void assign(MemoryStore& store, const std::string& machine, const std::string& unit,
                   const std::string& text,
                   fleet::DesiredState desired = fleet::DesiredState::kLaunched) {
  put(store, fleet::assign_key(machine, unit), fleet::encode(fleet::Assignment{desired, text}));
}

inline std::optional<kv::KeyValue> get(MemoryStore& store, const std::string& key) {
  auto result = store.apply(kv::RangeRequest{kv::to_bytes(key), {}});
  EXPECT_TRUE(result.has_value());
  if (!result) return std::nullopt;
  const auto& kvs = std::get<kv::RangeResponse>(result->result).kvs;
  if (kvs.empty()) return std::nullopt;
  return kvs.front();
}

inline std::optional<fleet::UnitState> stored_state(MemoryStore& store, const std::string& machine,
                                                    const std::string& unit) {
  auto kv = get(store, fleet::state_key(machine, unit));
  if (!kv) return std::nullopt;
  auto state = fleet::decode_unit_state(kv::to_string(kv->value));
  EXPECT_TRUE(state.has_value());
  if (!state) return std::nullopt;
  return *state;
}

// How many containers of `unit` run on the machine (the simulator's truth).
inline int running(World& world, NodeId id, const std::string& unit) {
  int count = 0;
  for (const auto& [container, name] : world.host(id).containers().running()) {
    if (name == unit) ++count;
  }
  return count;
}

// Runs the world in 1 ms steps until `done` holds or `bound` passed; whether it held.
inline bool run_until(World& world, const std::function<bool()>& done, Duration bound) {
  const Time end = world.now() + bound;
  while (!done()) {
    if (world.now() >= end) return false;
    world.run_for(std::chrono::milliseconds(1));
  }
  return true;
}

}  // namespace keel::sim
