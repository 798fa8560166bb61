// Dead-peer detection on the TCP transport (real/liveness_check.h): a link whose path blackholes
// packets is closed at both ends and redialed once the path heals; a healthy idle link is kept
// open by keep-alives; a silent dialer is cut off by the acceptor.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>

#include "real/support/fault_proxy.h"
#include "real/support/raw_client.h"
#include "real/support/run_loop.h"
#include "real/support/transport_node.h"
#include "real/tcp_transport.h"
#include "real/wire.h"

namespace keel::real {
namespace {

using std::chrono::milliseconds;
using testing::bytes_of;
using testing::FaultProxy;
using testing::RawClient;
using testing::run_until;
using testing::TransportNode;

constexpr std::uint64_t kCluster = 7;
constexpr auto kSilence = milliseconds(400);
constexpr auto kKeepalive = milliseconds(100);

TcpTransportOptions quick_options(NodeId self) {
  TcpTransportOptions options = testing::test_options(self, kCluster);
  options.peer_silence_timeout = kSilence;
  options.keepalive_interval = kKeepalive;
  return options;
}

bool received(const TransportNode& node, std::string_view text) {
  return std::ranges::any_of(node.received, [&](const auto& r) { return r.second == text; });
}

// Node 1 reaches node 2 through a proxy; node 2 reaches node 1 directly.
class DeadPeerTest : public ::testing::Test {
 protected:
  DeadPeerTest()
      : a_(io_, quick_options(1)),
        b_(io_, quick_options(2)),
        proxy_(io_, b_.transport->listen_port()) {
    EXPECT_TRUE(a_.transport->set_peer(2, Endpoint{"127.0.0.1", proxy_.port()}));
    b_.knows(a_);
  }

  const TransportStats& a_stats() const { return a_.transport->stats(); }
  const TransportStats& b_stats() const { return b_.transport->stats(); }

  boost::asio::io_context io_;
  TransportNode a_;
  TransportNode b_;
  FaultProxy proxy_;
};

TEST_F(DeadPeerTest, ABlackholedLinkIsClosedAtBothEndsAndRedialedOnceThePathHeals) {
  a_.transport->send(2, bytes_of("before"));
  ASSERT_TRUE(run_until(io_, [&] { return received(b_, "before"); }));

  proxy_.blackhole();
  const auto start = std::chrono::steady_clock::now();
  a_.transport->send(2, bytes_of("into the void"));
  // The proxy keeps both sockets open and the kernel acknowledges what a writes, so neither end
  // learns anything from TCP: only the silence can tell.
  ASSERT_TRUE(run_until(
      io_, [&] { return a_stats().dead_peer_closes == 1 && b_stats().dead_peer_closes == 1; },
      kSilence * 5));
  const auto detected = std::chrono::steady_clock::now() - start;
  EXPECT_GE(detected, kSilence);
  EXPECT_FALSE(
      a_.trace.matching({"net.disconnected peer=2 direction=out", "nothing received"}).empty());
  EXPECT_FALSE(
      b_.trace.matching({"net.disconnected peer=1 direction=in", "nothing received"}).empty());

  // Redials meanwhile go nowhere: the hello is never answered.
  a_.transport->send(2, bytes_of("while blackholed"));
  ASSERT_TRUE(run_until(io_, [&] { return a_stats().dial_failures >= 1; }));

  proxy_.restore();
  a_.transport->send(2, bytes_of("after"));
  ASSERT_TRUE(run_until(
      io_, [&] { return received(b_, "after"); }, kSilence * 5));
  EXPECT_GE(a_stats().connects_out, 2u);
  EXPECT_EQ(a_stats().dead_peer_closes, 1u);
}

TEST_F(DeadPeerTest, AnIdleHealthyLinkIsKeptOpenByKeepalives) {
  a_.transport->send(2, bytes_of("once"));
  ASSERT_TRUE(run_until(io_, [&] { return received(b_, "once"); }));
  // Both ends then have nothing to say for many silence timeouts' worth of keep-alives.
  const std::uint64_t ticks = 3 * (kSilence / kKeepalive);
  ASSERT_TRUE(run_until(
      io_, [&] { return a_stats().keepalives_sent >= ticks && b_stats().keepalives_sent >= ticks; },
      kKeepalive * ticks * 3));
  EXPECT_EQ(a_stats().dead_peer_closes + b_stats().dead_peer_closes, 0u);
  EXPECT_EQ(a_stats().disconnects + b_stats().disconnects, 0u);
  EXPECT_EQ(a_stats().connects_out, 1u);
  EXPECT_EQ(b_.received.size(), 1u) << "keep-alives are not delivered";
}

TEST(DeadPeerRawTest, AnAcceptorSendsKeepalivesAndCutsOffASilentDialer) {
  boost::asio::io_context io;
  TransportNode b(io, quick_options(2));
  // Node 1 is a peer, played by a raw client; b has nothing to send it, so it never dials.
  ASSERT_TRUE(b.transport->set_peer(1, Endpoint{"127.0.0.1", 1}));
  RawClient silent(io, b.transport->listen_port());
  silent.write(encode_hello(Hello{kCluster, 1, 2}));
  ASSERT_TRUE(run_until(
      io, [&] { return silent.closed(); }, kSilence * 5));
  EXPECT_EQ(b.transport->stats().dead_peer_closes, 1u);
  // Its hello, then only zero length prefixes: at least two before the silence ran out.
  const Bytes& got = silent.received();
  ASSERT_GE(got.size(), kHelloBytes + 2 * kLengthPrefixBytes);
  EXPECT_EQ(Bytes(got.begin(), got.begin() + kHelloBytes), encode_hello(Hello{kCluster, 2, 1}));
  EXPECT_TRUE(std::all_of(got.begin() + kHelloBytes, got.end(),
                          [](std::uint8_t byte) { return byte == 0; }));
  EXPECT_EQ((got.size() - kHelloBytes) % kLengthPrefixBytes, 0u);
}

TEST(DeadPeerRawTest, AnEmptyFrameIsUnsendableForItWouldReadAsAKeepalive) {
  boost::asio::io_context io;
  TransportNode a(io, quick_options(1));
  TransportNode b(io, quick_options(2));
  a.knows(b);
  b.knows(a);
  a.transport->send(2, Bytes{});
  a.transport->send(1, Bytes{});
  EXPECT_EQ(a.transport->stats().frames_dropped_unsendable, 2u);
  a.transport->send(2, bytes_of("real"));
  ASSERT_TRUE(run_until(io, [&] { return !b.received.empty(); }));
  EXPECT_EQ(b.received.size(), 1u);
}

}  // namespace
}  // namespace keel::real
