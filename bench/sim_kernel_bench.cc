// Simulator kernel throughput: 5 machines keep 64 frames in flight, each delivery answered by a
// send to another machine, through SimNetwork with jitter. Reports events per second.
#include <benchmark/benchmark.h>

#include "core/env/str.h"
#include "sim/world.h"

namespace keel::sim {
namespace {

using namespace std::chrono_literals;

class Relay final : public Program {
 public:
  Relay(Env& env, int machines, int initial) : env_(env), machines_(machines) {
    env_.transport.set_receive_handler([this](NodeId, ByteView frame) { forward(frame); });
    for (int i = 0; i < initial; ++i) forward(Bytes(32, static_cast<std::uint8_t>(i)));
  }

 private:
  void forward(ByteView frame) {
    const NodeId to = 1 + env_.random.below(static_cast<std::uint64_t>(machines_));
    env_.transport.send(to, Bytes(frame.begin(), frame.end()));
  }
  Env& env_;
  int machines_;
};

constexpr int kMachines = 5;

void BM_SimKernelEvents(benchmark::State& state) {
  World world(1);
  for (int i = 1; i <= kMachines; ++i) {
    world.add_host(str("n", i), [](Env& env) {
      return std::make_unique<Relay>(env, kMachines, 64 / kMachines);
    });
  }
  world.network().set_default(LinkConfig{1ms, 10ms, 0.0, 0.0});
  std::uint64_t events = 0;
  for (auto _ : state) {
    const std::uint64_t before = world.events_run();
    world.run_for(100ms);
    events += world.events_run() - before;
  }
  state.counters["events_per_second"] =
      benchmark::Counter(static_cast<double>(events), benchmark::Counter::kIsRate);
  benchmark::DoNotOptimize(world.trace().hash());
}
BENCHMARK(BM_SimKernelEvents)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace keel::sim
