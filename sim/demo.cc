#include "sim/demo.h"

#include <iomanip>
#include <map>

#include "core/env/str.h"
#include "sim/world.h"

namespace keel::sim {
namespace {

using namespace std::chrono_literals;

constexpr int kMachines = 5;

// Every 50 ms a machine sends a beacon to every other one. At boot it counts its boots in a file it
// syncs, so a restart shows what the disk kept.
class Gossip final : public Program {
 public:
  explicit Gossip(Env& env) : env_(env) {
    auto file = env_.fs.open("boots", OpenMode::kCreateOrOpen);
    KEEL_ASSERT(file.has_value(), file.error().message);
    boots_ = static_cast<std::int64_t>((*file)->size()) + 1;
    KEEL_ASSERT((*file)->append(Bytes{1}).has_value(), "append");
    KEEL_ASSERT((*file)->sync().has_value(), "sync");
    KEEL_ASSERT(env_.fs.sync_dir("").has_value(), "sync_dir");
    env_.emit("demo", "booted", {{"boots", boots_}});
    env_.transport.set_receive_handler([this](NodeId, ByteView) { ++received; });
    beacon();
  }
  ~Gossip() override { env_.clock.cancel(timer_); }

  std::int64_t received = 0;
  std::int64_t sent = 0;

 private:
  void beacon() {
    timer_ = env_.clock.after(50ms, [this] {
      for (NodeId peer = 1; peer <= kMachines; ++peer) {
        if (peer == env_.self) continue;
        env_.transport.send(peer, Bytes(16, static_cast<std::uint8_t>(env_.self)));
        ++sent;
      }
      beacon();
    });
  }

  Env& env_;
  std::int64_t boots_ = 0;
  TimerId timer_ = 0;
};

std::string seconds(Time t) {
  return str(std::fixed, std::setprecision(3),
             std::chrono::duration<double>(t.time_since_epoch()).count(), "s");
}

}  // namespace

DemoResult run_demo(std::uint64_t seed, std::ostream* out) {
  World world(seed);
  world.trace().set_recording(out != nullptr);
  for (int i = 1; i <= kMachines; ++i) {
    world.add_host(str("n", i), [](Env& env) { return std::make_unique<Gossip>(env); });
  }
  world.network().set_default(LinkConfig{1ms, 10ms, 0.02, 0.01});
  for (NodeId id : world.host_ids()) world.host(id).fs().set_sync_latency(1ms, 5ms);

  world.at(Time{} + 1s, [&] { world.partition({{1, 2}, {3, 4, 5}}); });
  world.at(Time{} + 2s, [&] { world.heal(); });
  world.at(Time{} + 2500ms, [&] { world.crash(3, CrashMode::kLoseUnsynced); });
  world.at(Time{} + 3500ms, [&] { world.restart(3); });
  world.at(Time{} + 4s, [&] { world.pause(4); });
  world.at(Time{} + 4500ms, [&] { world.resume(4); });
  world.at(Time{} + 5s, [&] { world.step_clock(5, 800ms); });
  world.run_until(Time{} + 6s);

  const DemoResult result{world.trace().hash(), world.events_run()};
  if (out == nullptr) return result;

  std::ostream& o = *out;
  o << "keelsim demo: " << kMachines << " machines gossiping for 6s of simulated time, seed "
    << seed << "\n\nWhat happened:\n";
  for (const TraceRecord& r : world.trace().records()) {
    o << "  " << std::setw(8) << seconds(r.world_time) << "  " << std::setw(4) << r.machine << "  "
      << r.text << "\n";
  }
  o << "\nMachines:\n  name  state   sent  received\n";
  for (NodeId id : world.host_ids()) {
    const Host& h = world.host(id);
    const auto* gossip = static_cast<const Gossip*>(h.program());
    o << "  " << std::left << std::setw(5) << h.name() << " " << std::setw(6)
      << (h.state() == HostState::kUp ? "up" : "down") << std::right << std::setw(6)
      << (gossip ? gossip->sent : 0) << std::setw(10) << (gossip ? gossip->received : 0) << "\n";
  }
  const NetworkStats& net = world.network().stats();
  o << "\nNetwork: " << net.sent << " frames sent, " << net.delivered << " delivered, "
    << net.dropped_random << " lost at random, " << net.dropped_partition
    << " cut by the partition, " << net.dropped_down << " to a machine that was down, "
    << net.duplicated << " duplicated\n";
  o << "Events run: " << result.events << "\n";
  o << "Trace hash: " << std::hex << std::setw(16) << std::setfill('0') << result.trace_hash
    << std::dec << std::setfill(' ') << "  (rerun with --seed " << seed
    << " to get the same hash)\n";
  return result;
}

}  // namespace keel::sim
