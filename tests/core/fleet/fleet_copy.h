// Fleet: a copy of /fleet/ as a Mirror holds it, for tests of the Reconciler: the tests edit it
// as users and agents would, and pass() runs one reconcile pass and applies its writes as the
// store would.
#pragma once

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "core/fleet/reconcile.h"
#include "core/fleet/schema.h"

namespace keel::fleet::test {

class Fleet {
 public:
  void put(const std::string& key, std::string_view value) {
    kv::KeyValue& kv = entries_[key];
    kv.key = kv::to_bytes(key);
    kv.value = kv::to_bytes(value);
    kv.mod_revision = ++revision_;
  }
  void erase(const std::string& key) { entries_.erase(key); }
  const FleetEntries& entries() const { return entries_; }
  void machine(const std::string& id, std::map<std::string, std::string> metadata = {}) {
    put(machine_key(id), encode(MachineRecord{id, "10.0.0.1", std::move(metadata), {}}));
  }
  void unit(const std::string& name, std::string_view text, std::string_view desired) {
    put(unit_key(name), text);
    put(desired_key(name), desired);
  }
  void state(const std::string& machine, const std::string& unit, ActiveState state) {
    put(state_key(machine, unit), encode(UnitState{state, 0, 0, ""}));
  }
  std::optional<std::string> get(const std::string& key) const {
    auto found = entries_.find(key);
    if (found == entries_.end()) return std::nullopt;
    return kv::to_string(found->second.value);
  }
  // Runs one pass and applies its writes.
  Reconciliation pass() {
    auto result = reconciler_.run(entries_);
    EXPECT_TRUE(result.has_value()) << result.error().message;
    for (const StoreWrite& w : result->writes) {
      if (w.value) {
        put(w.key, *w.value);
      } else {
        EXPECT_TRUE(entries_.contains(w.key)) << "deletes a missing key " << w.key;
        erase(w.key);
      }
    }
    return *result;
  }
  // The machines a unit is assigned to.
  std::vector<std::string> assigned(std::string_view unit) const {
    std::vector<std::string> machines;
    for (const auto& [key, kv] : entries_) {
      auto pair = key_pair(key, kAssignPrefix);
      if (pair && pair->second == unit) machines.push_back(pair->first);
    }
    return machines;
  }
  std::string unplaced(const std::string& unit) const {
    auto value = get(unplaced_key(unit));
    return value ? *decode_unplaced(*value) : "";
  }

 private:
  FleetEntries entries_;
  kv::Revision revision_ = 0;
  Reconciler reconciler_;
};

}  // namespace keel::fleet::test
