#include "real/peer_socket_options.h"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>

namespace keel::real {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;

TEST(PeerSocketOptionsTest, SetsNoDelayAndTheUserTimeoutInMilliseconds) {
  asio::io_context io;
  tcp::acceptor acceptor(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  tcp::socket socket(io);
  socket.connect(acceptor.local_endpoint());
  boost::system::error_code error;
  EXPECT_EQ(tcp_user_timeout_ms(socket, error), 0u) << "a fresh socket has the kernel's default";
  ASSERT_FALSE(error) << error.message();

  ASSERT_FALSE(set_peer_socket_options(socket, std::chrono::milliseconds(2500)));
  EXPECT_EQ(tcp_user_timeout_ms(socket, error), 2500u);
  tcp::no_delay no_delay;
  socket.get_option(no_delay);
  EXPECT_TRUE(no_delay.value());
}

TEST(PeerSocketOptionsTest, AClosedSocketIsAnError) {
  asio::io_context io;
  tcp::socket socket(io);
  EXPECT_TRUE(set_peer_socket_options(socket, std::chrono::seconds(1)));
}

}  // namespace
}  // namespace keel::real
