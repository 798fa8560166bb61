// Limits of unit files and of the placement engine (DESIGN.md principle 6). Input past a limit is
// refused with Errc::kLimitExceeded and a message naming the limit.
#pragma once

#include <cstddef>

namespace keel::fleet {

// A unit file's text. systemd reads unit files of any size; fleet stored them whole in one etcd
// value (1 MiB at most), and a unit that needs more than this is not a unit but a program.
inline constexpr std::size_t kMaxUnitFileBytes = 64u << 10;
// One logical line after `\` continuations are joined (systemd's LONG_LINE_MAX is 1 MiB; a
// command line longer than this is a mistake).
inline constexpr std::size_t kMaxLineBytes = 8u << 10;
// Key=Value assignments in one unit file, and sections.
inline constexpr std::size_t kMaxAssignments = 1024;
inline constexpr std::size_t kMaxSections = 16;
// A unit name (systemd's UNIT_NAME_MAX, which fleet's ValidateName also applies).
inline constexpr std::size_t kMaxUnitNameBytes = 256;
// Words in one list-valued assignment (Conflicts=, MachineMetadata=, Environment=...).
inline constexpr std::size_t kMaxListWords = 256;

// The placement engine's input: machines and units in one cluster.
inline constexpr std::size_t kMaxMachines = 10000;
inline constexpr std::size_t kMaxUnits = 100000;
// Metadata pairs of one machine.
inline constexpr std::size_t kMaxMachineMetadata = 64;

}  // namespace keel::fleet
