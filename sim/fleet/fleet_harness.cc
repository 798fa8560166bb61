#include "sim/fleet/fleet_harness.h"

#include <algorithm>
#include <set>

#include "core/codec/frame.h"
#include "core/env/assert.h"
#include "core/env/str.h"
#include "core/fleet/commands.h"
#include "core/fleet/unit_file.h"

namespace keel::sim {
namespace {

constexpr Duration kPoll = std::chrono::milliseconds(10);
constexpr std::uint64_t kDefaultMemory = 4ull << 30;
constexpr std::size_t kSubmitters = 16;
constexpr double kDefaultCpus = 2;

double seconds(Duration d) { return std::chrono::duration<double>(d).count(); }

}  // namespace

std::string machine_ip(NodeId id) { return str("10.0.", id / 256, ".", id % 256); }

// The user at t=0: submits every unit, then asks for its desired state, one command after the
// other, retrying a command that got no answer (the verbs are idempotent).
class FleetHarness::Submitter final : public Program {
 public:
  Submitter(Env& env, client::RemoteStoreClient::Members members, std::uint64_t cluster,
            std::vector<UnitSpec> units)
      : env_(env),
        store_(env, std::move(members), cluster,
               client::StoreClientOptions{.client_id = node::draw_session_id(env)}),
        units_(std::move(units)) {
    env.transport.set_receive_handler([this, cluster](NodeId from, ByteView frame) {
      auto decoded = codec::decode_node_frame(frame);
      if (decoded && decoded->cluster == cluster) store_.on_frame(from, decoded->payload);
    });
    next();
  }
  bool done() const { return step_ == 2 * units_.size(); }
  std::uint64_t submitted() const { return std::min(step_, units_.size()); }

 private:
  void next() {
    if (done()) return;
    const bool submitting = step_ < units_.size();
    const UnitSpec& unit = units_[submitting ? step_ : step_ - units_.size()];
    auto after = [this](Status status) {
      if (status) {
        ++step_;
        next();
      } else if (status.error().code == Errc::kTimeout ||
                 status.error().code == Errc::kUnavailable) {
        env_.clock.after(std::chrono::milliseconds(100), [this] { next(); });
      } else {
        KEEL_ASSERT(false, "the scenario's unit was refused: ", status.error().message);
      }
    };
    if (submitting) {
      fleet::submit_unit(store_, unit.name, unit.file, after);
    } else if (unit.state == "launched") {
      fleet::start_unit(store_, unit.name, after);
    } else if (unit.state == "loaded") {
      fleet::load_unit(store_, unit.name, after);
    } else {
      after({});
    }
  }

  Env& env_;
  client::RemoteStoreClient store_;
  std::vector<UnitSpec> units_;
  std::size_t step_ = 0;
};

bool FleetHarness::wanted(const Scenario& scenario) {
  return !scenario.units.empty() || scenario.cluster.workers > 0;
}

FleetHarness::FleetHarness(const Scenario& scenario, KvClusterOptions& options)
    : scenario_(scenario) {
  const std::vector<std::string> names = scenario.machine_names();
  for (std::size_t i = 0; i < names.size(); ++i) {
    fleet::Machine machine{
        names[i], {}, {kDefaultMemory, static_cast<std::uint64_t>(kDefaultCpus * 100)}};
    if (auto spec = scenario.cluster.machines.find(names[i]);
        spec != scenario.cluster.machines.end()) {
      machine.metadata = spec->second.metadata;
      if (spec->second.memory_bytes) machine.capacity.memory_bytes = *spec->second.memory_bytes;
      if (spec->second.cpus) {
        machine.capacity.cpu_percent = static_cast<std::uint64_t>(*spec->second.cpus * 100);
      }
    }
    machines_.push_back(std::move(machine));
  }
  std::vector<fleet::Unit> units;
  for (const UnitSpec& spec : scenario.units) {
    auto file = fleet::parse_unit_file(spec.name, spec.file);
    KEEL_ASSERT(file.has_value(), "the loader checked ", spec.name);
    auto desired = fleet::parse_desired_state(spec.state);
    KEEL_ASSERT(desired.has_value(), "the loader checked ", spec.name, "'s state");
    fleet::Unit unit{spec.name, fleet::placement_rules(*file), *desired};
    units.push_back(unit);
    units_.emplace(spec.name, std::move(unit));
    if (file->announce) services_.emplace(spec.name, *file->announce);
  }
  checker_ = std::make_unique<UnitChecker>(machines_, std::move(units));
  options.beside = [this](Env& env, node::KvService& service) -> std::unique_ptr<Program> {
    return std::make_unique<FleetMember>(env, service, machine_options(env.name, env.self));
  };
}

FleetHarness::~FleetHarness() = default;

FleetMachineOptions FleetHarness::machine_options(const std::string& name, NodeId id) const {
  FleetMachineOptions o;
  fleet::MachineRecord& record = o.agent.presence.machine;
  record.id = name;
  record.ip = machine_ip(id);
  auto known = std::find_if(machines_.begin(), machines_.end(),
                            [&](const fleet::Machine& m) { return m.id == name; });
  if (known != machines_.end()) {
    record.metadata = known->metadata;
    record.capacity = known->capacity;
  } else {  // a member added by a fault
    record.capacity = {kDefaultMemory, static_cast<std::uint64_t>(kDefaultCpus * 100)};
  }
  return o;
}

void FleetHarness::attach(KvCluster& kv) {
  kv_ = &kv;
  World& world = kv.world();
  Cluster& cluster = kv.cluster();
  const std::uint64_t cluster_id = cluster.options().node.cluster;
  auto members = [&cluster] { return cluster.members(); };
  for (int i = 1; i <= scenario_.cluster.workers; ++i) {
    const std::string name = str("w", i);
    workers_.push_back(world.add_host(name, [this, name, members, cluster_id](Env& env) {
      return std::make_unique<FleetWorker>(env, members, cluster_id,
                                           machine_options(name, env.self));
    }));
  }
  world.trace().add_observer([this](Time now, const TraceEvent& event) { on_trace(now, event); });
  // Users submit in parallel, each its units one command after the other (as several fleetctl
  // runs would): one client alone would take a round trip per command for thousands of units.
  const std::size_t lanes = std::min<std::size_t>(kSubmitters, scenario_.units.size());
  for (std::size_t lane = 0; lane < lanes; ++lane) {
    std::vector<UnitSpec> share;
    for (std::size_t i = lane; i < scenario_.units.size(); i += lanes) {
      share.push_back(scenario_.units[i]);
    }
    submitters_.push_back(world.add_client(
        str("fleetctl", lane + 1), [members, cluster_id, share = std::move(share)](Env& env) {
          return std::make_unique<Submitter>(env, members, cluster_id, share);
        }));
  }
}

FleetMachine* FleetHarness::program(NodeId id) {
  World& world = kv_->world();
  if (!world.host(id).up()) return nullptr;
  if (std::find(workers_.begin(), workers_.end(), id) != workers_.end()) {
    return static_cast<FleetMachine*>(world.host(id).program());
  }
  return static_cast<FleetMachine*>(kv_->beside(id));
}

void FleetHarness::on_trace(Time now, const TraceEvent& event) {
  auto field = [&](std::string_view key) -> const TraceField* {
    for (const TraceField& f : event.fields) {
      if (f.key == key) return &f;
    }
    return nullptr;
  };
  if (event.component == "container") {
    const auto* id = field("id");
    if (id == nullptr) return;
    const auto container = static_cast<ContainerId>(std::get<std::int64_t>(id->value));
    if (event.name == "live") {
      const std::string unit(std::get<std::string_view>(field("unit")->value));
      checker_->on_live(now, std::string(event.machine), unit, container);
      for (Recovery& r : recovering_) r.units.erase(unit);
      std::erase_if(recovering_, [&](const Recovery& r) {
        if (!r.units.empty()) return false;
        recoveries_.push_back(now - r.crashed);
        return true;
      });
    } else if (event.name == "gone") {
      checker_->on_gone(now, std::string(event.machine), container);
    }
    return;
  }
  if (event.component == "sim" && (event.name == "pause" || event.name == "resume")) {
    const auto* machine = field("machine");
    if (machine == nullptr) return;
    const std::string name(std::get<std::string_view>(machine->value));
    if (event.name == "pause") {
      checker_->on_paused(name);
    } else {
      checker_->on_resumed(now, name);
    }
    return;
  }
  if (event.component == "sim" && event.name == "crash") {
    const auto* machine = field("machine");
    if (machine == nullptr) return;
    const std::string_view name = std::get<std::string_view>(machine->value);
    Recovery r{now, {}};
    for (const auto& [unit, where] : checker_->live()) {
      const auto known = units_.find(unit);
      if (known != units_.end() && !known->second.rules.global &&
          where.contains(std::string(name))) {
        r.units.insert(unit);
      }
    }
    if (!r.units.empty()) recovering_.push_back(std::move(r));
    return;
  }
  if (event.component != "kv" || event.name != "lease-expired") return;
  const auto* lease_field = field("lease");
  if (lease_field == nullptr) return;
  const kv::LeaseId lease = std::get<std::int64_t>(lease_field->value);
  World& world = kv_->world();
  for (NodeId id : world.machine_ids()) {
    FleetMachine* machine = program(id);
    if (machine == nullptr || machine->agent().lease() != lease) continue;
    const std::string name = world.host(id).name();
    const Duration margin = machine_options(name, id).agent.presence.fencing_margin;
    world.after(margin, [this, name, lease, now] {
      // Only a lease the store really revoked counts (the proposal may not have committed).
      const NodeId leader = kv_->leader();
      node::KvService* service = leader == kNoNode ? nullptr : kv_->service(leader);
      if (service == nullptr || service->store().leases().contains(lease)) return;
      ++fencing_checks_;
      checker_->check_fenced(kv_->world().now(), name, now);
    });
  }
}

std::optional<std::string> FleetHarness::wait_until(
    std::string_view expectation, Duration bound,
    const std::function<std::optional<std::string>()>& why_not) {
  World& world = kv_->world();
  const Time deadline = world.now() + bound;
  while (true) {
    auto why = why_not();
    if (!why) return std::nullopt;
    if (world.now() >= deadline) return str(expectation, ": after ", seconds(bound), "s: ", *why);
    world.run_for(kPoll);
  }
}

std::optional<std::string> FleetHarness::units_misplaced() {
  World& world = kv_->world();
  fleet::Cluster up;
  for (const fleet::Machine& machine : machines_) {
    const NodeId id = world.id_of(machine.id);
    if (id != kNoNode && world.host(id).up()) up.machines.push_back(machine);
  }
  for (const auto& [name, unit] : units_) up.units.push_back(unit);
  const auto live = checker_->live();
  // Where the rules can put each unit on the machines that are up, keeping what runs in place.
  for (const auto& [unit, where] : live) {
    if (units_.contains(unit)) up.current[unit] = {where.begin(), where.end()};
  }
  auto plan = fleet::plan_placement(up);
  if (!plan) return str("units: cannot plan the expected placement: ", plan.error().message);
  for (const auto& [name, unit] : units_) {
    const auto running = live.find(name);
    const std::size_t count = running == live.end() ? 0 : running->second.size();
    if (unit.desired != fleet::DesiredState::kLaunched) {
      if (count > 0) return str(name, " is ", fleet::to_string(unit.desired), " but runs");
      continue;
    }
    const auto placed = plan->placement.find(name);
    const std::size_t wanted = placed == plan->placement.end() ? 0 : placed->second.size();
    if (count < wanted) {
      return str(name, " runs on ", count, " machine(s), ", wanted, " can hold it");
    }
  }
  return std::nullopt;
}

std::optional<std::string> FleetHarness::wait_for_units(Duration bound) {
  return wait_until("units_within", bound, [this] { return units_misplaced(); });
}

std::optional<std::string> FleetHarness::catalog_mismatch() {
  World& world = kv_->world();
  // What should be announced: every running unit with [X-Service] (a process live and started).
  std::map<std::string, std::set<std::string>> expected;  // service -> "unit@machine:ip:port"
  for (NodeId id : world.machine_ids()) {
    if (!world.host(id).up()) continue;
    for (const auto& [container, unit] : world.host(id).containers().running()) {
      const auto service = services_.find(unit);
      if (service == services_.end()) continue;
      expected[service->second.name].insert(
          str(unit, "@", world.host(id).name(), ":", machine_ip(id), ":", service->second.port));
    }
  }
  for (NodeId id : world.machine_ids()) {
    FleetMachine* machine = program(id);
    if (machine == nullptr) continue;
    const discovery::Catalog& catalog = machine->catalog();
    std::set<std::string> names;
    for (const std::string& name : catalog.services()) names.insert(name);
    for (const auto& [name, records] : expected) names.insert(name);
    for (const std::string& name : names) {
      std::set<std::string> seen;
      for (const fleet::ServiceRecord& r : catalog.lookup(name)) {
        seen.insert(str(r.unit, "@", r.machine, ":", r.ip, ":", r.port));
      }
      const auto want = expected.find(name);
      const std::set<std::string> wanted =
          want == expected.end() ? std::set<std::string>{} : want->second;
      if (seen != wanted) {
        return str(world.host(id).name(), "'s catalog has ", seen.size(), " record(s) of ", name,
                   ", ", wanted.size(), " unit(s) serve it");
      }
    }
  }
  return std::nullopt;
}

std::optional<std::string> FleetHarness::wait_for_catalog(Duration bound) {
  return wait_until("catalog_within", bound, [this] { return catalog_mismatch(); });
}

FleetRunStats FleetHarness::stats() {
  FleetRunStats s;
  World& world = kv_->world();
  for (NodeId id : world.machine_ids()) {
    const FleetMachine* machine = program(id);
    if (machine == nullptr) continue;
    s.keep_alives += machine->agent().presence_stats().keep_alives;
    s.agent_writes += machine->agent().write_stats().puts + machine->agent().write_stats().deletes;
    if (const fleet::Engine* engine = machine->engine()) {
      s.engine_txns += engine->stats().txns;
      s.engine_writes += engine->stats().writes;
    }
  }
  for (NodeId id : submitters_) {
    s.units_submitted += static_cast<Submitter*>(world.host(id).program())->submitted();
  }
  s.processes_checked = checker_->processes_checked();
  s.fencing_checks = fencing_checks_;
  return s;
}

}  // namespace keel::sim
