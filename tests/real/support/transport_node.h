// Test helper: one TcpTransport on 127.0.0.1 with a free port, its clock and trace, recording
// every frame it receives.
#pragma once

#include <boost/asio/io_context.hpp>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "real/asio_clock.h"
#include "real/support/trace_recorder.h"
#include "real/tcp_transport.h"

namespace keel::real::testing {

// Options for tests: loopback, a free port, short deadlines and backoff.
TcpTransportOptions test_options(NodeId self, std::uint64_t cluster);

struct TransportNode {
  // Builds and starts the transport; fails the test (ADD_FAILURE) and asserts if it cannot bind.
  TransportNode(boost::asio::io_context& io, TcpTransportOptions options);

  Endpoint endpoint() const { return Endpoint{"127.0.0.1", transport->listen_port()}; }
  // Makes `other` reachable from this node as a peer.
  void knows(const TransportNode& other);
  // Received frames as (sender, text).
  std::vector<std::pair<NodeId, std::string>> received;

  AsioClock clock;
  TraceRecorder trace;
  std::unique_ptr<TcpTransport> transport;
};

Bytes bytes_of(std::string_view text);

}  // namespace keel::real::testing
