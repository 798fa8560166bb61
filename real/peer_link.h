// PeerLink: the sending side of the TCP transport toward one peer: a bounded queue of frames and
// the one outbound connection that carries them (real/wire.h).
//
// The link dials when it has something to send and no connection (lazily: a worker that never
// talks to some member never holds a socket to it, and Raft's heartbeats keep the links that
// matter busy). After a failure it waits a backoff delay (real/backoff.h), then redials if frames
// are still queued; a completed handshake resets the backoff.
//
//   idle --send--> dialing --hello ok--> connected --error/EOF--> backing off --delay--> dialing
//                     \--fail/deadline-------------------------------^        (or idle if empty)
//
// While connected, the link reads the acceptor's keep-alives and ticks a LivenessCheck
// (real/liveness_check.h) every keepalive_interval: a connection silent for peer_silence_timeout
// is closed like a broken one (then backoff, redial), and a keep-alive goes out when no frame did.
//
// The queue survives reconnects. Frames being written when a connection breaks are lost and
// counted; a frame sent past the queue limits is dropped and counted (Transport is best-effort).
// Every completion handler checks that it belongs to the current attempt and state, so one from
// an abandoned socket never acts. After close() the link never touches its NetContext again.
#pragma once

#include <array>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstdint>
#include <deque>
#include <memory>
#include <string_view>

#include "core/env/random.h"
#include "core/env/shared_bytes.h"
#include "core/env/types.h"
#include "real/backoff.h"
#include "real/endpoint.h"
#include "real/liveness_check.h"
#include "real/net_context.h"
#include "real/wire.h"

namespace keel::real {

class PeerLink : public std::enable_shared_from_this<PeerLink> {
 public:
  PeerLink(NetContext& context, NodeId peer, Endpoint endpoint, Random random);

  // Where the next dial goes (an IP literal: check_endpoint); a connection already up stays up.
  void set_endpoint(Endpoint endpoint) { endpoint_ = std::move(endpoint); }
  // Queues a frame (at most kMaxStreamFrameBytes) or drops it past the limits; never blocks.
  void send(SharedBytes frame);
  // Closes the connection and cancels timers; idempotent. Queued frames are discarded.
  void close();

  bool connected() const { return state_ == State::kConnected; }
  std::size_t queued_frames() const { return queue_.size(); }

 private:
  enum class State { kIdle, kDialing, kConnected, kBackingOff, kClosed };
  struct WriteBatch;

  void dial();
  void on_connected(std::uint64_t attempt, const boost::system::error_code& error);
  void on_hello(std::uint64_t attempt, const boost::system::error_code& error);
  void on_dial_deadline(std::uint64_t attempt);
  void write_batch();
  void start_write(std::shared_ptr<WriteBatch> batch);
  void on_written(std::uint64_t attempt, const boost::system::error_code& error);
  // Reads the acceptor's keep-alives; anything else (or an error, or EOF) ends the connection.
  void read_keepalives();
  void arm_liveness_tick();
  void on_liveness_tick(std::uint64_t attempt);
  void write_keepalive();
  // Ends the current attempt or connection, then waits out a backoff delay.
  void fail(std::string_view reason);
  void on_backoff_done(std::uint64_t attempt);
  // Whether a completion belongs to the current attempt and the state it was started in.
  bool current(std::uint64_t attempt, State expected) const {
    return attempt == attempt_ && state_ == expected;
  }

  NetContext& context_;
  const NodeId peer_;
  Endpoint endpoint_;
  Backoff backoff_;
  State state_ = State::kIdle;
  std::uint64_t attempt_ = 0;
  boost::asio::ip::tcp::socket socket_;
  // The dial deadline; while connected, the liveness tick; after a failure, the backoff delay.
  boost::asio::steady_timer timer_;
  LivenessCheck liveness_;
  const Bytes hello_out_;
  std::array<std::uint8_t, kHelloBytes> hello_in_{};
  std::array<std::uint8_t, 64> keepalives_in_{};

  std::deque<SharedBytes> queue_;
  std::shared_ptr<WriteBatch> writing_;  // frames in the write in flight, if any
  std::size_t pending_bytes_ = 0;        // bytes in queue_ and writing_
};

}  // namespace keel::real
