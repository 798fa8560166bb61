// FaultProxy: a fault-injecting TCP proxy on 127.0.0.1 for tests of real nodes. It listens on a
// port of its own and forwards every connection to a target port, byte for byte, both ways;
// tests point one node's peer address at the proxy instead of the other node, then break the
// link:
// - cut(): resets every forwarded connection and refuses new ones (accepted, then reset), as
//   if the target's machine went away; restore() lets connections through again.
// - blackhole(): forwards nothing more, either way, on open connections and new ones, yet keeps
//   every socket open and closes none (a path that drops packets: neither end hears of it).
//   Bytes read meanwhile are held (bounded, as below); restore() forwards them and everything
//   after, in order, as TCP retransmissions would once the path heals.
// - set_delay(d): each chunk of bytes read from now on is held for `d` before it is forwarded,
//   in both directions, keeping its order (a slow link; throughput is not limited).
// A close on either side closes both at once (during a blackhole, only at restore()); bytes still
// held are dropped. Held bytes are bounded per direction: past the bound the proxy stops reading,
// and TCP pushes back.
// Runs on the caller's io_context thread, like everything else in a test.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <cstdint>
#include <memory>
#include <vector>

#include "core/env/types.h"

namespace keel::real::testing {

class FaultProxy {
 public:
  // Listens on a free port of 127.0.0.1 (see port()) and forwards to 127.0.0.1:target_port.
  FaultProxy(boost::asio::io_context& io, std::uint16_t target_port);
  ~FaultProxy();
  FaultProxy(const FaultProxy&) = delete;
  FaultProxy& operator=(const FaultProxy&) = delete;

  std::uint16_t port() const { return port_; }

  void cut();
  void blackhole();
  void restore();
  void set_delay(Duration delay);

  // Forwarded connections currently open.
  std::size_t open_connections() const;
  // Connections accepted since the proxy started (refused ones included).
  std::uint64_t accepted() const { return accepted_; }

 private:
  class Session;
  struct Settings {
    bool cut = false;
    bool blackholed = false;
    Duration delay{};
  };

  void accept();

  boost::asio::io_context& io_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::uint16_t port_ = 0;
  std::uint16_t target_port_;
  std::shared_ptr<Settings> settings_ = std::make_shared<Settings>();
  // Owned here: a blackholed session has no operation in flight to keep it alive.
  std::vector<std::shared_ptr<Session>> sessions_;
  std::uint64_t accepted_ = 0;
  std::shared_ptr<const bool> lifetime_ = std::make_shared<const bool>(true);
};

}  // namespace keel::real::testing
