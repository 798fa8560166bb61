// TcpTransportOptions: who this node is on the network and the limits its transport keeps
// (DESIGN.md principle 6: a limit on everything).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>

#include "core/env/types.h"
#include "real/endpoint.h"

namespace keel::real {

struct TcpTransportOptions {
  NodeId self = kNoNode;
  std::uint64_t cluster = 0;
  Endpoint listen{"127.0.0.1", 0};  // port 0: the kernel picks one (see listen_port())

  // Per peer, frames waiting to be written (including those being written). A frame larger than
  // max_queue_bytes can never be queued.
  std::size_t max_queue_frames = 4096;
  std::size_t max_queue_bytes = 64u << 20;

  // Dialing: TCP connect plus the hello exchange must finish within this. Accepting: the dialer's
  // hello must arrive within it.
  Duration handshake_timeout = std::chrono::seconds(2);
  // Accepted sockets still in their handshake; more are closed at once.
  std::size_t max_pending_handshakes = 64;

  // Redial delays after a failure (real/backoff.h).
  Duration backoff_min = std::chrono::milliseconds(50);
  Duration backoff_max = std::chrono::seconds(5);

  // Dead peers (real/liveness_check.h). A connection on which nothing arrived for
  // peer_silence_timeout is closed, and an outbound one redialed with the backoff above; the same
  // value is each socket's TCP_USER_TIMEOUT (tcp(7)), so data left unacknowledged that long ends
  // the connection too. Raft's heartbeats keep members' links busy, but a worker's links may idle:
  // each end writes a keep-alive after keepalive_interval without writing a frame. The default,
  // 5 s, is five of keeld's longest election timeouts (node::Config: 50 ms ticks, 10 to 20 ticks).
  // peer_silence_timeout must be at least 3 keepalive_intervals: a keep-alive may follow a frame
  // by almost two intervals, and one late keep-alive must not kill a healthy link.
  Duration peer_silence_timeout = std::chrono::seconds(5);
  Duration keepalive_interval = std::chrono::seconds(1);
};

}  // namespace keel::real
