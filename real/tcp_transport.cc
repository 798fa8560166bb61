#include "real/tcp_transport.h"

#include <boost/asio/post.hpp>

#include "core/env/assert.h"
#include "core/env/str.h"
#include "real/peer_socket_options.h"

namespace keel::real {
namespace asio = boost::asio;
using asio::ip::tcp;
using boost::system::error_code;

namespace {
// After accept() itself fails (out of file descriptors, say), wait this long before the next one
// rather than spin on the error.
constexpr auto kAcceptRetryDelay = std::chrono::milliseconds(100);

Status check_options(const TcpTransportOptions& options) {
  const auto bad = [](std::string what) { return fail(Errc::kInvalidArgument, std::move(what)); };
  if (options.self == kNoNode) return bad("transport options: self must be a node id, not 0");
  if (options.max_queue_frames == 0 || options.max_queue_bytes == 0) {
    return bad("transport options: max_queue_frames and max_queue_bytes must be positive");
  }
  if (options.max_pending_handshakes == 0) {
    return bad("transport options: max_pending_handshakes must be positive");
  }
  if (options.handshake_timeout.count() <= 0) {
    return bad("transport options: handshake_timeout must be positive");
  }
  if (options.backoff_min.count() <= 0 || options.backoff_min > options.backoff_max) {
    return bad("transport options: backoff must satisfy 0 < backoff_min <= backoff_max");
  }
  if (options.keepalive_interval.count() <= 0 ||
      options.peer_silence_timeout < 3 * options.keepalive_interval) {
    return bad(
        "transport options: keep-alives must satisfy 0 < 3 * keepalive_interval <= "
        "peer_silence_timeout");
  }
  return {};
}

std::unexpected<Error> socket_error(std::string_view what, const Endpoint& at,
                                    const error_code& error) {
  return std::unexpected(Error{Errc::kIo, str(what, " ", to_string(at), ": ", error.message())});
}
}  // namespace

Result<std::unique_ptr<TcpTransport>> TcpTransport::create(asio::io_context& io, MachineTrace trace,
                                                           Random random,
                                                           TcpTransportOptions options) {
  if (auto valid = check_options(options); !valid) return std::unexpected(valid.error());
  if (auto valid = check_endpoint(options.listen); !valid) return std::unexpected(valid.error());

  error_code error;
  const tcp::endpoint endpoint(asio::ip::make_address(options.listen.address), options.listen.port);
  tcp::acceptor acceptor(io);
  if (acceptor.open(endpoint.protocol(), error); error) {
    return socket_error("open", options.listen, error);
  }
  // A restarted node rebinds its port while connections of its previous life are in TIME_WAIT.
  if (acceptor.set_option(tcp::acceptor::reuse_address(true), error); error) {
    return socket_error("set SO_REUSEADDR on", options.listen, error);
  }
  if (acceptor.bind(endpoint, error); error) return socket_error("bind", options.listen, error);
  if (acceptor.listen(tcp::acceptor::max_listen_connections, error); error) {
    return socket_error("listen on", options.listen, error);
  }
  return std::unique_ptr<TcpTransport>(new TcpTransport(io, std::move(trace), std::move(random),
                                                        std::move(options), std::move(acceptor)));
}

TcpTransport::TcpTransport(asio::io_context& io, MachineTrace trace, Random random,
                           TcpTransportOptions options, tcp::acceptor acceptor)
    : io_(io),
      options_(std::move(options)),
      trace_(std::move(trace)),
      random_(std::move(random)),
      context_{io, options_, stats_, trace_},
      acceptor_(std::move(acceptor)),
      accept_retry_(io) {
  error_code error;
  listen_port_ = acceptor_.local_endpoint(error).port();
  KEEL_ASSERT(!error, "a bound acceptor has no local endpoint: ", error.message());
}

TcpTransport::~TcpTransport() { stop(); }

Status TcpTransport::set_peer(NodeId id, Endpoint endpoint) {
  KEEL_ASSERT(!stopped_, "set_peer after stop");
  if (id == kNoNode || id == options_.self) {
    return fail(Errc::kInvalidArgument,
                str("node ", id, " cannot be a peer of node ", options_.self));
  }
  if (auto valid = check_endpoint(endpoint); !valid) return valid;
  if (auto it = links_.find(id); it != links_.end()) {
    it->second->set_endpoint(std::move(endpoint));
    return {};
  }
  links_.emplace(id, std::make_shared<PeerLink>(context_, id, std::move(endpoint),
                                                random_.derive(str("peer-link-", id))));
  return {};
}

void TcpTransport::start() {
  KEEL_ASSERT(!started_ && !stopped_, "start() once, before stop()");
  started_ = true;
  const std::string address = to_string(Endpoint{options_.listen.address, listen_port_});
  trace_.emit("net", "listening", {{"address", address}});
  accept();
}

void TcpTransport::stop() {
  if (stopped_) return;
  stopped_ = true;
  error_code ignored;
  acceptor_.close(ignored);
  accept_retry_.cancel();
  for (auto& [id, link] : links_) link->close();
  for (auto& [serial, connection] : inbound_) connection->close("transport stopped");
  links_.clear();
  inbound_.clear();
  inbound_by_peer_.clear();
}

void TcpTransport::accept() {
  acceptor_.async_accept([this, life = std::weak_ptr<const bool>(lifetime_)](
                             const error_code& error, tcp::socket socket) {
    if (life.expired() || stopped_) return;
    on_accept(error, std::move(socket));
  });
}

void TcpTransport::on_accept(const error_code& error, tcp::socket socket) {
  if (error) {
    trace_.emit("net", "accept_failed", {{"reason", error.message()}});
    accept_retry_.expires_after(kAcceptRetryDelay);
    accept_retry_.async_wait(
        [this, life = std::weak_ptr<const bool>(lifetime_)](const error_code&) {
          if (life.expired() || stopped_) return;
          accept();
        });
    return;
  }
  const std::size_t handshaking = inbound_.size() - inbound_by_peer_.size();
  if (handshaking >= options_.max_pending_handshakes) {
    ++stats_.accepts_refused_busy;
    error_code ignored;
    socket.close(ignored);
  } else {
    set_peer_socket_options(socket, options_.peer_silence_timeout);
    const std::uint64_t serial = next_serial_++;
    InboundOwner& owner = *this;
    auto connection =
        std::make_shared<InboundConnection>(context_, owner, serial, std::move(socket));
    inbound_.emplace(serial, connection);
    connection->start();
  }
  accept();
}

void TcpTransport::send(NodeId to, SharedBytes frame) {
  if (stopped_ || frame.empty() || frame.size() > kMaxStreamFrameBytes) {
    ++stats_.frames_dropped_unsendable;
    return;
  }
  if (to == options_.self) return send_to_self(std::move(frame));
  const auto it = links_.find(to);
  if (it == links_.end()) {
    ++stats_.frames_dropped_unsendable;
    return;
  }
  it->second->send(std::move(frame));
}

void TcpTransport::send_to_self(SharedBytes frame) {
  if (self_queued_frames_ >= options_.max_queue_frames ||
      self_queued_bytes_ + frame.size() > options_.max_queue_bytes) {
    ++stats_.frames_dropped_queue_full;
    return;
  }
  ++self_queued_frames_;
  self_queued_bytes_ += frame.size();
  asio::post(io_, [this, life = std::weak_ptr<const bool>(lifetime_), frame = std::move(frame)]() {
    if (life.expired() || stopped_) return;
    --self_queued_frames_;
    self_queued_bytes_ -= frame.size();
    ++stats_.frames_sent;
    stats_.bytes_sent += frame.size();
    receive(options_.self, frame);
  });
}

void TcpTransport::on_inbound_ready(std::uint64_t serial, NodeId peer) {
  if (const auto old = inbound_by_peer_.find(peer); old != inbound_by_peer_.end()) {
    inbound_.at(old->second)->close("replaced by a newer connection from the same peer");
    inbound_.erase(old->second);
  }
  inbound_by_peer_[peer] = serial;
}

void TcpTransport::on_inbound_ended(std::uint64_t serial) {
  const auto it = inbound_.find(serial);
  if (it == inbound_.end()) return;
  const NodeId peer = it->second->peer();
  if (const auto mine = inbound_by_peer_.find(peer);
      mine != inbound_by_peer_.end() && mine->second == serial) {
    inbound_by_peer_.erase(mine);
  }
  inbound_.erase(it);
}

void TcpTransport::deliver(NodeId from, ByteView frame) { receive(from, SharedBytes(frame)); }

void TcpTransport::receive(NodeId from, const SharedBytes& frame) {
  ++stats_.frames_received;
  stats_.bytes_received += frame.size();
  if (handler_) handler_(from, frame);
}

}  // namespace keel::real
