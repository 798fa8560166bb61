#include "real/support/transport_node.h"

#include <gtest/gtest.h>

#include "core/env/assert.h"
#include "core/env/str.h"

namespace keel::real::testing {

TcpTransportOptions test_options(NodeId self, std::uint64_t cluster) {
  TcpTransportOptions options;
  options.self = self;
  options.cluster = cluster;
  options.listen = Endpoint{"127.0.0.1", 0};
  options.handshake_timeout = std::chrono::milliseconds(300);
  options.backoff_min = std::chrono::milliseconds(10);
  options.backoff_max = std::chrono::milliseconds(200);
  return options;
}

TransportNode::TransportNode(boost::asio::io_context& io, TcpTransportOptions options) : clock(io) {
  const NodeId self = options.self;
  auto made = TcpTransport::create(io, MachineTrace(str("n", self), clock, trace), Random(self),
                                   std::move(options));
  if (!made) ADD_FAILURE() << made.error().message;
  KEEL_ASSERT(made.has_value(), "test transport for node ", self, " not created");
  transport = std::move(*made);
  transport->set_receive_handler([this](NodeId from, ByteView frame) {
    received.emplace_back(from, std::string(frame.begin(), frame.end()));
  });
  transport->start();
}

void TransportNode::knows(const TransportNode& other) {
  const Status added = transport->set_peer(other.transport->options().self, other.endpoint());
  if (!added) ADD_FAILURE() << added.error().message;
}

Bytes bytes_of(std::string_view text) { return Bytes(text.begin(), text.end()); }

}  // namespace keel::real::testing
