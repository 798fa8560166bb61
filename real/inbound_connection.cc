#include "real/inbound_connection.h"

#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

#include "core/env/str.h"

namespace keel::real {
namespace asio = boost::asio;
using boost::system::error_code;

InboundConnection::InboundConnection(NetContext& context, InboundOwner& owner, std::uint64_t serial,
                                     asio::ip::tcp::socket socket)
    : context_(context),
      owner_(owner),
      serial_(serial),
      socket_(std::move(socket)),
      deadline_(context.io) {
  error_code error;
  const auto remote = socket_.remote_endpoint(error);
  remote_ = error ? "unknown" : str(remote.address().to_string(), ":", remote.port());
}

void InboundConnection::start() {
  deadline_.expires_after(context_.options.handshake_timeout);
  deadline_.async_wait([self = shared_from_this()](const error_code&) {
    if (self->closed_ || self->peer_ != kNoNode) return;
    ++self->context_.stats.handshakes_timed_out;
    self->context_.trace.emit("net", "handshake_timeout", {{"remote", self->remote_}});
    self->end("handshake timeout");
  });
  asio::async_read(
      socket_, asio::buffer(hello_in_),
      [self = shared_from_this()](const error_code& e, std::size_t) { self->on_hello(e); });
}

void InboundConnection::on_hello(const error_code& error) {
  if (closed_) return;
  if (error) return refuse(str("no complete hello: ", error.message()), Hello{});
  const auto hello = decode_hello(hello_in_);
  if (!hello) return refuse(hello.error().message, Hello{});
  const Status accepted = check_hello(*hello, context_.options.cluster, context_.options.self,
                                      owner_.is_peer(hello->from));
  if (!accepted) return refuse(accepted.error().message, *hello);

  deadline_.cancel();
  peer_ = hello->from;
  ++context_.stats.connects_in;
  context_.trace.emit("net", "connected",
                      {{"peer", peer_}, {"direction", "in"}, {"remote", remote_}});
  owner_.on_inbound_ready(serial_, peer_);
  hello_out_ = encode_hello(Hello{context_.options.cluster, context_.options.self, peer_});
  asio::async_write(socket_, asio::buffer(hello_out_),
                    [self = shared_from_this()](const error_code& e, std::size_t) {
                      if (e && !self->closed_) self->end(e.message());
                    });
  read_frames();
}

void InboundConnection::refuse(std::string_view reason, const Hello& theirs) {
  ++context_.stats.handshakes_refused;
  context_.trace.emit("net", "refused",
                      {{"direction", "in"},
                       {"our_node", context_.options.self},
                       {"their_node", theirs.from},
                       {"our_cluster", context_.options.cluster},
                       {"their_cluster", theirs.cluster},
                       {"remote", remote_},
                       {"reason", reason}});
  end("refused");
}

void InboundConnection::read_frames() {
  const std::span<std::uint8_t> space = decoder_.space();
  socket_.async_read_some(
      asio::buffer(space.data(), space.size()),
      [self = shared_from_this()](const error_code& e, std::size_t n) { self->on_read(e, n); });
}

void InboundConnection::on_read(const error_code& error, std::size_t n) {
  if (closed_) return;
  if (error) return end(error == asio::error::eof ? "closed by the peer" : error.message());
  decoder_.commit(n);
  while (true) {
    const auto frame = decoder_.next();
    if (!frame) {
      ++context_.stats.bad_frames;
      context_.trace.emit("net", "bad_frame", {{"peer", peer_}, {"reason", frame.error().message}});
      return end("bad frame");
    }
    if (!frame->has_value()) break;
    owner_.deliver(peer_, **frame);
    if (closed_) return;  // the receive handler stopped the transport
  }
  read_frames();
}

void InboundConnection::close(std::string_view reason) {
  if (closed_) return;
  closed_ = true;
  if (peer_ != kNoNode) {
    ++context_.stats.disconnects;
    context_.trace.emit("net", "disconnected",
                        {{"peer", peer_}, {"direction", "in"}, {"reason", reason}});
  }
  error_code ignored;
  socket_.close(ignored);
  deadline_.cancel();
}

void InboundConnection::end(std::string_view reason) {
  close(reason);
  owner_.on_inbound_ended(serial_);
}

}  // namespace keel::real
