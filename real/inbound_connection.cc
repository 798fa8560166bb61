#include "real/inbound_connection.h"

#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <chrono>

#include "core/env/assert.h"
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
      timer_(context.io),
      liveness_(context.options.peer_silence_timeout) {
  error_code error;
  const auto remote = socket_.remote_endpoint(error);
  remote_ = error ? "unknown" : str(remote.address().to_string(), ":", remote.port());
}

void InboundConnection::start() {
  timer_.expires_after(context_.options.handshake_timeout);
  timer_.async_wait([self = shared_from_this()](const error_code&) {
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

  peer_ = hello->from;
  ++context_.stats.connects_in;
  context_.trace.emit("net", "connected",
                      {{"peer", peer_}, {"direction", "in"}, {"remote", remote_}});
  owner_.on_inbound_ready(serial_, peer_);
  hello_out_ = encode_hello(Hello{context_.options.cluster, context_.options.self, peer_});
  write(asio::buffer(hello_out_));
  liveness_.reset(std::chrono::steady_clock::now());
  arm_liveness_tick();  // replaces the handshake deadline
  read_frames();
}

void InboundConnection::write(asio::const_buffer bytes) {
  KEEL_ASSERT(!writing_, "two writes at once to node ", peer_);
  writing_ = true;
  asio::async_write(socket_, bytes, [self = shared_from_this()](const error_code& e, std::size_t) {
    self->writing_ = false;
    if (e && !self->closed_) self->end(e.message());
  });
}

void InboundConnection::arm_liveness_tick() {
  timer_.expires_after(context_.options.keepalive_interval);
  timer_.async_wait([self = shared_from_this()](const error_code&) { self->on_liveness_tick(); });
}

void InboundConnection::on_liveness_tick() {
  if (closed_) return;
  switch (liveness_.tick(std::chrono::steady_clock::now(), writing_)) {
    case LivenessCheck::Verdict::kDead: {
      ++context_.stats.dead_peer_closes;
      const auto silence =
          std::chrono::duration_cast<std::chrono::milliseconds>(liveness_.silence_timeout());
      return end(str("nothing received for ", silence.count(), " ms"));
    }
    case LivenessCheck::Verdict::kSendKeepalive: {
      static constexpr std::array<std::uint8_t, kLengthPrefixBytes> kKeepalive{};
      ++context_.stats.keepalives_sent;
      write(asio::buffer(kKeepalive));
      break;
    }
    case LivenessCheck::Verdict::kAlive:
      break;
  }
  arm_liveness_tick();
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
  if (error) {
    if (error == asio::error::timed_out) ++context_.stats.dead_peer_closes;  // TCP_USER_TIMEOUT
    return end(error == asio::error::eof ? "closed by the peer" : error.message());
  }
  liveness_.heard(std::chrono::steady_clock::now());
  decoder_.commit(n);
  while (true) {
    const auto frame = decoder_.next();
    if (!frame) {
      ++context_.stats.bad_frames;
      context_.trace.emit("net", "bad_frame", {{"peer", peer_}, {"reason", frame.error().message}});
      return end("bad frame");
    }
    if (!frame->has_value()) break;
    if ((*frame)->empty()) continue;  // a keep-alive (real/wire.h)
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
  timer_.cancel();
}

void InboundConnection::end(std::string_view reason) {
  close(reason);
  owner_.on_inbound_ended(serial_);
}

}  // namespace keel::real
