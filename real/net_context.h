// NetContext: what the TCP transport shares with its connections (real/peer_link.h,
// real/inbound_connection.h). It lives in the transport: a connection touches it only while it is
// open, and the transport closes every connection before it goes away.
#pragma once

#include <boost/asio/io_context.hpp>

#include "real/machine_trace.h"
#include "real/tcp_transport_options.h"
#include "real/transport_stats.h"

namespace keel::real {

struct NetContext {
  boost::asio::io_context& io;
  const TcpTransportOptions& options;
  TransportStats& stats;
  const MachineTrace& trace;
};

}  // namespace keel::real
