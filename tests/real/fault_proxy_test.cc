#include "real/support/fault_proxy.h"

#include <gtest/gtest.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <memory>

#include "real/support/raw_client.h"
#include "real/support/run_loop.h"
#include "real/support/transport_node.h"

namespace keel::real::testing {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;
using std::chrono::milliseconds;

// A target that echoes every byte back, to any number of clients.
class EchoServer {
 public:
  explicit EchoServer(asio::io_context& io)
      : acceptor_(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)) {
    accept();
  }
  std::uint16_t port() const { return acceptor_.local_endpoint().port(); }

 private:
  struct Connection {
    explicit Connection(tcp::socket s) : socket(std::move(s)) {}
    tcp::socket socket;
    std::array<std::uint8_t, 1024> buffer{};
  };
  static void echo(const std::shared_ptr<Connection>& c) {
    c->socket.async_read_some(
        asio::buffer(c->buffer), [c](const boost::system::error_code& e, std::size_t n) {
          if (e) return;
          asio::async_write(c->socket, asio::buffer(c->buffer, n),
                            [c](const boost::system::error_code& w, std::size_t) {
                              if (!w) echo(c);
                            });
        });
  }
  void accept() {
    acceptor_.async_accept([this](const boost::system::error_code& e, tcp::socket socket) {
      if (e) return;
      echo(std::make_shared<Connection>(std::move(socket)));
      accept();
    });
  }
  tcp::acceptor acceptor_;
};

bool echoed(const RawClient& client, std::string_view text) {
  return client.received() == Bytes(text.begin(), text.end());
}

// A proxy in front of an echo server.
class FaultProxyTest : public ::testing::Test {
 protected:
  asio::io_context io_;
  EchoServer echo_{io_};
  FaultProxy proxy_{io_, echo_.port()};
};

TEST_F(FaultProxyTest, ForwardsBothWays) {
  RawClient client(io_, proxy_.port());
  client.write(bytes_of("hello through the proxy"));
  ASSERT_TRUE(run_until(io_, [&] { return echoed(client, "hello through the proxy"); }));
  EXPECT_EQ(proxy_.open_connections(), 1u);
}

TEST_F(FaultProxyTest, CutResetsConnectionsAndRefusesNewOnesUntilRestored) {
  RawClient before(io_, proxy_.port());
  before.write(bytes_of("a"));
  ASSERT_TRUE(run_until(io_, [&] { return echoed(before, "a"); }));

  proxy_.cut();
  ASSERT_TRUE(run_until(io_, [&] { return before.closed(); }));
  RawClient during(io_, proxy_.port());
  during.write(bytes_of("b"));
  ASSERT_TRUE(run_until(io_, [&] { return during.closed(); }));
  EXPECT_TRUE(during.received().empty());
  EXPECT_EQ(proxy_.open_connections(), 0u);

  proxy_.restore();
  RawClient after(io_, proxy_.port());
  after.write(bytes_of("c"));
  ASSERT_TRUE(run_until(io_, [&] { return echoed(after, "c"); }));
  EXPECT_EQ(proxy_.accepted(), 3u);
}

TEST_F(FaultProxyTest, DelayHoldsBytesInBothDirections) {
  proxy_.set_delay(milliseconds(100));
  RawClient client(io_, proxy_.port());
  const auto start = std::chrono::steady_clock::now();
  client.write(bytes_of("slow"));
  ASSERT_TRUE(run_until(io_, [&] { return echoed(client, "slow"); }));
  // Through the proxy twice: to the echo server and back.
  EXPECT_GE(std::chrono::steady_clock::now() - start, milliseconds(200));

  proxy_.set_delay(Duration::zero());
  client.write(bytes_of("fast"));
  const auto again = std::chrono::steady_clock::now();
  ASSERT_TRUE(run_until(io_, [&] { return echoed(client, "slowfast"); }));
  // Not held back: well under the 200 ms the delayed round trip took.
  EXPECT_LT(std::chrono::steady_clock::now() - again, milliseconds(200));
}

TEST_F(FaultProxyTest, BlackholeForwardsNothingClosesNothingAndRestoreDeliversInOrder) {
  RawClient before(io_, proxy_.port());
  before.write(bytes_of("a"));
  ASSERT_TRUE(run_until(io_, [&] { return echoed(before, "a"); }));

  proxy_.blackhole();
  before.write(bytes_of("b"));
  RawClient during(io_, proxy_.port());
  during.write(bytes_of("c"));
  // A bounded wait for something that must not happen: no echo, no close.
  EXPECT_FALSE(run_until(
      io_, [&] { return before.received().size() > 1 || !during.received().empty(); },
      milliseconds(300)));
  EXPECT_FALSE(before.closed());
  EXPECT_FALSE(during.closed());
  EXPECT_EQ(proxy_.open_connections(), 2u);

  proxy_.restore();
  ASSERT_TRUE(run_until(io_, [&] { return echoed(before, "ab") && echoed(during, "c"); }));
}

// The use the proxy is for: a link between two real transports is cut, and heals.
TEST(FaultProxyTransportTest, TransportsReconnectAcrossACutLink) {
  asio::io_context io;
  TransportNode a(io, test_options(1, 7));
  TransportNode b(io, test_options(2, 7));
  FaultProxy proxy(io, b.transport->listen_port());
  ASSERT_TRUE(a.transport->set_peer(2, Endpoint{"127.0.0.1", proxy.port()}));
  b.knows(a);
  a.transport->send(2, bytes_of("one"));
  ASSERT_TRUE(run_until(io, [&] { return b.received.size() == 1; }));

  proxy.cut();
  ASSERT_TRUE(run_until(io, [&] { return a.transport->stats().disconnects == 1; }));
  a.transport->send(2, bytes_of("two"));
  ASSERT_TRUE(run_until(io, [&] { return a.transport->stats().dial_failures >= 2; }));
  EXPECT_EQ(b.received.size(), 1u);

  proxy.restore();
  ASSERT_TRUE(run_until(io, [&] { return b.received.size() == 2; }));
  EXPECT_EQ(b.received[1].second, "two");
  EXPECT_EQ(a.transport->stats().connects_out, 2u);
}

}  // namespace
}  // namespace keel::real::testing
