// Structured trace events (DESIGN.md principle 8). Every component reports what it did through a
// TraceSink: the simulator records and hashes the events, keeld writes them as log lines.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <variant>

#include "core/env/types.h"

namespace keel {

struct TraceField {
  std::string_view key;
  std::variant<std::int64_t, std::string_view> value;

  TraceField(std::string_view k, std::int64_t v) : key(k), value(v) {}
  TraceField(std::string_view k, std::uint64_t v) : key(k), value(static_cast<std::int64_t>(v)) {}
  TraceField(std::string_view k, int v) : key(k), value(std::int64_t{v}) {}
  TraceField(std::string_view k, std::string_view v) : key(k), value(v) {}
  TraceField(std::string_view k, const char* v) : key(k), value(std::string_view(v)) {}
};

// An event as a component reports it. Views are valid only during TraceSink::record().
struct TraceEvent {
  Time time;                   // the reporting machine's clock
  std::string_view machine;    // its name, e.g. "n1"
  std::string_view component;  // e.g. "raft", "net", "disk"
  std::string_view name;       // e.g. "elected"
  std::span<const TraceField> fields;
};

// Renders "component.name key=value key=value" (strings with spaces are quoted).
std::string describe(const TraceEvent& event);

class TraceSink {
 public:
  virtual ~TraceSink() = default;
  virtual void record(const TraceEvent& event) = 0;
};

// A sink that discards everything, for components used outside a machine (benchmarks, tools).
class NullTraceSink final : public TraceSink {
 public:
  void record(const TraceEvent&) override {}
};

}  // namespace keel
