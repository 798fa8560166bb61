// TcpTransport over loopback: frames per second from one node to another, both transports on
// one io_context thread (as two keelds on one machine would each have one), by frame size.
#include <benchmark/benchmark.h>

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstdint>
#include <memory>

#include "core/env/trace.h"
#include "real/asio_clock.h"
#include "real/tcp_transport.h"

namespace keel::real {
namespace {

constexpr std::size_t kFramesPerRound = 1000;

std::unique_ptr<TcpTransport> make_transport(boost::asio::io_context& io, AsioClock& clock,
                                             TraceSink& trace, NodeId self) {
  TcpTransportOptions options;
  options.self = self;
  options.cluster = 1;
  options.max_queue_bytes = 256u << 20;  // a round of the largest frames fits in the queue
  auto made = TcpTransport::create(io, MachineTrace("bench", clock, trace), Random(self), options);
  return made ? std::move(*made) : nullptr;
}

// Sends kFramesPerRound frames of range(0) bytes, then runs the loop until all have arrived.
void BM_TcpTransportLoopback(benchmark::State& state) {
  boost::asio::io_context io;
  AsioClock clock(io);
  NullTraceSink trace;
  auto sender = make_transport(io, clock, trace, 1);
  auto receiver = make_transport(io, clock, trace, 2);
  if (!sender || !receiver) return state.SkipWithError("cannot bind 127.0.0.1");
  std::uint64_t received = 0;
  receiver->set_receive_handler([&](NodeId, ByteView) { ++received; });
  if (!sender->set_peer(2, Endpoint{"127.0.0.1", receiver->listen_port()}) ||
      !receiver->set_peer(1, Endpoint{"127.0.0.1", sender->listen_port()})) {
    return state.SkipWithError("set_peer failed");
  }
  sender->start();
  receiver->start();
  const Bytes frame(static_cast<std::size_t>(state.range(0)), 0x5A);
  std::uint64_t expected = 0;
  for (auto _ : state) {
    for (std::size_t i = 0; i < kFramesPerRound; ++i) sender->send(2, frame);
    expected += kFramesPerRound;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (received < expected && std::chrono::steady_clock::now() < deadline) {
      io.run_one_for(std::chrono::milliseconds(10));
    }
    if (received < expected) return state.SkipWithError("frames did not arrive in 10 s");
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(expected));
  state.SetBytesProcessed(static_cast<std::int64_t>(expected * frame.size()));
  state.counters["dropped"] = static_cast<double>(sender->stats().frames_dropped_queue_full);
  sender->stop();
  receiver->stop();
}
BENCHMARK(BM_TcpTransportLoopback)
    ->Arg(100)
    ->Arg(4096)
    ->Arg(65536)
    ->UseRealTime()  // the loop waits in epoll: CPU time alone would flatter the rates
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace keel::real
