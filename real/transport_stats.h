// TransportStats: what the TCP transport counts, for keeld's /metrics. Counters only grow.
#pragma once

#include <cstdint>

namespace keel::real {

struct TransportStats {
  // Frames (and their bytes, length prefixes not included) written to a peer's socket or posted
  // to ourselves, and frames handed to the receive handler.
  std::uint64_t frames_sent = 0;
  std::uint64_t bytes_sent = 0;
  std::uint64_t frames_received = 0;
  std::uint64_t bytes_received = 0;

  // send() past a peer's queue limit (frames or bytes): the frame is dropped.
  std::uint64_t frames_dropped_queue_full = 0;
  // send() of a frame that can never go: to a node that is not a peer, empty (the wire's
  // keep-alive), over the frame size limit, or after stop().
  std::uint64_t frames_dropped_unsendable = 0;
  // Frames being written when their connection broke: they may or may not have arrived.
  std::uint64_t frames_lost_on_disconnect = 0;

  // Hellos we refused (missing, truncated, garbage, foreign cluster, unknown or unexpected node)
  // and accepted sockets that did not finish their hello in time.
  std::uint64_t handshakes_refused = 0;
  std::uint64_t handshakes_timed_out = 0;
  // Accepted sockets closed at once because too many handshakes were already pending.
  std::uint64_t accepts_refused_busy = 0;
  // Length prefixes over the frame size limit: the connection was closed.
  std::uint64_t bad_frames = 0;

  // Connections that completed the handshake, by direction, and how many of them ended since.
  std::uint64_t connects_out = 0;
  std::uint64_t connects_in = 0;
  std::uint64_t disconnects = 0;
  // Outbound attempts that failed before the handshake completed (refused, reset, timed out).
  std::uint64_t dial_failures = 0;
  // Connections closed because the peer seemed dead: nothing arrived for peer_silence_timeout, or
  // written data stayed unacknowledged that long (TCP_USER_TIMEOUT). Both directions.
  std::uint64_t dead_peer_closes = 0;
  // Keep-alives written on links that had no frame to carry (real/liveness_check.h).
  std::uint64_t keepalives_sent = 0;
};

}  // namespace keel::real
