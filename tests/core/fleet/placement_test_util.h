// Builders of machines and units for the placement tests.
#pragma once

#include <string>
#include <vector>

#include "core/fleet/placement.h"

namespace keel::fleet::test {

inline constexpr std::uint64_t kGiB = 1ull << 30;

inline Machine machine(std::string id, std::uint64_t memory_gib = 16, std::uint64_t cpus = 8,
                       std::map<std::string, std::string> metadata = {}) {
  return {std::move(id), std::move(metadata), {memory_gib * kGiB, cpus * 100}};
}

inline std::vector<Glob> globs(std::initializer_list<std::string_view> patterns) {
  std::vector<Glob> out;
  for (std::string_view p : patterns) out.push_back(*Glob::parse(p));
  return out;
}

inline Unit unit(std::string name, PlacementRules rules = {}) {
  return {std::move(name), std::move(rules), DesiredState::kLaunched};
}

inline PlacementRules reserving(std::uint64_t memory_gib, std::uint64_t cpu_percent = 0) {
  PlacementRules rules;
  rules.reserved = {memory_gib * kGiB, cpu_percent};
  return rules;
}

}  // namespace keel::fleet::test
