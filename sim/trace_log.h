// TraceLog: what happened in a simulation. Every event is folded into a running 64-bit hash that
// identifies the run; the events are also kept as readable records when recording is on, and
// passed to observers (checkers) as they happen.
#pragma once

#include <cstdint>
#include <functional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "core/env/assert.h"
#include "core/env/random.h"
#include "core/env/trace.h"
#include "core/env/types.h"

namespace keel::sim {

struct TraceRecord {
  Time world_time;      // true time
  Time local_time;      // the machine's clock, when on a machine
  std::string machine;  // "" for the simulator itself
  std::string text;     // "component.event key=value ..."
};

class TraceLog {
 public:
  using Observer = std::function<void(Time world_time, const TraceEvent& event)>;

  std::uint64_t hash() const { return hash_; }

  // Kernel events (a delivery, a timer) are hashed as numbers: cheap enough for every event. Three
  // mix64 rounds, each xoring one word into the state: `a` (a machine id) shares its word with
  // the kind, which takes the low 8 bits.
  void note(std::uint64_t kind, Time when, std::uint64_t a, std::uint64_t b = 0) {
    KEEL_ASSERT(kind < 256 && a < (std::uint64_t{1} << 56), "trace note out of range: kind ", kind,
                " a ", a);
    std::uint64_t h = mix64(hash_ ^ static_cast<std::uint64_t>(when.time_since_epoch().count()));
    h = mix64(h ^ (a << 8 | kind));
    hash_ = mix64(h ^ b);
  }
  // A delivered frame's contents. A codec frame (core/codec/frame.h: magic "KEEL" or "KEEN",
  // version, cluster, body length, then a CRC32C of all its other bytes) whose length field
  // matches its size is hashed by its length and CRC alone: the CRC already digests the rest, and
  // the sender computed it from the very bytes delivered (the simulated network never alters a
  // frame). Two runs that deliver different frames then differ in the hash unless every differing
  // frame's CRC collides (CRC32C misses no error burst up to 32 bits, and a random change with
  // probability 2^-32), and a divergent program rarely differs in just one frame. Anything else
  // (a test's raw bytes) is hashed whole, eight bytes at a time (hash_bytes).
  void note_frame(ByteView frame);

  // A structured event from a machine's program, or from the simulator (machine "").
  void record(Time world_time, const TraceEvent& event);

  void set_recording(bool on) { recording_ = on; }
  // Writes the records as JSON lines: {"time_ns":..,"local_ns":..,"machine":"n1","event":".."}.
  void write_json_lines(std::ostream& out) const;
  const std::vector<TraceRecord>& records() const { return records_; }
  void add_observer(Observer observer) { observers_.push_back(std::move(observer)); }

 private:
  static std::uint64_t mix(std::uint64_t h, std::uint64_t a, std::uint64_t b, std::uint64_t c,
                           std::uint64_t d);

  std::uint64_t hash_ = 0x6b65656c2d73696dULL;  // "keel-sim"
  bool recording_ = false;
  std::vector<TraceRecord> records_;
  std::vector<Observer> observers_;
};

}  // namespace keel::sim
