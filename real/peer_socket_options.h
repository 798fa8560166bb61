// The socket options of every peer connection of the TCP transport, dialed or accepted:
// - TCP_NODELAY: Raft messages are small and latency-bound; Nagle would hold them back.
// - TCP_USER_TIMEOUT (tcp(7), Linux 2.6.37+, RFC 5482): data written and left unacknowledged for
//   `user_timeout` ends the connection with ETIMEDOUT, instead of after the ~15 retransmissions
//   (tcp_retries2, many minutes) that a vanished host otherwise costs. It needs data in flight: an
//   idle dead link is found by the transport's own check (real/liveness_check.h).
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/system/error_code.hpp>

#include "core/env/types.h"

namespace keel::real {

// Sets both options; returns the first failure (the socket stays usable without them).
boost::system::error_code set_peer_socket_options(boost::asio::ip::tcp::socket& socket,
                                                  Duration user_timeout);

// The socket's TCP_USER_TIMEOUT, in milliseconds (0: the kernel's default behaviour).
std::uint32_t tcp_user_timeout_ms(boost::asio::ip::tcp::socket& socket,
                                  boost::system::error_code& error);

}  // namespace keel::real
