// TcpTransport against hostile or broken input on its listening port, restarting peers and
// shutdown: the node never crashes or hangs, and still works afterwards.
#include <gtest/gtest.h>

#include <boost/asio/steady_timer.hpp>
#include <functional>
#include <regex>

#include "real/support/raw_client.h"
#include "real/support/run_loop.h"
#include "real/support/transport_node.h"
#include "real/tcp_transport.h"
#include "real/wire.h"

namespace keel::real {
namespace {

using std::chrono::milliseconds;
using testing::bytes_of;
using testing::RawClient;
using testing::run_until;
using testing::test_options;
using testing::TransportNode;

constexpr std::uint64_t kCluster = 7;

Bytes length_prefix(std::uint32_t length) {
  Bytes prefix(kLengthPrefixBytes);
  for (std::size_t i = 0; i < kLengthPrefixBytes; ++i) prefix[i] = length >> (8 * i);
  return prefix;
}

// Two nodes that know each other; every test ends by checking they still talk.
class TcpTransportFaultsTest : public ::testing::Test {
 protected:
  TcpTransportFaultsTest()
      : a_(io_, test_options(1, kCluster)), b_(io_, test_options(2, kCluster)) {
    a_.knows(b_);
    b_.knows(a_);
  }

  void expect_still_working() {
    const std::size_t before = b_.received.size();
    a_.transport->send(2, bytes_of("still there?"));
    ASSERT_TRUE(run_until(io_, [&] { return b_.received.size() > before; }));
    EXPECT_EQ(b_.received.back(), (std::pair<NodeId, std::string>{1, "still there?"}));
  }

  std::uint16_t b_port() const { return b_.transport->listen_port(); }

  boost::asio::io_context io_;
  TransportNode a_;
  TransportNode b_;
};

TEST_F(TcpTransportFaultsTest, RandomBytesAreRefused) {
  Random random(99);
  Bytes garbage(1000);
  for (auto& byte : garbage) byte = static_cast<std::uint8_t>(random.next());
  RawClient client(io_, b_port());
  client.write(garbage);
  ASSERT_TRUE(run_until(io_, [&] { return client.closed(); }));
  EXPECT_TRUE(client.received().empty()) << "a refused dialer gets no hello";
  EXPECT_EQ(b_.transport->stats().handshakes_refused, 1u);
  EXPECT_FALSE(b_.trace.matching({"net.refused", "hello.magic"}).empty());
  expect_still_working();
}

TEST_F(TcpTransportFaultsTest, ATruncatedHelloIsRefused) {
  {
    RawClient client(io_, b_port());
    client.write(ByteView(encode_hello(Hello{kCluster, 1, 2})).first(10));
  }  // closed after 10 bytes
  ASSERT_TRUE(run_until(io_, [&] { return b_.transport->stats().handshakes_refused == 1; }));
  EXPECT_FALSE(b_.trace.matching({"net.refused", "no complete hello"}).empty());
  expect_still_working();
}

// A dialer that trickles its hello a byte at a time and then goes quiet is cut off at the
// handshake deadline (300 ms in test_options).
TEST_F(TcpTransportFaultsTest, ASlowSilentDialerIsCutOffAtTheDeadline) {
  RawClient client(io_, b_port());
  const Bytes hello = encode_hello(Hello{kCluster, 1, 2});
  boost::asio::steady_timer trickle(io_);
  std::size_t sent = 0;
  std::function<void()> send_one = [&] {
    client.write(ByteView(hello).subspan(sent++, 1));
    if (sent == 5) return;  // then silence
    trickle.expires_after(milliseconds(20));
    trickle.async_wait([&](const boost::system::error_code&) { send_one(); });
  };
  send_one();
  ASSERT_TRUE(run_until(io_, [&] { return client.closed(); }));
  EXPECT_EQ(sent, 5u);
  EXPECT_EQ(b_.transport->stats().handshakes_timed_out, 1u);
  EXPECT_EQ(b_.trace.matching({"net.handshake_timeout"}).size(), 1u);
  expect_still_working();
}

TEST_F(TcpTransportFaultsTest, AHugeLengthAfterAGoodHelloClosesTheConnection) {
  RawClient client(io_, b_port());
  client.write(encode_hello(Hello{kCluster, 1, 2}));
  client.write(length_prefix(5));
  client.write(bytes_of("first"));
  client.write(length_prefix(0xFFFFFFFF));
  ASSERT_TRUE(run_until(io_, [&] { return client.closed(); }));
  EXPECT_EQ(client.received(), encode_hello(Hello{kCluster, 2, 1})) << "b answers a good hello";
  EXPECT_EQ(b_.received, (std::vector<std::pair<NodeId, std::string>>{{1, "first"}}));
  EXPECT_EQ(b_.transport->stats().bad_frames, 1u);
  EXPECT_FALSE(b_.trace.matching({"net.bad_frame peer=1", "4294967295"}).empty());
  expect_still_working();
}

TEST_F(TcpTransportFaultsTest, TooManyPendingHandshakesAreClosedAtOnce) {
  TcpTransportOptions options = test_options(3, kCluster);
  options.max_pending_handshakes = 2;
  TransportNode c(io_, options);
  RawClient first(io_, c.transport->listen_port());
  RawClient second(io_, c.transport->listen_port());
  RawClient third(io_, c.transport->listen_port());
  ASSERT_TRUE(run_until(io_, [&] { return c.transport->stats().accepts_refused_busy == 1; }));
  ASSERT_TRUE(run_until(io_, [&] { return third.closed(); }));
  EXPECT_FALSE(first.closed());
  EXPECT_FALSE(second.closed());
  // The deadline frees the slots.
  ASSERT_TRUE(run_until(io_, [&] { return first.closed() && second.closed(); }));
  EXPECT_EQ(c.transport->stats().handshakes_timed_out, 2u);
}

// A peer that restarts dials again; its new connection replaces the old one, which is closed.
TEST_F(TcpTransportFaultsTest, ANewerConnectionFromAPeerReplacesTheOlder) {
  RawClient older(io_, b_port());
  older.write(encode_hello(Hello{kCluster, 1, 2}));
  ASSERT_TRUE(run_until(io_, [&] { return older.received().size() == kHelloBytes; }));
  RawClient newer(io_, b_port());
  newer.write(encode_hello(Hello{kCluster, 1, 2}));
  ASSERT_TRUE(run_until(io_, [&] { return older.closed(); }));
  EXPECT_FALSE(newer.closed());
  EXPECT_EQ(b_.transport->stats().connects_in, 2u);
  EXPECT_FALSE(b_.trace.matching({"net.disconnected peer=1 direction=in", "replaced"}).empty());
  expect_still_working();
}

std::vector<std::int64_t> retry_delays_ms(const std::vector<std::string>& lines) {
  std::vector<std::int64_t> delays;
  const std::regex retry("retry_ms=([0-9]+)");
  for (const std::string& line : lines) {
    std::smatch match;
    if (std::regex_search(line, match, retry)) delays.push_back(std::stoll(match[1]));
  }
  return delays;
}

TEST_F(TcpTransportFaultsTest, ARestartedPeerIsRedialedWithBackoff) {
  a_.transport->send(2, bytes_of("before"));
  ASSERT_TRUE(run_until(io_, [&] { return b_.received.size() == 1; }));
  const std::uint16_t port = b_port();

  b_.transport.reset();  // node 2 goes away; its port refuses connections
  ASSERT_TRUE(run_until(io_, [&] { return a_.transport->stats().disconnects == 1; }));
  a_.transport->send(2, bytes_of("while down"));
  ASSERT_TRUE(run_until(io_, [&] { return a_.transport->stats().dial_failures >= 3; }));

  // The disconnect took the first delay, [10,10] ms (test_options); the failed dials take the
  // doubling ranges after it: [10,20], [20,40], [40,80].
  const auto delays = retry_delays_ms(a_.trace.matching({"net.dial_failed peer=2"}));
  ASSERT_GE(delays.size(), 3u);
  EXPECT_GE(delays[0], 10);
  EXPECT_LE(delays[0], delays[1]);
  EXPECT_LE(delays[1], delays[2]);
  EXPECT_LE(delays[2], 80);

  TcpTransportOptions options = test_options(2, kCluster);
  options.listen.port = port;
  TransportNode restarted(io_, options);
  restarted.knows(a_);
  ASSERT_TRUE(run_until(io_, [&] { return restarted.received.size() == 1; }));
  EXPECT_EQ(restarted.received[0].second, "while down");
  EXPECT_EQ(a_.transport->stats().connects_out, 2u);

  // Success reset the backoff: the next failure waits the minimum again.
  restarted.transport.reset();
  ASSERT_TRUE(run_until(io_, [&] { return a_.transport->stats().disconnects == 2; }));
  const auto after = retry_delays_ms(a_.trace.matching({"net.disconnected peer=2"}));
  ASSERT_EQ(after.size(), 2u);
  EXPECT_EQ(after[1], 10);
}

TEST_F(TcpTransportFaultsTest, AReceiveHandlerMayStopItsTransport) {
  b_.transport->set_receive_handler([&](NodeId from, ByteView frame) {
    b_.received.emplace_back(from, std::string(frame.begin(), frame.end()));
    b_.transport->stop();
  });
  for (int i = 0; i < 5; ++i) a_.transport->send(2, bytes_of("frame"));
  ASSERT_TRUE(run_until(io_, [&] { return a_.transport->stats().disconnects == 1; }));
  EXPECT_EQ(b_.received.size(), 1u);
}

TEST_F(TcpTransportFaultsTest, DestroyingTransportsWithWorkInFlightIsSafe) {
  for (int i = 0; i < 100; ++i) {
    a_.transport->send(2, Bytes(10000, 'x'));
    b_.transport->send(1, Bytes(10000, 'y'));
    a_.transport->send(1, bytes_of("self"));
  }
  ASSERT_TRUE(run_until(io_, [&] { return !b_.received.empty(); }));
  a_.transport->stop();
  a_.transport.reset();  // destroyed with completions still queued
  b_.transport.reset();  // destroyed without stop()
  io_.restart();
  io_.run_for(std::chrono::seconds(2));  // returns early once every queued completion has run
  EXPECT_TRUE(io_.stopped()) << "work left behind after the transports were destroyed";
}

}  // namespace
}  // namespace keel::real
