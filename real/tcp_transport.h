// TcpTransport: env::Transport over TCP between the members and workers of one cluster
// (real/wire.h has the protocol). Runs entirely on one io_context thread (DESIGN.md principle 1):
// every method must be called on it, the receive handler runs on it, nothing blocks it.
//
// - Each peer has a PeerLink (real/peer_link.h): a bounded queue and one outbound connection,
//   dialed lazily, redialed with jittered exponential backoff.
// - Accepted sockets become InboundConnections (real/inbound_connection.h): a hello under a
//   deadline, then frames handed to the receive handler with the sender's NodeId. One inbound
//   connection per peer: a newer one (the peer restarted) replaces the older.
// - Dead peers: both ends of every connection close it after peer_silence_timeout without a
//   byte from the other, and write keep-alives when idle (real/liveness_check.h); sockets carry
//   TCP_USER_TIMEOUT (real/peer_socket_options.h). Counted in TransportStats::dead_peer_closes.
// - Sending to ourselves posts the frame to the loop, bounded by the same queue limits.
// - Nothing received is trusted: hellos are checked, lengths are bounded before allocation, and
//   the frames themselves still carry a CRC and cluster id that the core checks (codec/frame.h).
//
// Lifetime: stop() closes everything; later sends are dropped. Destroying the transport (after
// stop() or not) is safe while completion handlers are still queued on the io_context, which must
// outlive the transport.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstdint>
#include <map>
#include <memory>

#include "core/env/error.h"
#include "core/env/random.h"
#include "core/env/transport.h"
#include "real/endpoint.h"
#include "real/inbound_connection.h"
#include "real/machine_trace.h"
#include "real/net_context.h"
#include "real/peer_link.h"
#include "real/tcp_transport_options.h"
#include "real/transport_stats.h"

namespace keel::real {

class TcpTransport final : public Transport, private InboundOwner {
 public:
  // Binds the listening socket (not yet accepting: see start()). Fails with kInvalidArgument for
  // bad options and kIo when the address cannot be bound (in use, not ours).
  static Result<std::unique_ptr<TcpTransport>> create(boost::asio::io_context& io,
                                                      MachineTrace trace, Random random,
                                                      TcpTransportOptions options);
  ~TcpTransport() override;

  // Adds a peer, or changes the address the next dial to it uses. kInvalidArgument for node 0,
  // our own id, or an address that is not an IP literal.
  Status set_peer(NodeId id, Endpoint endpoint);
  // Starts accepting connections. Set the receive handler first: frames that arrive without
  // one are discarded.
  void start();
  // Closes the listener and every connection; queued frames are discarded. Idempotent.
  void stop();

  // The port actually bound (the kernel's choice when options.listen.port was 0).
  std::uint16_t listen_port() const { return listen_port_; }
  const TransportStats& stats() const { return stats_; }
  const TcpTransportOptions& options() const { return options_; }

  void send(NodeId to, SharedBytes frame) override;
  void set_receive_handler(ReceiveHandler handler) override { handler_ = std::move(handler); }

 private:
  TcpTransport(boost::asio::io_context& io, MachineTrace trace, Random random,
               TcpTransportOptions options, boost::asio::ip::tcp::acceptor acceptor);

  void accept();
  void on_accept(const boost::system::error_code& error, boost::asio::ip::tcp::socket socket);
  void send_to_self(SharedBytes frame);

  // InboundOwner
  bool is_peer(NodeId node) const override { return links_.contains(node); }
  void on_inbound_ready(std::uint64_t serial, NodeId peer) override;
  void on_inbound_ended(std::uint64_t serial) override;
  // Copies the frame out of the connection's buffer once, into the SharedBytes the handler gets.
  void deliver(NodeId from, ByteView frame) override;
  // Hands a frame to the receive handler.
  void receive(NodeId from, const SharedBytes& frame);

  boost::asio::io_context& io_;
  const TcpTransportOptions options_;
  const MachineTrace trace_;
  Random random_;
  TransportStats stats_;
  NetContext context_;
  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::steady_timer accept_retry_;
  std::uint16_t listen_port_ = 0;
  ReceiveHandler handler_;
  bool started_ = false;
  bool stopped_ = false;
  // Handlers posted by the transport itself hold a weak copy: expired means it is gone.
  std::shared_ptr<const bool> lifetime_ = std::make_shared<const bool>(true);

  std::map<NodeId, std::shared_ptr<PeerLink>> links_;
  std::map<std::uint64_t, std::shared_ptr<InboundConnection>> inbound_;  // by serial
  std::map<NodeId, std::uint64_t> inbound_by_peer_;  // handshake done: the peer's connection
  std::uint64_t next_serial_ = 1;
  std::size_t self_queued_frames_ = 0;
  std::size_t self_queued_bytes_ = 0;
};

}  // namespace keel::real
