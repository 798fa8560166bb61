#include "real/peer_link.h"

#include <algorithm>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <span>
#include <vector>

#include "core/env/assert.h"
#include "core/env/str.h"
#include "real/peer_socket_options.h"

namespace keel::real {
namespace asio = boost::asio;
using boost::system::error_code;

namespace {
// Frames gathered into one write (one writev): enough to amortize the system call under load.
constexpr std::size_t kMaxBatchFrames = 64;

std::int64_t millis(Duration d) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
}
}  // namespace

// The frames of one write with their length prefixes. The write's handler owns it, so the buffers
// outlive the write even when the link gives up on the connection first.
struct PeerLink::WriteBatch {
  std::vector<SharedBytes> frames;
  std::vector<std::array<std::uint8_t, kLengthPrefixBytes>> prefixes;
  std::vector<asio::const_buffer> buffers;
  std::size_t bytes = 0;
};

PeerLink::PeerLink(NetContext& context, NodeId peer, Endpoint endpoint, Random random)
    : context_(context),
      peer_(peer),
      endpoint_(std::move(endpoint)),
      backoff_(context.options.backoff_min, context.options.backoff_max, std::move(random)),
      socket_(context.io),
      timer_(context.io),
      liveness_(context.options.peer_silence_timeout),
      hello_out_(encode_hello(Hello{context.options.cluster, context.options.self, peer})) {}

void PeerLink::send(SharedBytes frame) {
  KEEL_ASSERT(state_ != State::kClosed, "send on a closed link to node ", peer_);
  KEEL_ASSERT(frame.size() <= kMaxStreamFrameBytes, "frame of ", frame.size(), " bytes");
  const std::size_t queued = queue_.size() + (writing_ ? writing_->frames.size() : 0);
  if (queued >= context_.options.max_queue_frames ||
      pending_bytes_ + frame.size() > context_.options.max_queue_bytes) {
    ++context_.stats.frames_dropped_queue_full;
    return;
  }
  pending_bytes_ += frame.size();
  queue_.push_back(std::move(frame));
  if (state_ == State::kIdle) dial();
  if (state_ == State::kConnected) write_batch();
}

void PeerLink::close() {
  if (state_ == State::kClosed) return;
  if (state_ == State::kConnected) {
    ++context_.stats.disconnects;
    context_.trace.emit("net", "disconnected",
                        {{"peer", peer_}, {"direction", "out"}, {"reason", "transport stopped"}});
  }
  state_ = State::kClosed;
  error_code ignored;
  socket_.close(ignored);
  timer_.cancel();
  queue_.clear();
  writing_.reset();
  pending_bytes_ = 0;
}

void PeerLink::dial() {
  state_ = State::kDialing;
  ++attempt_;
  error_code error;
  const auto address = asio::ip::make_address(endpoint_.address, error);
  KEEL_ASSERT(!error, "endpoint ", to_string(endpoint_), " was parsed, yet is not an address");
  timer_.expires_after(context_.options.handshake_timeout);
  timer_.async_wait([self = shared_from_this(), attempt = attempt_](const error_code&) {
    self->on_dial_deadline(attempt);
  });
  socket_.async_connect(asio::ip::tcp::endpoint(address, endpoint_.port),
                        [self = shared_from_this(), attempt = attempt_](const error_code& e) {
                          self->on_connected(attempt, e);
                        });
}

void PeerLink::on_dial_deadline(std::uint64_t attempt) {
  if (!current(attempt, State::kDialing)) return;
  fail("no handshake within the deadline");
}

void PeerLink::on_connected(std::uint64_t attempt, const error_code& error) {
  if (!current(attempt, State::kDialing)) return;
  if (error) return fail(error.message());
  set_peer_socket_options(socket_, context_.options.peer_silence_timeout);
  // The hello is 33 bytes on a fresh socket: the write completes at once or the read fails too.
  asio::async_write(socket_, asio::buffer(hello_out_),
                    [self = shared_from_this(), attempt](const error_code& e, std::size_t) {
                      if (e && self->current(attempt, State::kDialing)) self->fail(e.message());
                    });
  asio::async_read(socket_, asio::buffer(hello_in_),
                   [self = shared_from_this(), attempt](const error_code& e, std::size_t) {
                     self->on_hello(attempt, e);
                   });
}

void PeerLink::on_hello(std::uint64_t attempt, const error_code& error) {
  if (!current(attempt, State::kDialing)) return;
  if (error) {
    // An acceptor closes without answering when it refuses our hello (it logs why).
    return fail(error == asio::error::eof ? "closed during the handshake (refused by the peer?)"
                                          : error.message());
  }
  const auto hello = decode_hello(hello_in_);
  const Status accepted = hello ? check_hello(*hello, context_.options.cluster,
                                              context_.options.self, hello->from == peer_)
                                : Status(std::unexpected(hello.error()));
  if (!accepted) {
    ++context_.stats.handshakes_refused;
    const Hello theirs = hello.value_or(Hello{});
    context_.trace.emit("net", "refused",
                        {{"direction", "out"},
                         {"our_node", context_.options.self},
                         {"their_node", theirs.from},
                         {"our_cluster", context_.options.cluster},
                         {"their_cluster", theirs.cluster},
                         {"expected_node", peer_},
                         {"reason", accepted.error().message}});
    return fail("refused the peer's hello");
  }
  state_ = State::kConnected;
  backoff_.reset();
  liveness_.reset(std::chrono::steady_clock::now());
  ++context_.stats.connects_out;
  const std::string address = to_string(endpoint_);
  context_.trace.emit("net", "connected",
                      {{"peer", peer_}, {"direction", "out"}, {"address", address}});
  arm_liveness_tick();  // replaces the dial deadline
  read_keepalives();
  write_batch();
}

void PeerLink::write_batch() {
  if (writing_ || queue_.empty()) return;
  auto batch = std::make_shared<WriteBatch>();
  const std::size_t count = std::min(queue_.size(), kMaxBatchFrames);
  batch->frames.reserve(count);
  batch->prefixes.resize(count);
  batch->buffers.reserve(2 * count);
  for (std::size_t i = 0; i < count; ++i) {
    batch->frames.push_back(std::move(queue_.front()));
    queue_.pop_front();
    const SharedBytes& frame = batch->frames.back();
    encode_length_prefix(frame.size(), batch->prefixes[i].data());
    batch->buffers.push_back(asio::buffer(batch->prefixes[i]));
    batch->buffers.push_back(asio::buffer(frame.data(), frame.size()));
    batch->bytes += frame.size();
  }
  liveness_.wrote();
  start_write(std::move(batch));
}

void PeerLink::start_write(std::shared_ptr<WriteBatch> batch) {
  writing_ = batch;
  asio::async_write(socket_, batch->buffers,
                    [self = shared_from_this(), attempt = attempt_, batch](
                        const error_code& e, std::size_t) { self->on_written(attempt, e); });
}

void PeerLink::on_written(std::uint64_t attempt, const error_code& error) {
  if (!current(attempt, State::kConnected)) return;
  if (error) {
    // TCP_USER_TIMEOUT (real/peer_socket_options.h): what we wrote went unacknowledged too long.
    if (error == asio::error::timed_out) ++context_.stats.dead_peer_closes;
    return fail(error.message());
  }
  context_.stats.frames_sent += writing_->frames.size();
  context_.stats.bytes_sent += writing_->bytes;
  pending_bytes_ -= writing_->bytes;
  writing_.reset();
  write_batch();
}

void PeerLink::read_keepalives() {
  socket_.async_read_some(
      asio::buffer(keepalives_in_),
      [self = shared_from_this(), attempt = attempt_](const error_code& e, std::size_t n) {
        if (!self->current(attempt, State::kConnected)) return;
        if (e) {
          if (e == asio::error::timed_out) ++self->context_.stats.dead_peer_closes;
          return self->fail(e == asio::error::eof ? "closed by the peer" : e.message());
        }
        const auto bytes = std::span(self->keepalives_in_).first(n);
        if (std::ranges::any_of(bytes, [](std::uint8_t b) { return b != 0; })) {
          return self->fail("the peer sent bytes other than keep-alives on a send-only connection");
        }
        self->liveness_.heard(std::chrono::steady_clock::now());
        self->read_keepalives();
      });
}

void PeerLink::arm_liveness_tick() {
  timer_.expires_after(context_.options.keepalive_interval);
  timer_.async_wait([self = shared_from_this(), attempt = attempt_](const error_code&) {
    self->on_liveness_tick(attempt);
  });
}

void PeerLink::on_liveness_tick(std::uint64_t attempt) {
  if (!current(attempt, State::kConnected)) return;
  switch (liveness_.tick(std::chrono::steady_clock::now(), writing_ != nullptr)) {
    case LivenessCheck::Verdict::kDead:
      ++context_.stats.dead_peer_closes;
      return fail(str("nothing received for ", millis(liveness_.silence_timeout()), " ms"));
    case LivenessCheck::Verdict::kSendKeepalive:
      write_keepalive();
      break;
    case LivenessCheck::Verdict::kAlive:
      break;
  }
  arm_liveness_tick();
}

// A keep-alive is a write batch of no frame: one zero length prefix (real/wire.h).
void PeerLink::write_keepalive() {
  KEEL_ASSERT(!writing_, "a keep-alive while a write is in flight to node ", peer_);
  auto batch = std::make_shared<WriteBatch>();
  batch->prefixes.resize(1);
  encode_length_prefix(0, batch->prefixes[0].data());
  batch->buffers.push_back(asio::buffer(batch->prefixes[0]));
  ++context_.stats.keepalives_sent;
  start_write(std::move(batch));
}

void PeerLink::fail(std::string_view reason) {
  const bool was_connected = state_ == State::kConnected;
  std::uint64_t lost = 0;
  if (writing_) {
    lost = writing_->frames.size();
    pending_bytes_ -= writing_->bytes;
    writing_.reset();
  }
  error_code ignored;
  socket_.close(ignored);
  const Duration delay = backoff_.next();
  if (was_connected) {
    ++context_.stats.disconnects;
    context_.stats.frames_lost_on_disconnect += lost;
    context_.trace.emit("net", "disconnected",
                        {{"peer", peer_},
                         {"direction", "out"},
                         {"reason", reason},
                         {"lost_frames", lost},
                         {"retry_ms", millis(delay)}});
  } else {
    ++context_.stats.dial_failures;
    const std::string address = to_string(endpoint_);
    context_.trace.emit(
        "net", "dial_failed",
        {{"peer", peer_}, {"address", address}, {"reason", reason}, {"retry_ms", millis(delay)}});
  }
  state_ = State::kBackingOff;
  timer_.expires_after(delay);
  timer_.async_wait([self = shared_from_this(), attempt = attempt_](const error_code&) {
    self->on_backoff_done(attempt);
  });
}

void PeerLink::on_backoff_done(std::uint64_t attempt) {
  if (!current(attempt, State::kBackingOff)) return;
  if (queue_.empty()) {
    state_ = State::kIdle;
  } else {
    dial();
  }
}

}  // namespace keel::real
