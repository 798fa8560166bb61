#include "core/fleet/agent.h"

#include "core/env/assert.h"
#include "core/env/str.h"
#include "core/fleet/container_spec.h"

namespace keel::fleet {

static_assert(2 * kMaxUnitsPerMachine <= kMaxLeasedKeys,
              "LeasedKeys must hold a state and an announcement for every unit");

struct Agent::Unit {
  std::string name;
  std::optional<Assignment> assignment;  // nullopt: no longer assigned here
  kv::Revision assigned_at = 0;          // the assignment's mod revision, as the mirror shows it
  std::optional<UnitFile> file;          // nullopt: the assignment could not be read
  std::optional<ContainerSpec> spec;
  std::string error;  // why the assignment cannot run, when file is nullopt
  std::optional<RestartBackoff> backoff;
  ContainerId container = 0;  // 0: none
  std::string running_text;   // the unit file the container was started from
  bool stopping = false;      // the agent asked the container to stop
  Duration stop_grace{};      // the grace of that request
  bool done = false;          // ended and Restart= said no: start again only on a new assignment
  TimerId restart_timer = 0;
  bool starting = false;          // a guarded "activating" write is pending; then the container
  bool start_is_restart = false;  // by Restart=
  Time start_requested{};         // when the guarded write was asked for
  kv::Revision refused_at = 0;    // a guarded write on this revision was refused
  std::uint32_t restarts = 0;     // by Restart= since the unit was assigned
  UnitState state;
  bool reported = false;
  std::unique_ptr<discovery::Announcer> announcer;
};

namespace {

std::string describe_end(const ContainerEvent& event) {
  if (event.kind == ContainerEvent::Kind::kFailedToStart)
    return str("failed to start: ", event.reason);
  if (event.oom_killed) return "killed for exceeding MemoryMax=";
  if (event.signal != 0) return str("killed by signal ", event.signal);
  return str("exited with code ", event.exit_code);
}

// What an assignment's value asks to run, or why it cannot run (then `error` says why and the
// unit is held as loaded).
struct Readout {
  Assignment assignment;
  std::optional<UnitFile> file;
  std::optional<ContainerSpec> spec;
  std::string error;
};

Readout read_assignment(const std::string& unit, const std::string& value) {
  Readout out;
  auto assignment = decode_assignment(value);
  if (!assignment) {
    out.assignment = Assignment{DesiredState::kLoaded, value};
    out.error = assignment.error().message;
    return out;
  }
  out.assignment = std::move(*assignment);
  auto file = parse_unit_file(unit, out.assignment.unit_file);
  if (!file) {
    out.error = file.error().message;
    return out;
  }
  auto spec = container_spec(*file);
  if (!spec) {
    out.error = spec.error().message;
    return out;
  }
  out.file = std::move(*file);
  out.spec = std::move(*spec);
  return out;
}

}  // namespace

Agent::Agent(Env& env, client::StoreClient& store, discovery::HealthProber& prober,
             AgentOptions options)
    : env_(env),
      store_(store),
      options_(std::move(options)),
      prober_(prober),
      keys_(env, store, options_.write_retry),
      presence_(env, store, options_.presence,
                PresenceListener{
                    .on_registered =
                        [this](kv::LeaseId lease) {
                          keys_.attach(lease);
                          follow_assignments();
                        },
                    .on_lost =
                        [this] {
                          keys_.detach();
                          assignments_.reset();
                          reconcile_all();
                        },
                    .on_fenced =
                        [this] {
                          assignments_.reset();
                          reconcile_all();
                        },
                    .on_unfenced =
                        [this] {
                          if (!assignments_) follow_assignments();
                          reconcile_all();
                        },
                }) {
  env_.containers.set_event_handler(
      [this](const ContainerEvent& event) { on_container_event(event); });
}

Agent::~Agent() {
  keys_.detach();  // a crash writes nothing more
  env_.containers.set_event_handler(nullptr);
  for (const auto& [name, unit] : units_) env_.clock.cancel(unit->restart_timer);
}

std::optional<UnitState> Agent::state_of(const std::string& unit) const {
  auto it = units_.find(unit);
  if (it == units_.end()) return std::nullopt;
  return it->second->state;
}

void Agent::follow_assignments() {
  assignments_.reset();
  confirmed_.clear();
  first_sync_done_ = false;
  assignments_ = std::make_unique<client::Mirror>(
      env_, store_, assign_prefix(options_.presence.machine.id),
      client::MirrorListener{
          .on_change =
              [this](const std::string& key, const std::optional<kv::KeyValue>&,
                     const std::optional<kv::KeyValue>& current) {
                if (!first_sync_done_) confirmed_.insert(key);
                assignment_changed(key, current);
              },
          .on_synced = [this] { assignments_synced(); },
      });
}

// The new mirror's first copy is complete: a unit it did not report is no longer assigned here.
void Agent::assignments_synced() {
  if (!first_sync_done_) {
    first_sync_done_ = true;
    std::vector<std::string> gone;
    const std::string prefix = assign_prefix(options_.presence.machine.id);
    for (const auto& [name, unit] : units_) {
      if (unit->assignment && !confirmed_.contains(prefix + name)) gone.push_back(prefix + name);
    }
    confirmed_.clear();
    for (const std::string& key : gone) assignment_changed(key, std::nullopt);
  }
  reconcile_all();
}

void Agent::assignment_changed(const std::string& key, const std::optional<kv::KeyValue>& current) {
  auto name = key_suffix(key, assign_prefix(options_.presence.machine.id));
  if (!name) {
    ++stats_.bad_assignments;
    return;
  }
  auto it = units_.find(*name);
  if (it == units_.end()) {
    if (!current) return;
    if (units_.size() >= kMaxUnitsPerMachine) {
      ++stats_.refused_assignments;
      env_.emit("agent", "refused_assignment",
                {{"unit", *name}, {"limit", static_cast<std::uint64_t>(kMaxUnitsPerMachine)}});
      return;
    }
    auto unit = std::make_unique<Unit>();
    unit->name = *name;
    it = units_.emplace(*name, std::move(unit)).first;
  }
  Unit& unit = *it->second;
  if (!current) {
    unit.done = false;
    unit.assignment.reset();
    reconcile(*name);
    return;
  }
  unit.assigned_at = current->mod_revision;
  Readout readout = read_assignment(*name, kv::to_string(current->value));
  if (unit.assignment == readout.assignment) {
    // A new mirror's copy of the same, or the same rewritten: only a refused start, waiting
    // for a new revision, has something to do.
    if (unit.refused_at != 0) reconcile(*name);
    return;
  }
  unit.done = false;
  unit.assignment = std::move(readout.assignment);
  unit.spec = std::move(readout.spec);
  unit.error = std::move(readout.error);
  unit.file = std::move(readout.file);
  if (unit.file) {
    unit.backoff.emplace(unit.file->service.restart, unit.file->service.restart_sec,
                         options_.restart_backoff_cap, options_.stable_run);
  } else {
    ++stats_.bad_assignments;
    env_.emit("agent", "bad_assignment", {{"unit", *name}, {"error", unit.error}});
  }
  reconcile(*name);
}

bool Agent::may_run(const Unit& unit) const {
  return !presence_.fenced() && presence_.lease() != 0 && assignments_ && assignments_->synced() &&
         unit.assignment && unit.assignment->desired == DesiredState::kLaunched && unit.spec &&
         !unit.done;
}

// A refused guarded write means the store's assignment is not the one held: wait for the mirror.
bool Agent::may_start(const Unit& unit) const {
  return may_run(unit) && unit.container == 0 && unit.restart_timer == 0 && !unit.starting &&
         unit.assigned_at != unit.refused_at;
}

void Agent::reconcile_all() {
  std::vector<std::string> names;
  for (const auto& [name, unit] : units_) names.push_back(name);
  for (const std::string& name : names) reconcile(name);
}

void Agent::reconcile(const std::string& name) {
  auto it = units_.find(name);
  if (it == units_.end()) return;
  Unit& unit = *it->second;
  if (may_run(unit)) {
    if (may_start(unit)) {
      request_start(unit, false);
    } else if (unit.container != 0 && !unit.stopping &&
               unit.running_text != unit.assignment->unit_file) {
      stop(unit, unit.stop_grace);  // a new unit file: started again once this one ended
    }
    return;
  }
  env_.clock.cancel(unit.restart_timer);
  unit.restart_timer = 0;
  const bool fenced = presence_.fenced() || presence_.lease() == 0;
  const Duration grace = fenced ? options_.presence.fence_kill_grace : unit.stop_grace;
  if (unit.container != 0) {
    if (!unit.stopping || grace < unit.stop_grace) stop(unit, grace);
    return;
  }
  if (!unit.assignment) {
    keys_.erase(state_key(options_.presence.machine.id, name));
    units_.erase(it);
    return;
  }
  if (!unit.error.empty()) {
    report(unit, UnitState{ActiveState::kFailed, 0, unit.restarts, unit.error});
  } else if (unit.state.state == ActiveState::kActivating || !unit.reported) {
    report(unit, UnitState{ActiveState::kInactive, unit.state.exit_code, unit.restarts,
                           fenced ? "fenced: the machine's lease is not renewed" : ""});
  }
}

// Writes "activating" guarded on the assignment's revision; the container starts on success.
void Agent::request_start(Unit& unit, bool restart) {
  KEEL_ASSERT(may_start(unit), "a start of ", unit.name, " that may not start");
  unit.starting = true;
  unit.start_is_restart = restart;
  unit.start_requested = env_.clock.now();
  unit.state = UnitState{ActiveState::kActivating, unit.state.exit_code,
                         unit.restarts + (restart ? 1 : 0), ""};
  unit.reported = true;
  const std::string& machine = options_.presence.machine.id;
  const kv::Revision guarded_at = unit.assigned_at;
  keys_.set_guarded(state_key(machine, unit.name), encode(unit.state),
                    WriteGuard{assign_key(machine, unit.name), guarded_at},
                    [this, name = unit.name, guarded_at](GuardedOutcome outcome) {
                      start_answered(name, guarded_at, outcome);
                    });
}

void Agent::start_answered(const std::string& name, kv::Revision guarded_at,
                           GuardedOutcome outcome) {
  // Erasing the unit or any other report replaced the guarded write (LeasedKeys: no answer).
  auto it = units_.find(name);
  KEEL_ASSERT(it != units_.end() && it->second->starting, "a guarded start of ", name,
              " answered with none pending");
  Unit& unit = *it->second;
  unit.starting = false;
  if (outcome == GuardedOutcome::kRefused) {
    ++stats_.start_refusals;
    unit.refused_at = guarded_at;
    env_.emit("agent", "start_refused", {{"unit", name}, {"revision", guarded_at}});
  } else if (may_run(unit) && unit.container == 0 && unit.assigned_at == guarded_at) {
    if (unit.start_is_restart) {
      ++stats_.restarts;
      ++unit.restarts;
    }
    start(unit);
    return;
  }
  reconcile(name);
}

// Only after the guarded "activating" write landed (request_start).
void Agent::start(Unit& unit) {
  KEEL_ASSERT(unit.container == 0 && unit.spec, "start of ", unit.name,
              " with a container or no spec");
  unit.container = env_.containers.start(*unit.spec);
  containers_.emplace(unit.container, unit.name);
  unit.running_text = unit.assignment->unit_file;
  unit.stop_grace = unit.file->service.timeout_stop_sec;
  unit.stopping = false;
  ++stats_.starts;
  // write_ahead_us: what the guarded state write added to this start.
  const auto write_ahead = std::chrono::duration_cast<std::chrono::microseconds>(
      env_.clock.now() - unit.start_requested);
  env_.emit("agent", "start", {{"unit", unit.name}, {"write_ahead_us", write_ahead.count()}});
}

void Agent::stop(Unit& unit, Duration grace) {
  unit.stopping = true;
  unit.stop_grace = grace;
  unit.announcer.reset();  // withdrawn before the service goes away
  env_.containers.stop(unit.container, grace);
  ++stats_.stops;
  env_.emit("agent", "stop", {{"unit", unit.name}});
  report(unit, UnitState{ActiveState::kDeactivating, unit.state.exit_code, unit.restarts, ""});
}

void Agent::on_container_event(const ContainerEvent& event) {
  auto owner = containers_.find(event.id);
  if (owner == containers_.end()) return;  // not started by this agent
  auto it = units_.find(owner->second);
  KEEL_ASSERT(it != units_.end(), "container ", event.id, " of unit ", owner->second,
              " outlived the unit");
  Unit& unit = *it->second;
  KEEL_ASSERT(unit.container == event.id, "unit ", unit.name, " runs container ", unit.container,
              ", not ", event.id);
  if (event.kind == ContainerEvent::Kind::kStarted) {
    if (unit.stopping) return;
    unit.backoff->started(env_.clock.now());
    report(unit, UnitState{ActiveState::kActive, unit.state.exit_code, unit.restarts, ""});
    if (unit.file->announce) {
      const AnnounceSettings& announce = *unit.file->announce;
      ServiceRecord record{announce.name, unit.name, options_.presence.machine.id,
                           options_.presence.machine.ip, announce.port};
      unit.announcer = std::make_unique<discovery::Announcer>(
          env_, prober_, keys_, record, unit.container, announce, announce_stats_);
    }
    return;
  }
  containers_.erase(owner);
  unit.container = 0;
  unit.announcer.reset();
  if (event.kind == ContainerEvent::Kind::kFailedToStart) ++stats_.start_failures;
  if (unit.stopping) {
    unit.stopping = false;
    report(unit, UnitState{ActiveState::kInactive, event.exit_code, unit.restarts, ""});
    reconcile(unit.name);
    return;
  }
  ended(unit, event);
}

void Agent::ended(Unit& unit, const ContainerEvent& event) {
  const bool clean = clean_exit(event);
  UnitState state{clean ? ActiveState::kInactive : ActiveState::kFailed, event.exit_code,
                  unit.restarts, clean ? "" : describe_end(event)};
  env_.emit("agent", "ended", {{"unit", unit.name}, {"how", describe_end(event)}});
  const std::optional<Duration> wait = unit.backoff->ended(event, env_.clock.now());
  if (!wait) {
    unit.done = true;
    report(unit, state);
    reconcile(unit.name);
    return;
  }
  state.state = ActiveState::kActivating;
  state.reason =
      str("auto-restart in ", std::chrono::duration_cast<std::chrono::milliseconds>(*wait).count(),
          "ms after: ", describe_end(event));
  report(unit, state);
  const std::string name = unit.name;
  unit.restart_timer = env_.clock.after(*wait, [this, name] {
    auto it = units_.find(name);
    KEEL_ASSERT(it != units_.end(), "a restart timer outlived unit ", name);
    Unit& restarting = *it->second;
    restarting.restart_timer = 0;
    if (may_start(restarting)) return request_start(restarting, true);
    reconcile(name);
  });
  reconcile(name);
}

void Agent::report(Unit& unit, UnitState state) {
  if (unit.reported && unit.state == state) return;
  unit.state = std::move(state);
  unit.reported = true;
  unit.starting = false;  // the write below replaces a pending guarded one (leased_keys.h)
  keys_.set(state_key(options_.presence.machine.id, unit.name), encode(unit.state));
}

}  // namespace keel::fleet
