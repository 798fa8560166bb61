#include "sim/scenario/kv_scenario_run.h"

#include <memory>
#include <optional>

#include "core/env/str.h"
#include "sim/checkers/linearizability.h"
#include "sim/checkers/watch_checker.h"
#include "sim/fleet/fleet_harness.h"
#include "sim/kv_cluster.h"
#include "sim/nemesis/nemesis.h"
#include "sim/workload/kv_workload.h"
#include "sim/workload/watch_workload.h"

namespace keel::sim {
namespace {

constexpr Duration kPoll = std::chrono::milliseconds(10);

KvWorkloadOptions kv_options(const KvWorkloadSpec& spec, std::uint64_t cluster) {
  KvWorkloadOptions o;
  o.clients = spec.clients;
  o.rate_per_second = spec.rate_per_second;
  o.keys = spec.keys;
  o.get = spec.get;
  o.put = spec.put;
  o.cas = spec.cas;
  o.del = spec.del;
  o.timeout = spec.timeout;
  o.serializable_reads = spec.serializable_reads;
  o.attempt_timeout = std::min<Duration>(o.attempt_timeout, spec.timeout);
  o.cluster = cluster;
  return o;
}

// Runs the world until `done` holds or `bound` passes; false on the bound.
template <class Done>
bool run_until(World& world, Duration bound, Done done) {
  const Time deadline = world.now() + bound;
  while (!done()) {
    if (world.now() >= deadline) return false;
    world.run_for(kPoll);
  }
  return true;
}

}  // namespace

RaftRunResult run_kv_scenario(const Scenario& scenario, const RaftRunOptions& requested,
                              std::uint64_t seed, KvRunDetails* details) {
  const RaftRunOptions options = options_for_seed(requested, seed);
  KvClusterOptions kv_cluster;
  kv_cluster.cluster = cluster_options(options, details != nullptr);
  std::unique_ptr<FleetHarness> fleet;
  if (FleetHarness::wanted(scenario)) fleet = std::make_unique<FleetHarness>(scenario, kv_cluster);
  KvCluster kv(seed, kv_cluster);
  if (fleet) fleet->attach(kv);
  World& world = kv.world();
  Cluster& cluster = kv.cluster();
  const auto members = [&cluster] { return cluster.members(); };
  const std::uint64_t cluster_id = cluster.options().node.cluster;

  std::unique_ptr<KvWorkload> clients;
  if (scenario.kv) {
    clients = std::make_unique<KvWorkload>(world, members, kv_options(*scenario.kv, cluster_id));
  }
  std::unique_ptr<WatchWorkload> watchers;
  if (scenario.watch) {
    WatchWorkloadOptions o;
    o.clients = scenario.watch->clients;
    o.prefix = scenario.watch->prefix;
    o.cluster = cluster_id;
    watchers = std::make_unique<WatchWorkload>(world, members, o);
  }

  Nemesis nemesis(cluster, scenario.faults);
  const Time start = world.now();
  nemesis.schedule(start, start + options.duration);
  if (clients) clients->start();
  if (watchers) watchers->start();
  world.run_for(options.duration);
  if (clients) clients->stop();
  nemesis.heal_all();
  const Time healed = world.now();

  RaftRunResult result;
  // Liveness: a leader, then a fresh write applied everywhere, within the settle bound.
  const bool led = run_until(world, options.settle, [&] { return cluster.leader() != kNoNode; });
  if (led) result.leader_after_heal = world.now() - healed;
  std::optional<KvOp> probe;
  if (led) {
    const Duration left = options.settle - (world.now() - healed);
    result.live = kv.converge(std::max(left, Duration(0)), &probe.emplace());
  } else {
    result.live = false;
  }
  result.converged_in = world.now() - healed;
  // The last operations end within their timeout; watchers catch up with the last revision.
  if (clients) {
    run_until(world, scenario.kv->timeout + kPoll, [&] { return clients->idle(); });
  }
  if (result.live && watchers) {
    const kv::Revision last = probe->revision;
    if (!run_until(world, options.settle, [&] { return watchers->caught_up_to() >= last; })) {
      result.live = false;
      result.violation = str("liveness: watchers did not reach revision ", last, " within ",
                             std::chrono::duration<double>(options.settle).count(),
                             "s of healing (they reached ", watchers->caught_up_to(), ")");
    }
  }

  // Fleet: the units run where they may, and every catalog agrees, within their bounds of healing.
  if (result.live && fleet) {
    auto left = [&](std::optional<Duration> bound) {
      return std::max(Duration(0), bound.value_or(options.settle) - (world.now() - healed));
    };
    auto why = fleet->wait_for_units(left(scenario.expect.units_within));
    if (!why) why = fleet->wait_for_catalog(left(scenario.expect.catalog_within));
    if (why) {
      result.live = false;
      result.violation = "liveness: " + *why;
    }
  }

  KvHistory history = clients ? clients->history() : KvHistory{};
  if (probe) {  // the harness's own write is part of the history the checkers see
    probe->id = clients ? clients->stats().invoked + 1 : 1;
    history.push_back(*probe);
  }
  if (result.live) kv.check_history();
  result.safe = kv.ok();
  if (!result.safe) result.violation = kv.first_violation();
  if (result.safe && fleet && !fleet->checker().ok()) {
    const Violation& first = fleet->checker().violations().front();
    result.safe = false;
    result.violation = str(first.check, ": ", first.detail);
  }

  if (result.safe && clients && scenario.expect.linearizable.value_or(true)) {
    auto checked = check_linearizable(history, LinearizabilityOptions{});
    if (!checked) {
      result.safe = false;
      result.violation =
          str("linearizability: the history is malformed: ", checked.error().message);
    } else if (checked->verdict == LinearizabilityResult::Verdict::kViolation) {
      result.safe = false;
      result.violation = describe(*checked);
      if (details) {
        for (const KvOp& op : checked->failing_ops) details->failing_ops.push_back(op.id);
      }
    } else if (checked->verdict == LinearizabilityResult::Verdict::kUnknown && result.live) {
      result.live = false;  // undecided is never a pass (counted with the liveness failures)
      result.violation = str("linearizability undecided: ", describe(*checked));
    }
    result.operations_checked = checked ? checked->operations_checked : 0;
  }
  if (result.safe && watchers && scenario.expect.watches.value_or(true)) {
    auto reference = kv.reference_events();
    if (reference) {
      WatchCheckInput input;
      input.watchers = watchers->logs();
      input.first_revision = reference->first;
      input.reference = reference->second;
      input.history = history;
      if (fleet)
        input.written_by_others = {std::string(fleet::kFleetPrefix),
                                   std::string(fleet::kServicesPrefix)};
      auto checked = check_watches(input);
      if (!checked) {
        result.safe = false;
        result.violation = str("watches: malformed input: ", checked.error().message);
      } else if (!checked->ok) {
        result.safe = false;
        result.violation = str("watches: ", checked->total_violations,
                               " violation(s); first: ", describe(checked->violations.front()));
      }
      if (checked) result.watch_events_checked = checked->events_checked;
    }
  }
  if (result.safe && !result.live && result.violation.empty()) {
    result.violation = led ? kv.first_violation()
                           : "liveness: no leader within the settle bound after healing; members:" +
                                 cluster.describe_members();
  }

  result.trace_hash = world.trace().hash();
  result.events = world.events_run();
  result.elections = cluster.checker().elections();
  result.snapshots_installed = cluster.checker().snapshots_installed();
  result.failovers = cluster.failovers();
  if (fleet) result.recoveries = fleet->recoveries();
  if (clients) {
    const KvWorkloadStats& stats = clients->stats();
    result.clients.proposed = stats.invoked;
    result.clients.acknowledged = stats.ok;
    result.clients.refused = stats.failed;
    result.clients.unknown = stats.unknown;
  }
  result.simulated = world.now() - start;
  if (!options.trace_path.empty()) write_trace(world.trace(), options.trace_path, result);
  if (details) {
    details->history = std::move(history);
    details->records = world.trace().records();
  }
  return result;
}

}  // namespace keel::sim
