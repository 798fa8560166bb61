// InboundConnection: the receiving side of one accepted socket (real/wire.h). It reads the
// dialer's hello under a deadline, has its owner judge the sender, answers with our own hello,
// then cuts the stream into frames (real/frame_stream_decoder.h) and hands each to its owner.
//
// Refusal: a missing, truncated or malformed hello, a foreign cluster, a hello addressed to
// another node or from a node that is not a peer: the socket is closed without an answer, counted,
// and traced as net.refused naming both sides' ids. A slow or silent dialer is cut off at the
// deadline; a frame over the size limit closes the connection (counted as a bad frame).
//
// Once the handshake is done it ticks a LivenessCheck (real/liveness_check.h) every
// keepalive_interval: it writes a keep-alive each tick (it has nothing else to say) and closes a
// connection on which nothing arrived for peer_silence_timeout. Keep-alives that arrive are not
// delivered.
//
// After close() (by the owner) the connection never calls its owner or touches its NetContext.
#pragma once

#include <array>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "core/env/types.h"
#include "real/frame_stream_decoder.h"
#include "real/liveness_check.h"
#include "real/net_context.h"
#include "real/wire.h"

namespace keel::real {

// What an InboundConnection needs from the transport that accepted it.
class InboundOwner {
 public:
  // Whether `node` is a configured peer.
  virtual bool is_peer(NodeId node) const = 0;
  // Connection `serial` completed its handshake with `peer`.
  virtual void on_inbound_ready(std::uint64_t serial, NodeId peer) = 0;
  // Connection `serial` ended by itself (not by close()).
  virtual void on_inbound_ended(std::uint64_t serial) = 0;
  virtual void deliver(NodeId from, ByteView frame) = 0;

 protected:
  ~InboundOwner() = default;
};

class InboundConnection : public std::enable_shared_from_this<InboundConnection> {
 public:
  InboundConnection(NetContext& context, InboundOwner& owner, std::uint64_t serial,
                    boost::asio::ip::tcp::socket socket);

  // Arms the handshake deadline and reads the hello.
  void start();
  // Closes the socket; counts and traces a disconnect if the handshake was done. Idempotent.
  void close(std::string_view reason);

  // The peer, once the handshake is done; kNoNode before.
  NodeId peer() const { return peer_; }

 private:
  void on_hello(const boost::system::error_code& error);
  void refuse(std::string_view reason, const Hello& theirs);
  void read_frames();
  void on_read(const boost::system::error_code& error, std::size_t n);
  void arm_liveness_tick();
  void on_liveness_tick();
  // Writes `bytes` (which must outlive the write); one write at a time.
  void write(boost::asio::const_buffer bytes);
  // close(), then tells the owner.
  void end(std::string_view reason);

  NetContext& context_;
  InboundOwner& owner_;
  const std::uint64_t serial_;
  boost::asio::ip::tcp::socket socket_;
  boost::asio::steady_timer timer_;  // the handshake deadline, then the liveness tick
  LivenessCheck liveness_;
  bool writing_ = false;
  std::string remote_;  // "address:port" of the dialer, for traces
  NodeId peer_ = kNoNode;
  bool closed_ = false;
  std::array<std::uint8_t, kHelloBytes> hello_in_{};
  Bytes hello_out_;
  FrameStreamDecoder decoder_{kMaxStreamFrameBytes};
};

}  // namespace keel::real
