#include "real/support/fault_proxy.h"

#include <array>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <chrono>
#include <deque>

#include "core/env/assert.h"

namespace keel::real::testing {
namespace asio = boost::asio;
using asio::ip::tcp;
using boost::system::error_code;

namespace {
// Bytes held per direction before the proxy stops reading from the sender.
constexpr std::size_t kMaxHeldBytes = 1 << 20;

tcp::endpoint loopback(std::uint16_t port) {
  return tcp::endpoint(asio::ip::make_address("127.0.0.1"), port);
}

// Closes with SO_LINGER 0, so the other side sees a reset: a link cut, not a polite goodbye.
void reset(tcp::socket& socket) {
  error_code ignored;
  socket.set_option(asio::socket_base::linger(true, 0), ignored);
  socket.close(ignored);
}
}  // namespace

// One forwarded connection: the client's socket, the socket to the target, a pump each way.
class FaultProxy::Session : public std::enable_shared_from_this<Session> {
 public:
  Session(asio::io_context& io, tcp::socket client, std::shared_ptr<const Settings> settings)
      : client_(std::move(client)),
        server_(io),
        settings_(std::move(settings)),
        up_(io, client_, server_),
        down_(io, server_, client_) {}

  void start(std::uint16_t target_port) {
    server_.async_connect(loopback(target_port), [self = shared_from_this()](const error_code& e) {
      if (self->closed_) return;
      if (e) return self->close();
      self->read(self->up_);
      self->read(self->down_);
    });
  }

  void close() {
    if (closed_) return;
    closed_ = true;
    reset(client_);
    reset(server_);
    up_.timer.cancel();
    down_.timer.cancel();
  }

  bool open() const { return !closed_; }

  // Forwards what a blackhole held, or passes on the close it hid.
  void resume() {
    if (closed_) return;
    if (up_.ended || down_.ended) return close();
    for (Pump* pump : {&up_, &down_}) {
      if (!pump->reading && pump->held_bytes < kMaxHeldBytes) read(*pump);
      write(*pump);
    }
  }

 private:
  struct Chunk {
    std::chrono::steady_clock::time_point due;
    Bytes data;
  };
  struct Pump {
    Pump(asio::io_context& io, tcp::socket& source, tcp::socket& sink)
        : from(source), to(sink), timer(io) {}
    tcp::socket& from;
    tcp::socket& to;
    asio::steady_timer timer;
    std::deque<Chunk> held;
    std::size_t held_bytes = 0;
    bool reading = false;
    bool writing = false;
    bool ended = false;  // the source closed or failed during a blackhole
    std::array<std::uint8_t, 16 * 1024> buffer{};
  };

  void read(Pump& pump) {
    pump.reading = true;
    pump.from.async_read_some(asio::buffer(pump.buffer), [self = shared_from_this(), &pump](
                                                             const error_code& e, std::size_t n) {
      pump.reading = false;
      if (self->closed_) return;
      if (e) {
        if (!self->settings_->blackholed) return self->close();
        pump.ended = true;  // the other end must not hear of it through the blackhole
        return;
      }
      pump.held.push_back(Chunk{std::chrono::steady_clock::now() + self->settings_->delay,
                                Bytes(pump.buffer.begin(), pump.buffer.begin() + n)});
      pump.held_bytes += n;
      self->write(pump);
      if (pump.held_bytes < kMaxHeldBytes) self->read(pump);
    });
  }

  void write(Pump& pump) {
    if (pump.writing || pump.held.empty() || settings_->blackholed) return;
    pump.writing = true;
    pump.timer.expires_at(pump.held.front().due);
    pump.timer.async_wait([self = shared_from_this(), &pump](const error_code&) {
      if (self->closed_) return;
      if (self->settings_->blackholed) {
        pump.writing = false;
        return;
      }
      asio::async_write(pump.to, asio::buffer(pump.held.front().data),
                        [self, &pump](const error_code& e, std::size_t n) {
                          pump.writing = false;
                          if (self->closed_) return;
                          if (e) return self->close();
                          pump.held_bytes -= n;
                          pump.held.pop_front();
                          if (!pump.reading && pump.held_bytes < kMaxHeldBytes) self->read(pump);
                          self->write(pump);
                        });
    });
  }

  tcp::socket client_;
  tcp::socket server_;
  std::shared_ptr<const Settings> settings_;
  Pump up_;    // client -> target
  Pump down_;  // target -> client
  bool closed_ = false;
};

FaultProxy::FaultProxy(asio::io_context& io, std::uint16_t target_port)
    : io_(io), acceptor_(io, loopback(0)), target_port_(target_port) {
  port_ = acceptor_.local_endpoint().port();
  accept();
}

FaultProxy::~FaultProxy() {
  error_code ignored;
  acceptor_.close(ignored);
  for (const auto& session : sessions_) session->close();
}

void FaultProxy::accept() {
  acceptor_.async_accept([this, life = std::weak_ptr<const bool>(lifetime_)](
                             const error_code& error, tcp::socket socket) {
    if (life.expired() || error == asio::error::operation_aborted) return;
    if (!error) {
      ++accepted_;
      if (settings_->cut) {
        reset(socket);
      } else {
        auto session = std::make_shared<Session>(io_, std::move(socket), settings_);
        session->start(target_port_);
        std::erase_if(sessions_, [](const std::shared_ptr<Session>& s) { return !s->open(); });
        sessions_.push_back(session);
      }
    }
    accept();
  });
}

void FaultProxy::cut() {
  settings_->cut = true;
  for (const auto& session : sessions_) session->close();
}

void FaultProxy::blackhole() { settings_->blackholed = true; }

void FaultProxy::restore() {
  settings_->cut = false;
  settings_->blackholed = false;
  for (const auto& session : sessions_) session->resume();
}

void FaultProxy::set_delay(Duration delay) {
  KEEL_ASSERT(delay >= Duration::zero(), "a negative delay");
  settings_->delay = delay;
}

std::size_t FaultProxy::open_connections() const {
  std::size_t open = 0;
  for (const auto& session : sessions_) {
    if (session->open()) ++open;
  }
  return open;
}

}  // namespace keel::real::testing
