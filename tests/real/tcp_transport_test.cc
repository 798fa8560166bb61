// TcpTransport between real sockets on 127.0.0.1: delivery both ways, refusals, queue limits.
#include "real/tcp_transport.h"

#include <gtest/gtest.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <string>
#include <vector>

#include "core/env/shared_bytes.h"
#include "real/support/run_loop.h"
#include "real/support/transport_node.h"
#include "real/wire.h"

namespace keel::real {
namespace {

using testing::bytes_of;
using testing::run_until;
using testing::test_options;
using testing::TransportNode;
using Received = std::vector<std::pair<NodeId, std::string>>;

constexpr std::uint64_t kCluster = 7;

TEST(TcpTransportTest, TwoNodesExchangeFramesBothWaysInOrder) {
  boost::asio::io_context io;
  TransportNode a(io, test_options(1, kCluster));
  TransportNode b(io, test_options(2, kCluster));
  a.knows(b);
  b.knows(a);
  Received to_b, to_a;
  for (int i = 0; i < 50; ++i) {
    a.transport->send(2, bytes_of("ping " + std::to_string(i)));
    to_b.emplace_back(1, "ping " + std::to_string(i));
  }
  b.transport->send(1, bytes_of("pong"));
  to_a.emplace_back(2, "pong");
  ASSERT_TRUE(run_until(io, [&] { return a.received.size() == 1 && b.received.size() == 50; }));
  EXPECT_EQ(b.received, to_b);
  EXPECT_EQ(a.received, to_a);

  const TransportStats& sa = a.transport->stats();
  EXPECT_EQ(sa.frames_sent, 50u);
  EXPECT_EQ(sa.frames_received, 1u);
  EXPECT_EQ(sa.bytes_received, 4u);
  EXPECT_EQ(sa.connects_out, 1u);
  EXPECT_EQ(sa.connects_in, 1u);
  EXPECT_EQ(sa.dial_failures + sa.handshakes_refused + sa.frames_dropped_queue_full, 0u);
  EXPECT_EQ(b.transport->stats().frames_received, 50u);
  EXPECT_EQ(a.trace.matching({"n1 net.connected peer=2 direction=out"}).size(), 1u);
  EXPECT_EQ(b.trace.matching({"n2 net.connected peer=1 direction=in"}).size(), 1u);
}

TEST(TcpTransportTest, SendingToOneselfGoesThroughTheLoop) {
  boost::asio::io_context io;
  TransportNode a(io, test_options(1, kCluster));
  a.transport->send(1, bytes_of("note to self"));
  EXPECT_TRUE(a.received.empty()) << "delivered inside send()";
  ASSERT_TRUE(run_until(io, [&] { return !a.received.empty(); }));
  EXPECT_EQ(a.received, (Received{{1, "note to self"}}));
  EXPECT_EQ(a.transport->stats().frames_sent, 1u);
}

// The transport writes the sender's buffer itself: it holds it (no copy) until the frame is
// written, then lets it go.
TEST(TcpTransportTest, ASentBufferIsHeldUntilWrittenThenReleased) {
  boost::asio::io_context io;
  TransportNode a(io, test_options(1, kCluster));
  TransportNode b(io, test_options(2, kCluster));
  a.knows(b);
  b.knows(a);
  const SharedBytes frame(bytes_of("held"));
  a.transport->send(2, frame);
  EXPECT_EQ(frame.use_count(), 2u);
  ASSERT_TRUE(run_until(io, [&] { return !b.received.empty(); }));
  ASSERT_TRUE(run_until(io, [&] { return frame.use_count() == 1; }));
  EXPECT_EQ(b.received, (Received{{1, "held"}}));
}

// A receiver may keep the frames it is handed: each is its own buffer, not a view of the
// connection's, which goes on to read the next ones. A frame sent to oneself is the sender's
// buffer.
TEST(TcpTransportTest, AReceiverMayKeepItsFrames) {
  boost::asio::io_context io;
  TransportNode a(io, test_options(1, kCluster));
  TransportNode b(io, test_options(2, kCluster));
  a.knows(b);
  b.knows(a);
  std::vector<SharedBytes> kept;
  b.transport->set_receive_handler(
      [&kept](NodeId, const SharedBytes& frame) { kept.push_back(frame); });
  constexpr std::size_t kFrames = 20;
  for (std::size_t i = 0; i < kFrames; ++i) {
    a.transport->send(2, bytes_of("frame " + std::to_string(i)));
  }
  ASSERT_TRUE(run_until(io, [&] { return kept.size() == kFrames; }));
  for (std::size_t i = 0; i < kFrames; ++i) {
    EXPECT_EQ(kept[i], SharedBytes(bytes_of("frame " + std::to_string(i)))) << i;
  }

  const SharedBytes to_self(bytes_of("to self"));
  kept.clear();
  b.transport->send(2, to_self);
  ASSERT_TRUE(run_until(io, [&] { return !kept.empty(); }));
  EXPECT_EQ(kept[0].data(), to_self.data());
}

TEST(TcpTransportTest, ALargeFrameArrivesWhole) {
  boost::asio::io_context io;
  TransportNode a(io, test_options(1, kCluster));
  TransportNode b(io, test_options(2, kCluster));
  a.knows(b);
  b.knows(a);
  std::string big(3 << 20, 'x');
  for (std::size_t i = 0; i < big.size(); i += 4096) big[i] = static_cast<char>('a' + i % 26);
  a.transport->send(2, bytes_of(big));
  ASSERT_TRUE(run_until(io, [&] { return !b.received.empty(); }));
  EXPECT_TRUE(b.received[0].second == big);
}

TEST(TcpTransportTest, ForeignClusterIsRefusedAndBothIdsAreTraced) {
  boost::asio::io_context io;
  TransportNode a(io, test_options(1, kCluster));
  TransportNode b(io, test_options(2, kCluster + 1));
  a.knows(b);
  b.knows(a);
  a.transport->send(2, bytes_of("let me in"));
  ASSERT_TRUE(run_until(io, [&] {
    return b.transport->stats().handshakes_refused >= 1 && a.transport->stats().dial_failures >= 1;
  }));
  EXPECT_TRUE(b.received.empty());
  EXPECT_EQ(b.transport->stats().connects_in, 0u);
  EXPECT_FALSE(b.trace
                   .matching({"n2 net.refused direction=in our_node=2 their_node=1 our_cluster=8 "
                              "their_cluster=7",
                              "another cluster"})
                   .empty())
      << ::testing::PrintToString(b.trace.lines());
  EXPECT_FALSE(a.trace.matching({"n1 net.dial_failed peer=2", "refused by the peer?"}).empty());
}

TEST(TcpTransportTest, UnknownNodeIsRefused) {
  boost::asio::io_context io;
  TransportNode b(io, test_options(2, kCluster));
  TransportNode stranger(io, test_options(3, kCluster));
  stranger.knows(b);  // b does not know node 3
  stranger.transport->send(2, bytes_of("hello?"));
  ASSERT_TRUE(run_until(io, [&] { return b.transport->stats().handshakes_refused >= 1; }));
  EXPECT_TRUE(b.received.empty());
  EXPECT_FALSE(
      b.trace.matching({"net.refused", "our_node=2 their_node=3", "unexpected node"}).empty());
}

TEST(TcpTransportTest, HelloForAnotherNodeIsRefused) {
  boost::asio::io_context io;
  TransportNode a(io, test_options(1, kCluster));
  TransportNode b(io, test_options(2, kCluster));
  b.knows(a);
  ASSERT_TRUE(a.transport->set_peer(5, b.endpoint()));  // a believes node 5 lives at b's address
  a.transport->send(5, bytes_of("for node 5"));
  ASSERT_TRUE(run_until(io, [&] { return b.transport->stats().handshakes_refused >= 1; }));
  EXPECT_TRUE(b.received.empty());
  EXPECT_FALSE(b.trace.matching({"net.refused", "their_node=1", "another node"}).empty());
}

// The dialer checks the acceptor's answer too: an address now held by another node is refused
// before any frame goes to it.
TEST(TcpTransportTest, DialerRefusesAnAnswerFromTheWrongNode) {
  namespace asio = boost::asio;
  boost::asio::io_context io;
  TransportNode a(io, test_options(1, kCluster));
  asio::ip::tcp::acceptor impostor(io, {asio::ip::make_address("127.0.0.1"), 0});
  asio::ip::tcp::socket accepted(io);
  Bytes their_hello(kHelloBytes);
  impostor.async_accept(accepted, [&](const boost::system::error_code& e) {
    ASSERT_FALSE(e);
    asio::async_read(accepted, asio::buffer(their_hello), [&](auto, std::size_t) {
      asio::write(accepted, asio::buffer(encode_hello(Hello{kCluster, 9, 1})));
    });
  });
  ASSERT_TRUE(a.transport->set_peer(2, Endpoint{"127.0.0.1", impostor.local_endpoint().port()}));
  a.transport->send(2, bytes_of("for node 2"));
  ASSERT_TRUE(run_until(io, [&] { return a.transport->stats().handshakes_refused >= 1; }));
  EXPECT_EQ(a.transport->stats().frames_sent, 0u);
  EXPECT_EQ(a.transport->stats().connects_out, 0u);
  EXPECT_FALSE(a.trace
                   .matching({"net.refused direction=out our_node=1 their_node=9",
                              "expected_node=2", "unexpected node"})
                   .empty())
      << ::testing::PrintToString(a.trace.lines());
  EXPECT_EQ(decode_hello(their_hello)->to, 2u);
}

TEST(TcpTransportTest, AFullSendQueueDropsAndCounts) {
  boost::asio::io_context io;
  TcpTransportOptions options = test_options(1, kCluster);
  options.max_queue_frames = 3;
  TransportNode a(io, options);
  TransportNode b(io, test_options(2, kCluster));
  a.knows(b);
  b.knows(a);
  // The loop does not run between these sends, so nothing leaves the queue.
  for (int i = 0; i < 10; ++i) a.transport->send(2, bytes_of(std::to_string(i)));
  EXPECT_EQ(a.transport->stats().frames_dropped_queue_full, 7u);
  ASSERT_TRUE(run_until(io, [&] { return b.received.size() == 3; }));
  EXPECT_EQ(b.received, (Received{{1, "0"}, {1, "1"}, {1, "2"}}));
}

TEST(TcpTransportTest, TheQueueByteLimitDropsToo) {
  boost::asio::io_context io;
  TcpTransportOptions options = test_options(1, kCluster);
  options.max_queue_bytes = 100;
  TransportNode a(io, options);
  TransportNode b(io, test_options(2, kCluster));
  a.knows(b);
  b.knows(a);
  a.transport->send(2, Bytes(60, 'a'));
  a.transport->send(2, Bytes(60, 'b'));   // 120 > 100: dropped
  a.transport->send(2, Bytes(40, 'c'));   // 100: fits
  a.transport->send(1, Bytes(101, 'd'));  // to ourselves: the same limit
  EXPECT_EQ(a.transport->stats().frames_dropped_queue_full, 2u);
  ASSERT_TRUE(run_until(io, [&] { return b.received.size() == 2; }));
  EXPECT_EQ(b.received[1].second, std::string(40, 'c'));
}

TEST(TcpTransportTest, UnsendableFramesAreDroppedAndCounted) {
  boost::asio::io_context io;
  TransportNode a(io, test_options(1, kCluster));
  a.transport->send(42, bytes_of("to nobody"));
  a.transport->send(1, Bytes(kMaxStreamFrameBytes + 1));
  EXPECT_EQ(a.transport->stats().frames_dropped_unsendable, 2u);
  a.transport->stop();
  a.transport->send(1, bytes_of("after stop"));
  EXPECT_EQ(a.transport->stats().frames_dropped_unsendable, 3u);
}

TEST(TcpTransportTest, BadPeersAreErrors) {
  boost::asio::io_context io;
  TransportNode a(io, test_options(1, kCluster));
  EXPECT_EQ(a.transport->set_peer(kNoNode, a.endpoint()).error().code, Errc::kInvalidArgument);
  EXPECT_EQ(a.transport->set_peer(1, a.endpoint()).error().code, Errc::kInvalidArgument);
  const Status named = a.transport->set_peer(2, Endpoint{"localhost", 7001});
  ASSERT_FALSE(named);
  EXPECT_NE(named.error().message.find("'localhost' is not an IP address"), std::string::npos);
}

TEST(TcpTransportTest, BadOptionsAndAnAddressInUseAreErrors) {
  boost::asio::io_context io;
  testing::TraceRecorder trace;
  AsioClock clock(io);
  const auto create = [&](TcpTransportOptions options) {
    return TcpTransport::create(io, MachineTrace("n", clock, trace), Random(1), options);
  };
  TcpTransportOptions no_self = test_options(1, kCluster);
  no_self.self = kNoNode;
  EXPECT_EQ(create(no_self).error().code, Errc::kInvalidArgument);
  TcpTransportOptions bad_backoff = test_options(1, kCluster);
  bad_backoff.backoff_min = bad_backoff.backoff_max * 2;
  EXPECT_EQ(create(bad_backoff).error().code, Errc::kInvalidArgument);
  TcpTransportOptions no_keepalive = test_options(1, kCluster);
  no_keepalive.keepalive_interval = Duration::zero();
  EXPECT_EQ(create(no_keepalive).error().code, Errc::kInvalidArgument);
  TcpTransportOptions keepalive_too_slow = test_options(1, kCluster);
  keepalive_too_slow.keepalive_interval = keepalive_too_slow.peer_silence_timeout / 2;
  const auto too_slow = create(keepalive_too_slow);
  ASSERT_FALSE(too_slow);
  EXPECT_NE(too_slow.error().message.find("3 * keepalive_interval"), std::string::npos);
  TcpTransportOptions bad_address = test_options(1, kCluster);
  bad_address.listen.address = "not-an-ip";
  EXPECT_EQ(create(bad_address).error().code, Errc::kInvalidArgument);

  auto first = create(test_options(1, kCluster));
  ASSERT_TRUE(first);
  TcpTransportOptions same_port = test_options(2, kCluster);
  same_port.listen.port = (*first)->listen_port();
  const auto second = create(same_port);
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().code, Errc::kIo);
  EXPECT_NE(second.error().message.find(std::to_string(same_port.listen.port)), std::string::npos);
}

}  // namespace
}  // namespace keel::real
