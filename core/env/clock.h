// env::Clock: the only source of time for the core (DESIGN.md principle 2).
#pragma once

#include <cstdint>
#include <functional>

#include "core/env/types.h"

namespace keel {

using TimerId = std::uint64_t;

// Contract:
// - now() is monotonic on one machine: two readings never go backwards. It may run fast or slow
//   against true time (drift) and jump forward (a paused process, a stepped clock); readings of
//   different machines are never compared.
// - after(d, cb) runs cb once, on the machine's event loop, no earlier than d after now() by this
//   clock. It never runs cb from inside after() itself. Ids are never reused on one machine.
// - defer(cb) runs cb once, on the machine's event loop, where after(0, cb) would: after the
//   handler now running returns and behind the work already due now (so a node's group commit
//   still sees every input of the instant). It never runs cb from inside defer() itself. The id
//   comes from the same sequence as after()'s. The simulator keeps the call without a timer (no
//   deadline, nothing to search at expiry), so it ignores a clock step: a zero-delay timer set
//   just after a backward step would wait for the clock to catch up, a deferred call does not.
//   A real clock may simply set after(0, cb).
// - cancel(id) guarantees cb will not run (a timer's or a deferred call's); cancelling a fired
//   or unknown id does nothing.
// - Timers and deferred calls belong to the program that set them: a crash discards them all.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual Time now() const = 0;
  virtual TimerId after(Duration delay, std::function<void()> callback) = 0;
  virtual TimerId defer(std::function<void()> callback) = 0;
  virtual void cancel(TimerId id) = 0;
};

}  // namespace keel
