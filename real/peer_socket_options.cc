#include "real/peer_socket_options.h"

#include <netinet/in.h>
#include <netinet/tcp.h>

#include <algorithm>
#include <boost/asio/detail/socket_option.hpp>
#include <chrono>
#include <limits>

namespace keel::real {

namespace {
using TcpUserTimeout = boost::asio::detail::socket_option::integer<IPPROTO_TCP, TCP_USER_TIMEOUT>;
}  // namespace

boost::system::error_code set_peer_socket_options(boost::asio::ip::tcp::socket& socket,
                                                  Duration user_timeout) {
  boost::system::error_code error;
  socket.set_option(boost::asio::ip::tcp::no_delay(true), error);
  if (error) return error;
  const auto millis = std::min<std::int64_t>(
      std::chrono::duration_cast<std::chrono::milliseconds>(user_timeout).count(),
      std::numeric_limits<int>::max());
  socket.set_option(TcpUserTimeout(static_cast<int>(millis)), error);
  return error;
}

std::uint32_t tcp_user_timeout_ms(boost::asio::ip::tcp::socket& socket,
                                  boost::system::error_code& error) {
  TcpUserTimeout option;
  socket.get_option(option, error);
  return error ? 0 : static_cast<std::uint32_t>(option.value());
}

}  // namespace keel::real
