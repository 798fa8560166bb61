#include "core/fleet/placement.h"

#include <algorithm>
#include <array>
#include <limits>
#include <set>
#include <string_view>

#include "core/env/assert.h"
#include "core/env/str.h"
#include "core/fleet/limits.h"

namespace keel::fleet {
namespace {

constexpr std::uint32_t kNoMachine = std::numeric_limits<std::uint32_t>::max();
constexpr std::uint32_t kCyclic = std::numeric_limits<std::uint32_t>::max();

// The rules in the order a machine is checked against them; the first that fails is counted.
enum class Rule { kMachineId, kMetadata, kMachineOf, kConflicts, kReplaces, kMemory, kCpu, kNone };
constexpr std::array<std::string_view, 7> kRuleNames = {
    "MachineID", "MachineMetadata", "MachineOf", "Conflicts", "Replaces", "memory", "CPU"};

std::string_view rule_name(Rule rule) { return kRuleNames[static_cast<std::size_t>(rule)]; }

bool any_matches(const std::vector<Glob>& globs, std::string_view name) {
  return std::any_of(globs.begin(), globs.end(), [&](const Glob& g) { return g.matches(name); });
}

// The larger of the memory and CPU shares in millionths; a resource with no capacity counts as
// full once anything is reserved of it.
std::uint64_t load_ppm(const Resources& used, const Resources& capacity) {
  const auto share = [](std::uint64_t part, std::uint64_t whole) -> std::uint64_t {
    if (part == 0) return 0;
    if (whole == 0) return 1'000'000;
    return static_cast<std::uint64_t>(static_cast<unsigned __int128>(part) * 1'000'000 / whole);
  };
  return std::max(share(used.memory_bytes, capacity.memory_bytes),
                  share(used.cpu_percent, capacity.cpu_percent));
}

struct LoadKey {
  std::uint64_t load_ppm;
  std::uint32_t units;
  std::uint32_t machine;  // machines are indexed in id order, so this breaks ties by id
  auto operator<=>(const LoadKey&) const = default;
};

class Planner {
 public:
  explicit Planner(const Cluster& cluster) : cluster_(cluster) {}

  Result<Plan> run() {
    if (Status valid = index(); !valid) return std::unexpected(valid.error());
    if (Status kept = keep_current(); !kept) return std::unexpected(kept.error());
    place_globals();
    place_queue();
    return finish();
  }

 private:
  struct MachineState {
    Resources used;
    std::vector<std::uint32_t> units;
    std::uint32_t units_with_rules = 0;  // units here with Conflicts or Replaces
  };

  const Cluster& cluster_;
  std::vector<const Machine*> machines_;  // by id
  std::vector<const Unit*> units_;        // by name
  std::map<std::string_view, std::uint32_t> machine_index_, unit_index_;
  std::vector<MachineState> state_;
  std::set<LoadKey> by_load_;
  std::vector<std::uint32_t> home_;                 // a non-global unit's machine, or kNoMachine
  std::vector<std::uint32_t> initial_home_;         // where it was before this plan
  std::vector<std::uint32_t> depth_;                // MachineOf depth, or kCyclic
  std::vector<char> placed_now_;                    // placed by this plan: not displaced again
  std::vector<std::string> reason_;                 // why a unit left its machine
  std::vector<const std::vector<char>*> eligible_;  // by MachineMetadata; null: every machine
  std::map<std::string, std::vector<char>> eligible_cache_;
  std::set<std::pair<std::uint32_t, std::uint32_t>> queue_;  // (depth, unit) to place
  std::vector<Unplaced> unplaced_;
  std::vector<Change> global_changes_;

  bool wants_machine(std::uint32_t u) const {
    return units_[u]->desired != DesiredState::kInactive;
  }
  bool is_global(std::uint32_t u) const { return units_[u]->rules.global; }
  const PlacementRules& rules(std::uint32_t u) const { return units_[u]->rules; }

  Status index() {
    if (cluster_.machines.size() > kMaxMachines) {
      return fail(Errc::kLimitExceeded, str(cluster_.machines.size(),
                                            " machines exceed kMaxMachines (", kMaxMachines, ")"));
    }
    if (cluster_.units.size() > kMaxUnits) {
      return fail(Errc::kLimitExceeded,
                  str(cluster_.units.size(), " units exceed kMaxUnits (", kMaxUnits, ")"));
    }
    for (const Machine& m : cluster_.machines) machines_.push_back(&m);
    std::sort(machines_.begin(), machines_.end(),
              [](const Machine* a, const Machine* b) { return a->id < b->id; });
    for (std::uint32_t i = 0; i < machines_.size(); ++i) {
      const Machine& m = *machines_[i];
      if (m.id.empty()) return fail(Errc::kInvalidArgument, "a machine has an empty id");
      if (m.metadata.size() > kMaxMachineMetadata) {
        return fail(Errc::kLimitExceeded,
                    str("machine ", m.id, " has more than kMaxMachineMetadata (",
                        kMaxMachineMetadata, ") metadata pairs"));
      }
      if (!machine_index_.emplace(m.id, i).second) {
        return fail(Errc::kInvalidArgument, str("machine id ", m.id, " is given twice"));
      }
    }
    for (const Unit& u : cluster_.units) units_.push_back(&u);
    std::sort(units_.begin(), units_.end(),
              [](const Unit* a, const Unit* b) { return a->name < b->name; });
    for (std::uint32_t i = 0; i < units_.size(); ++i) {
      auto name = parse_unit_name(units_[i]->name);
      if (!name) return std::unexpected(name.error());
      if (name->is_template) {
        return fail(Errc::kInvalidArgument,
                    str("unit ", units_[i]->name, " is a template; place its instances"));
      }
      if (!unit_index_.emplace(units_[i]->name, i).second) {
        return fail(Errc::kInvalidArgument, str("unit ", units_[i]->name, " is given twice"));
      }
    }
    state_.resize(machines_.size());
    for (std::uint32_t m = 0; m < machines_.size(); ++m) by_load_.insert({0, 0, m});
    home_.assign(units_.size(), kNoMachine);
    initial_home_.assign(units_.size(), kNoMachine);
    placed_now_.assign(units_.size(), 0);
    reason_.assign(units_.size(), "");
    eligible_.assign(units_.size(), nullptr);
    for (std::uint32_t u = 0; u < units_.size(); ++u) eligible_[u] = eligible_machines(u);
    compute_depths();
    return {};
  }

  // Machines that satisfy the unit's MachineMetadata, shared by units with the same requirement.
  const std::vector<char>* eligible_machines(std::uint32_t u) {
    const auto& wanted = rules(u).machine_metadata;
    if (wanted.empty()) return nullptr;
    std::string signature;
    for (const auto& [key, values] : wanted) {
      signature += key;
      for (const std::string& v : values) signature += str('\0', v);
      signature += '\1';
    }
    auto [it, inserted] = eligible_cache_.try_emplace(signature);
    if (!inserted) return &it->second;
    it->second.resize(machines_.size());
    for (std::uint32_t m = 0; m < machines_.size(); ++m) {
      it->second[m] = std::all_of(wanted.begin(), wanted.end(), [&](const auto& requirement) {
        const auto found = machines_[m]->metadata.find(requirement.first);
        return found != machines_[m]->metadata.end() &&
               std::find(requirement.second.begin(), requirement.second.end(), found->second) !=
                   requirement.second.end();
      });
    }
    return &it->second;
  }

  // The length of each unit's MachineOf chain, so peers are placed before the units that follow
  // them; units on a cycle get kCyclic. Iterative, so a long chain cannot exhaust the stack.
  void compute_depths() {
    constexpr std::uint32_t kUnknown = kCyclic - 1, kVisiting = kCyclic - 2;
    depth_.assign(units_.size(), kUnknown);
    for (std::uint32_t start = 0; start < units_.size(); ++start) {
      std::vector<std::uint32_t> stack = {start};
      while (!stack.empty()) {
        const std::uint32_t u = stack.back();
        if (depth_[u] != kUnknown && depth_[u] != kVisiting) {
          stack.pop_back();
          continue;
        }
        depth_[u] = kVisiting;
        std::uint32_t depth = 0;
        std::vector<std::uint32_t> pending;
        for (const std::string& peer : rules(u).machine_of) {
          const auto found = unit_index_.find(peer);
          if (found == unit_index_.end()) continue;
          const std::uint32_t p = found->second;
          if (depth_[p] == kUnknown) {
            pending.push_back(p);
          } else if (depth_[p] == kVisiting || depth_[p] == kCyclic) {
            depth = kCyclic;
          } else if (depth != kCyclic) {
            depth = std::max(depth, depth_[p] + 1);
          }
        }
        if (depth != kCyclic && !pending.empty()) {
          stack.insert(stack.end(), pending.begin(), pending.end());
          continue;  // u is revisited once its peers are known
        }
        depth_[u] = depth;
        stack.pop_back();
      }
    }
  }

  // --- machine state ---

  void add(std::uint32_t u, std::uint32_t m) {
    MachineState& s = state_[m];
    by_load_.erase(
        {load_ppm(s.used, machines_[m]->capacity), static_cast<std::uint32_t>(s.units.size()), m});
    s.used.memory_bytes += rules(u).reserved.memory_bytes;
    s.used.cpu_percent += rules(u).reserved.cpu_percent;
    s.units.push_back(u);
    if (!rules(u).conflicts.empty() || !rules(u).replaces.empty()) ++s.units_with_rules;
    by_load_.insert(
        {load_ppm(s.used, machines_[m]->capacity), static_cast<std::uint32_t>(s.units.size()), m});
    if (!is_global(u)) home_[u] = m;
  }

  void remove(std::uint32_t u, std::uint32_t m) {
    MachineState& s = state_[m];
    by_load_.erase(
        {load_ppm(s.used, machines_[m]->capacity), static_cast<std::uint32_t>(s.units.size()), m});
    const auto found = std::find(s.units.begin(), s.units.end(), u);
    KEEL_ASSERT(found != s.units.end(), "unit ", units_[u]->name, " is not on ", machines_[m]->id);
    s.units.erase(found);
    s.used.memory_bytes -= rules(u).reserved.memory_bytes;
    s.used.cpu_percent -= rules(u).reserved.cpu_percent;
    if (!rules(u).conflicts.empty() || !rules(u).replaces.empty()) --s.units_with_rules;
    by_load_.insert(
        {load_ppm(s.used, machines_[m]->capacity), static_cast<std::uint32_t>(s.units.size()), m});
    if (!is_global(u)) home_[u] = kNoMachine;
  }

  bool on_machine(std::uint32_t u, std::uint32_t m) const {
    if (!is_global(u)) return home_[u] == m;
    const auto& here = state_[m].units;
    return std::find(here.begin(), here.end(), u) != here.end();
  }

  // A unit another may replace: one kept from before this plan, not a global one.
  bool displaceable(std::uint32_t v) const { return !is_global(v) && !placed_now_[v]; }

  // The first rule unit u breaks on machine m. Units u would replace there go to `displaced`.
  Rule check(std::uint32_t u, std::uint32_t m, std::vector<std::uint32_t>& displaced) const {
    displaced.clear();
    const PlacementRules& r = rules(u);
    if (!r.machine_id.empty() && machines_[m]->id != r.machine_id) return Rule::kMachineId;
    if (eligible_[u] != nullptr && !(*eligible_[u])[m]) return Rule::kMetadata;
    for (const std::string& peer : r.machine_of) {
      const auto found = unit_index_.find(peer);
      if (found == unit_index_.end() || !on_machine(found->second, m)) return Rule::kMachineOf;
    }
    const MachineState& s = state_[m];
    const std::string& name = units_[u]->name;
    if (!r.conflicts.empty() || !r.replaces.empty() || s.units_with_rules > 0) {
      for (const std::uint32_t v : s.units) {
        if (v == u) continue;
        const PlacementRules& other = rules(v);
        const std::string& other_name = units_[v]->name;
        if (any_matches(r.conflicts, other_name) || any_matches(other.conflicts, name)) {
          return Rule::kConflicts;
        }
        const bool replaces_other = any_matches(r.replaces, other_name);
        if (any_matches(other.replaces, name)) return Rule::kReplaces;
        if (replaces_other) {
          if (!displaceable(v)) return Rule::kReplaces;
          displaced.push_back(v);
        }
      }
    }
    Resources freed;
    for (const std::uint32_t v : displaced) {
      freed.memory_bytes += rules(v).reserved.memory_bytes;
      freed.cpu_percent += rules(v).reserved.cpu_percent;
    }
    const Resources& cap = machines_[m]->capacity;
    if (r.reserved.memory_bytes > 0 &&
        s.used.memory_bytes - freed.memory_bytes + r.reserved.memory_bytes > cap.memory_bytes) {
      return Rule::kMemory;
    }
    if (r.reserved.cpu_percent > 0 &&
        s.used.cpu_percent - freed.cpu_percent + r.reserved.cpu_percent > cap.cpu_percent) {
      return Rule::kCpu;
    }
    return Rule::kNone;
  }

  // Puts u on m, moving away the units it replaces there and, after them, the units whose
  // MachineOf needs those.
  void admit(std::uint32_t u, std::uint32_t m, const std::vector<std::uint32_t>& displaced) {
    for (const std::uint32_t v : displaced) {
      evict(v, m, str("replaced by ", units_[u]->name, " on ", machines_[m]->id));
    }
    add(u, m);
  }

  void evict(std::uint32_t v, std::uint32_t m, std::string reason) {
    if (home_[v] != m) return;  // already moved away by an earlier eviction
    remove(v, m);
    reason_[v] = std::move(reason);
    queue_.insert({depth_[v], v});
    const std::vector<std::uint32_t> here = state_[m].units;
    for (const std::uint32_t w : here) {
      const auto& peers = rules(w).machine_of;
      if (!is_global(w) && std::find(peers.begin(), peers.end(), units_[v]->name) != peers.end()) {
        evict(w, m, str("MachineOf peer ", units_[v]->name, " left ", machines_[m]->id));
      }
    }
  }

  // --- phases ---

  // Keeps every current placement that still satisfies the rules; the rest is queued.
  Status keep_current() {
    std::vector<std::pair<std::uint32_t, std::uint32_t>> globals, others;  // (unit, machine)
    for (const auto& [name, machines] : cluster_.current) {
      const auto unit = unit_index_.find(name);
      if (unit == unit_index_.end() || !wants_machine(unit->second)) continue;  // diffed in finish
      const std::uint32_t u = unit->second;
      if (!is_global(u) && machines.size() > 1) {
        return fail(Errc::kInvalidArgument, str("unit ", name, " is not global but is placed on ",
                                                machines.size(), " machines"));
      }
      for (const std::string& machine : machines) {
        const auto found = machine_index_.find(machine);
        const std::uint32_t m = found == machine_index_.end() ? kNoMachine : found->second;
        if (!is_global(u)) initial_home_[u] = m;
        if (m == kNoMachine) {
          if (!is_global(u)) reason_[u] = str("machine ", machine, " is gone");
          continue;
        }
        (is_global(u) ? globals : others).emplace_back(u, m);
      }
    }
    std::sort(others.begin(), others.end(), [&](const auto& a, const auto& b) {
      return std::pair(depth_[a.first], a.first) < std::pair(depth_[b.first], b.first);
    });
    std::vector<std::uint32_t> displaced;
    for (const auto* list : {&globals, &others}) {
      for (const auto& [u, m] : *list) {
        const Rule broken = depth_[u] == kCyclic ? Rule::kMachineOf : check(u, m, displaced);
        if (broken == Rule::kNone) {
          admit(u, m, displaced);
        } else if (!is_global(u)) {
          reason_[u] = str(rule_name(broken), " no longer holds on ", machines_[m]->id);
        }
      }
    }
    for (std::uint32_t u = 0; u < units_.size(); ++u) {
      if (!is_global(u) && wants_machine(u) && home_[u] == kNoMachine)
        queue_.insert({depth_[u], u});
    }
    return {};
  }

  // Every global unit on every machine matching its metadata, where it fits.
  void place_globals() {
    std::vector<std::uint32_t> displaced;
    for (std::uint32_t u = 0; u < units_.size(); ++u) {
      if (!is_global(u) || !wants_machine(u)) continue;
      for (std::uint32_t m = 0; m < machines_.size(); ++m) {
        if (on_machine(u, m)) continue;
        const Rule broken = check(u, m, displaced);
        KEEL_ASSERT(displaced.empty(), "global unit ", units_[u]->name, " replaces nothing");
        if (broken == Rule::kNone) {
          add(u, m);
        } else if (broken != Rule::kMetadata) {
          unplaced_.push_back({units_[u]->name, machines_[m]->id,
                               str(rule_name(broken), " fails on ", machines_[m]->id)});
        }
      }
    }
  }

  void place_queue() {
    std::vector<std::uint32_t> displaced;
    while (!queue_.empty()) {
      const std::uint32_t u = queue_.begin()->second;
      queue_.erase(queue_.begin());
      if (home_[u] != kNoMachine) continue;
      placed_now_[u] = 1;
      std::string why;
      const std::uint32_t m = choose(u, displaced, why);
      if (m == kNoMachine) {
        unplaced_.push_back({units_[u]->name, "", why});
        reason_[u] = reason_[u].empty() ? why : str(reason_[u], "; then ", why);
        continue;
      }
      admit(u, m, displaced);
    }
  }

  // The machine for u, or kNoMachine with `why` saying which rule failed on how many machines.
  std::uint32_t choose(std::uint32_t u, std::vector<std::uint32_t>& displaced, std::string& why) {
    const PlacementRules& r = rules(u);
    if (depth_[u] == kCyclic) {
      why = "MachineOf peers form a cycle";
      return kNoMachine;
    }
    // Candidates: the one machine a MachineID or a non-global MachineOf peer allows, or all.
    std::uint32_t only = kNoMachine;
    if (!r.machine_id.empty()) {
      const auto found = machine_index_.find(r.machine_id);
      if (found == machine_index_.end()) {
        why = str("MachineID ", r.machine_id, " names no machine");
        return kNoMachine;
      }
      only = found->second;
    }
    for (const std::string& peer : r.machine_of) {
      const auto found = unit_index_.find(peer);
      if (found == unit_index_.end()) {
        why = str("MachineOf peer ", peer, " is not a known unit");
        return kNoMachine;
      }
      if (is_global(found->second)) continue;
      if (home_[found->second] == kNoMachine) {
        why = str("MachineOf peer ", peer, " is not placed");
        return kNoMachine;
      }
      only = home_[found->second];
      break;
    }
    if (only != kNoMachine) {
      const Rule broken = check(u, only, displaced);
      if (broken == Rule::kNone) return only;
      why = str(rule_name(broken), " fails on the only candidate, ", machines_[only]->id);
      return kNoMachine;
    }
    for (const LoadKey& key : by_load_) {
      if (eligible_[u] != nullptr && !(*eligible_[u])[key.machine]) continue;
      if (check(u, key.machine, displaced) == Rule::kNone) return key.machine;
    }
    why = failure_summary(u);
    return kNoMachine;
  }

  std::string failure_summary(std::uint32_t u) const {
    std::array<std::size_t, kRuleNames.size()> counts{};
    std::vector<std::uint32_t> displaced;
    for (std::uint32_t m = 0; m < machines_.size(); ++m) {
      const Rule broken = check(u, m, displaced);
      KEEL_ASSERT(broken != Rule::kNone, units_[u]->name, " fits ", machines_[m]->id,
                  " after no machine fit");
      ++counts[static_cast<std::size_t>(broken)];
    }
    std::string why = str("no machine fits (of ", machines_.size(), ")");
    const char* separator = ": ";
    for (std::size_t rule = 0; rule < counts.size(); ++rule) {
      if (counts[rule] == 0) continue;
      why += str(separator, kRuleNames[rule], " fails on ", counts[rule]);
      separator = ", ";
    }
    return why;
  }

  // The plan: the final placement, diffed against the current one.
  Plan finish() {
    Plan plan;
    std::vector<Change> unplaces, moves, places;
    for (std::uint32_t m = 0; m < machines_.size(); ++m) {
      for (const std::uint32_t u : state_[m].units) {
        plan.placement[units_[u]->name].push_back(machines_[m]->id);
      }
    }
    for (const auto& [name, machines] : cluster_.current) {
      const auto unit = unit_index_.find(name);
      const bool known = unit != unit_index_.end();
      if (known && !is_global(unit->second)) continue;  // diffed below
      const std::vector<std::string> none;
      const auto now = plan.placement.find(name);
      const auto& after = now == plan.placement.end() ? none : now->second;
      for (const std::string& machine : machines) {
        if (std::find(after.begin(), after.end(), machine) != after.end()) continue;
        std::string reason = !known                         ? "unit is gone"
                             : !wants_machine(unit->second) ? "desired state is inactive"
                             : !machine_index_.contains(machine)
                                 ? str("machine ", machine, " is gone")
                                 : str("a rule no longer holds on ", machine);
        unplaces.push_back({Change::Kind::kUnplace, name, machine, "", std::move(reason)});
      }
    }
    for (std::uint32_t u = 0; u < units_.size(); ++u) {
      const std::string& name = units_[u]->name;
      if (is_global(u)) {
        const auto before = cluster_.current.find(name);
        for (const std::string& machine : plan.placement[name]) {
          if (before == cluster_.current.end() ||
              std::find(before->second.begin(), before->second.end(), machine) ==
                  before->second.end()) {
            places.push_back({Change::Kind::kPlace, name, "", machine, ""});
          }
        }
        continue;
      }
      const auto before = cluster_.current.find(name);
      const bool was_placed = before != cluster_.current.end() && !before->second.empty();
      const std::string from = was_placed ? before->second.front() : "";
      const std::string to = home_[u] == kNoMachine ? "" : machines_[home_[u]]->id;
      if (from == to) continue;
      if (from.empty()) {
        places.push_back({Change::Kind::kPlace, name, "", to, ""});
      } else if (to.empty()) {
        unplaces.push_back({Change::Kind::kUnplace, name, from, "",
                            wants_machine(u) ? reason_[u] : "desired state is inactive"});
      } else {
        moves.push_back({Change::Kind::kMove, name, from, to, reason_[u]});
      }
    }
    for (auto* list : {&unplaces, &moves, &places}) {
      plan.changes.insert(plan.changes.end(), list->begin(), list->end());
    }
    for (auto& [name, machines] : plan.placement) std::sort(machines.begin(), machines.end());
    std::erase_if(plan.placement, [](const auto& entry) { return entry.second.empty(); });
    std::sort(unplaced_.begin(), unplaced_.end(), [](const Unplaced& a, const Unplaced& b) {
      return std::tie(a.unit, a.machine) < std::tie(b.unit, b.machine);
    });
    plan.unplaced = std::move(unplaced_);
    return plan;
  }
};

}  // namespace

PlacementRules placement_rules(const UnitFile& unit) {
  const FleetSettings& f = unit.fleet;
  return {f.machine_id,
          f.machine_of,
          f.machine_metadata,
          f.conflicts,
          f.replaces,
          f.global,
          {unit.service.memory_max.value_or(0), unit.service.cpu_quota_percent.value_or(0)}};
}

Result<Plan> plan_placement(const Cluster& cluster) { return Planner(cluster).run(); }

}  // namespace keel::fleet
