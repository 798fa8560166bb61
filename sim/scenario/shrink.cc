#include "sim/scenario/shrink.h"

#include <algorithm>
#include <map>
#include <optional>

#include "core/env/str.h"
#include "sim/scenario/writer.h"

namespace keel::sim {
namespace {

constexpr Duration kFinest = std::chrono::milliseconds(1);

std::optional<Duration> halved(Duration d) {
  const Duration half = std::chrono::floor<std::chrono::milliseconds>(d / 2);
  if (half < kFinest || half >= d) return std::nullopt;
  return half;
}

// Smaller counts to try, smallest first: the floor, half, one less.
std::vector<int> fewer(int value, int floor) {
  std::vector<int> out;
  for (int candidate : {floor, value / 2, value - 1}) {
    if (candidate >= floor && candidate < value &&
        std::find(out.begin(), out.end(), candidate) == out.end()) {
      out.push_back(candidate);
    }
  }
  return out;
}

std::string text_of(Duration d) { return duration_text(d); }
std::string text_of(int n) { return str(n); }
std::string text_of(double x) { return str(x); }

std::string fault_label(const Scenario& s, std::size_t i) {
  const std::string& where = s.faults[i].where;
  return str("faults[", i, "]", where.empty() ? "" : str(" (", where, ")"));
}

class Shrinker {
 public:
  Shrinker(const Scenario& failing, const CandidateTest& test, Cuts cuts)
      : test_(test), cuts_(cuts) {
    result_.smallest = failing;
  }

  ScenarioShrink run() {
    bool changed = true;
    while (changed && !result_.gave_up) {
      changed = drop_faults();
      for (std::size_t i = 0; i < current().faults.size(); ++i) changed |= simplify_fault(i);
      if (cuts_ == Cuts::kFaultsOnly) continue;
      changed |= reduce<Duration>(
          "duration", [](const Scenario& s) { return s.duration; },
          [](Scenario& s, Duration d) { s.duration = d; }, halves);
      changed |= shrink_workload();
    }
    return std::move(result_);
  }

 private:
  const Scenario& current() const { return result_.smallest; }

  // Asks the test once per distinct candidate; keeps the candidate if it still fails.
  Trial attempt(const Scenario& candidate) {
    if (result_.gave_up) return Trial::kGaveUp;
    const std::string key = to_yaml(candidate);
    auto known = answers_.find(key);
    Trial trial;
    if (known != answers_.end()) {
      trial = known->second;
    } else {
      trial = test_(candidate);
      if (trial == Trial::kGaveUp) {
        result_.gave_up = true;
        return trial;
      }
      ++result_.trials;
      answers_.emplace(key, trial);
    }
    if (trial == Trial::kFails) result_.smallest = candidate;
    return trial;
  }

  bool drop_faults() {
    const std::vector<Fault> all = current().faults;
    if (all.empty()) return false;
    Scenario candidate = current();
    candidate.faults.clear();
    if (attempt(candidate) == Trial::kFails) {
      result_.steps.push_back(str("faults: ", all.size(), " -> 0"));
      return true;
    }
    if (all.size() == 1) return false;
    const ShrinkResult kept = shrink_failing(all.size(), [&](std::span<const std::size_t> subset) {
      Scenario c = current();
      c.faults.clear();
      for (std::size_t i : subset) c.faults.push_back(all[i]);
      return attempt(c);
    });
    if (kept.items.size() == all.size()) return false;
    Scenario smaller = current();
    smaller.faults.clear();
    for (std::size_t i : kept.items) smaller.faults.push_back(all[i]);
    result_.smallest = std::move(smaller);
    result_.steps.push_back(str("faults: ", all.size(), " -> ", kept.items.size(), " (ddmin)"));
    return true;
  }

  bool simplify_fault(std::size_t i) {
    bool changed = false;
    const std::string label = fault_label(current(), i);
    if (current().faults[i].every) {
      Scenario once = current();
      once.faults[i].every.reset();
      once.faults[i].until.reset();
      if (attempt(once) == Trial::kFails) {
        result_.steps.push_back(str(label, ": repeated -> once"));
        changed = true;
      }
    }
    if (current().faults[i].every) {
      // The window of a repeated fault, [from, until), where a missing until is the phase's end.
      changed |= reduce<Duration>(
          str(label, " repeat window"),
          [i](const Scenario& s) {
            return s.faults[i].until.value_or(s.duration) - s.faults[i].at;
          },
          [i](Scenario& s, Duration window) { s.faults[i].until = s.faults[i].at + window; },
          halves);
    }
    if (current().faults[i].lasts) {
      changed |= reduce<Duration>(
          str(label, " for"), [i](const Scenario& s) { return *s.faults[i].lasts; },
          [i](Scenario& s, Duration d) { s.faults[i].lasts = d; }, halves);
    }
    if (restart_after(current().faults[i])) {
      changed |= reduce<Duration>(
          str(label, " restart_after"),
          [i](const Scenario& s) { return *restart_after(s.faults[i]); },
          [i](Scenario& s, Duration d) { set_restart_after(s.faults[i], d); }, halves);
    }
    return changed;
  }

  // When a crash, or a crashing disk fault, restarts the machine; nothing for other faults.
  static std::optional<Duration> restart_after(const Fault& fault) {
    if (const auto* crash = std::get_if<CrashFault>(&fault.action)) return crash->restart_after;
    if (const auto* disk = std::get_if<DiskFault>(&fault.action)) {
      if (disk->kind != DiskFault::Kind::kStall) return disk->restart_after;
    }
    return std::nullopt;
  }

  static void set_restart_after(Fault& fault, Duration d) {
    if (auto* crash = std::get_if<CrashFault>(&fault.action)) crash->restart_after = d;
    if (auto* disk = std::get_if<DiskFault>(&fault.action)) disk->restart_after = d;
  }

  bool shrink_workload() {
    bool changed = false;
    if (current().kv) {
      changed |= reduce<int>(
          "kv clients", [](const Scenario& s) { return s.kv->clients; },
          [](Scenario& s, int n) { s.kv->clients = n; }, [](int n) { return fewer(n, 1); });
      changed |= reduce<double>(
          "kv rate/s", [](const Scenario& s) { return s.kv->rate_per_second; },
          [](Scenario& s, double rate) { s.kv->rate_per_second = rate; },
          [](double rate) {
            return rate / 2 >= 1 ? std::vector<double>{rate / 2} : std::vector<double>{};
          });
      changed |= reduce<int>(
          "kv keys", [](const Scenario& s) { return s.kv->keys; },
          [](Scenario& s, int n) { s.kv->keys = n; }, [](int n) { return fewer(n, 1); });
    }
    if (current().watch) {
      Scenario unwatched = current();
      unwatched.watch.reset();
      if (attempt(unwatched) == Trial::kFails) {
        result_.steps.push_back("watch workload: dropped");
        return true;
      }
      changed |= reduce<int>(
          "watch clients", [](const Scenario& s) { return s.watch->clients; },
          [](Scenario& s, int n) { s.watch->clients = n; }, [](int n) { return fewer(n, 1); });
    }
    return changed;
  }

  static std::vector<Duration> halves(Duration d) {
    auto half = halved(d);
    return half ? std::vector<Duration>{*half} : std::vector<Duration>{};
  }

  // Lowers one field of the scenario: tries the values `smaller` offers, in order, keeps the
  // first that still fails, and starts again from it until none does. Records one step.
  template <class T>
  bool reduce(const std::string& label, const std::function<T(const Scenario&)>& get,
              const std::function<void(Scenario&, T)>& set,
              const std::function<std::vector<T>(T)>& smaller) {
    const T before = get(current());
    T value = before;
    for (bool lowered = true; lowered;) {
      lowered = false;
      for (const T& next : smaller(value)) {
        Scenario candidate = current();
        set(candidate, next);
        if (attempt(candidate) == Trial::kFails) {
          value = next;
          lowered = true;
          break;
        }
      }
    }
    if (value == before) return false;
    result_.steps.push_back(str(label, ": ", text_of(before), " -> ", text_of(value)));
    return true;
  }

  const CandidateTest& test_;
  const Cuts cuts_;
  ScenarioShrink result_;
  std::map<std::string, Trial> answers_;  // by the candidate's YAML text
};

}  // namespace

FailureSignature signature_of(bool safe, std::string_view violation) {
  return FailureSignature{!safe, std::string(violation.substr(0, violation.find(':')))};
}

Cuts cuts_for(const FailureSignature& signature) {
  return signature.check == "min_ops" ? Cuts::kFaultsOnly : Cuts::kFaultsAndWork;
}

ScenarioShrink shrink_scenario(const Scenario& failing, const CandidateTest& test, Cuts cuts) {
  return Shrinker(failing, test, cuts).run();
}

}  // namespace keel::sim
