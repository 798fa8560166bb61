// LivenessCheck: the dead-peer rule of one established peer connection (real/wire.h), the same at
// both ends, as a pure function of time so it can be tested without sockets. Its owner ticks it
// every keepalive_interval (TcpTransportOptions):
// - nothing arrived for silence_timeout: the peer is dead (its host vanished, or the path
//   blackholes packets; the kernel would notice only when its retransmissions give up, many
//   minutes later), and the owner closes the connection;
// - otherwise, no frame was written since the previous tick and no write is in flight: the owner
//   writes a keep-alive so the other end, which runs the same rule, hears from it.
// Keep-alives themselves are not reported through wrote(): an end that only writes keep-alives (the
// acceptor) sends one every tick.
#pragma once

#include <chrono>

#include "core/env/types.h"

namespace keel::real {

class LivenessCheck {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;
  enum class Verdict { kAlive, kSendKeepalive, kDead };

  explicit LivenessCheck(Duration silence_timeout);

  // The connection is established at `now`: as if a byte had just arrived and a frame been written.
  void reset(TimePoint now);
  // Bytes (frames or keep-alives) arrived at `now`.
  void heard(TimePoint now) { last_heard_ = now; }
  // A frame (not a keep-alive) is being written.
  void wrote() { wrote_since_tick_ = true; }
  // The periodic decision; `writing` tells whether a write is in flight.
  Verdict tick(TimePoint now, bool writing);

  Duration silence_timeout() const { return silence_timeout_; }

 private:
  Duration silence_timeout_;
  TimePoint last_heard_{};
  bool wrote_since_tick_ = false;
};

}  // namespace keel::real
