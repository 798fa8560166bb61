// World: the deterministic simulator kernel. Every simulated machine runs in this one thread, in
// virtual time, from one event queue ordered by (time, sequence). A root seed derives one random
// stream per component and per host, so the same seed gives the same run, byte for byte, and a
// running 64-bit hash of everything that happened identifies the run.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/env/random.h"
#include "sim/event_queue.h"
#include "sim/host.h"
#include "sim/sim_network.h"
#include "sim/trace_log.h"

namespace keel::sim {

class World {
 public:
  explicit World(std::uint64_t seed);
  ~World();
  World(const World&) = delete;
  World& operator=(const World&) = delete;

  std::uint64_t seed() const { return seed_; }
  // True time: the simulator's own clock, which no program can read.
  Time now() const { return now_; }

  // Machines get ids 1, 2, ... in the order they are added, and boot at once.
  NodeId add_host(std::string name, ProgramFactory factory);
  // Clients (the workload's, outside the cluster) get ids from kFirstClientId on, so machines
  // added later keep their numbers. Partitions never cut a client off: it stands for a user who
  // reaches every machine, as Jepsen's control node does; link faults (loss, delay) still apply.
  static constexpr NodeId kFirstClientId = 1'000'001;
  NodeId add_client(std::string name, ProgramFactory factory);
  Host& host(NodeId id);
  const Host& host(NodeId id) const;
  // The machines, then the clients.
  std::vector<NodeId> host_ids() const;
  std::vector<NodeId> machine_ids() const;
  NodeId id_of(std::string_view name) const;  // kNoNode when unknown

  // Faults on machines. A crash destroys the program with its timers and the frames queued for it,
  // and the disk loses what was not synced; restart builds a new program that sees only the disk;
  // pause freezes the program (its frames and timers wait) until resume.
  void crash(NodeId id, CrashMode mode = CrashMode::kLoseUnsynced);
  void restart(NodeId id);
  void pause(NodeId id);
  void resume(NodeId id);
  // Clock faults: a step of the host's clock, or a new rate (parts per million, 1'000'000 = true).
  void step_clock(NodeId id, Duration offset);
  void set_clock_rate(NodeId id, std::int64_t rate_ppm);

  // Partitions, recorded in the trace: machines in different groups (or in none) cannot talk.
  void partition(const std::vector<std::vector<NodeId>>& groups);
  // Cuts one machine off from every other (a partition of it against the rest).
  void isolate(NodeId id);
  void block(NodeId from, NodeId to);  // one direction only
  // Replaces the current partition with exactly these blocked directions.
  void cut(const std::vector<std::pair<NodeId, NodeId>>& links, std::string_view description);
  void heal();
  // Changes the network's link defaults (latency, drop, duplicate), recorded in the trace.
  void set_link_defaults(const LinkConfig& config);
  // Records a fault or other simulator action in the trace, as machine "sim".
  void record(std::string_view event, std::initializer_list<TraceField> fields);

  SimNetwork& network() { return network_; }
  TraceLog& trace() { return trace_; }

  // Runs `fn` at true time `at` (or now, if that has passed), outside any machine.
  void at(Time when, std::function<void()> fn);
  void after(Duration delay, std::function<void()> fn) { at(now_ + delay, std::move(fn)); }

  // Runs one event (a wake runs the events that waited for a machine's sync); false when none
  // is left.
  bool step();
  // Runs every event up to and including true time `until`, then sets the time to `until`.
  void run_until(Time until);
  void run_for(Duration d) { run_until(now_ + d); }
  std::uint64_t events_run() const { return events_run_; }

 private:
  friend class Host;

  Host* find(NodeId id) const;  // null when no host has the id

  struct Event {
    // kWake: a host's blocking sync returned; the events that waited for it run (wait_for_sync).
    // kDeferredCall: a call the host's program deferred (Clock::defer).
    enum class Kind : std::uint8_t {
      kDeliver,
      kTimer,
      kHostCall,
      kWorldCall,
      kWake,
      kDeferredCall
    };
    Kind kind = Kind::kWorldCall;
    std::uint32_t next_free = 0;  // while the slot is free: the next free slot (kNoSlot: none)
    Host* host = nullptr;         // the machine it happens on (null: a world call)
    std::uint64_t incarnation = 0;
    NodeId from = kNoNode;  // kDeliver
    TimerId timer = 0;      // kTimer, kDeferredCall (its id)
    std::uint64_t clock_epoch = 0;
    SharedBytes frame;           // kDeliver
    std::function<void()> call;  // kHostCall, kWorldCall, kDeferredCall
  };

  // The event slots live in fixed-size chunks that never move, so an event is handled in its slot
  // while its handler schedules more, and finding slot i is a shift and a mask. Free slots form an
  // intrusive list through Event::next_free, newest first.
  static constexpr int kChunkBits = 8;
  static constexpr std::uint32_t kChunkSize = 1u << kChunkBits;
  static constexpr std::uint32_t kNoSlot = ~std::uint32_t{0};
  Event& event_at(std::uint32_t slot) {
    return chunks_[slot >> kChunkBits][slot & (kChunkSize - 1)];
  }

  // A free slot holding an event of `kind` on `host` (and its incarnation; null: none), with no
  // frame and no call: the caller fills in the rest in place and pushes the slot on queue_.
  std::uint32_t new_event(Event::Kind kind, Host* host);
  // Every slot is taken: adds a chunk of free ones (rare, so kept out of new_event's body).
  [[gnu::cold, gnu::noinline]] void add_chunk();
  void release(std::uint32_t slot);
  // Runs an event popped from queue_: the time moves to it.
  void run(const EventQueue::Item& item);
  void dispatch(std::uint32_t slot);
  void wait_for_sync(Host& host, std::uint32_t slot);
  void wake(Host& host, std::uint32_t wake_slot);
  void run_on_host(Host& host, Event& event);
  void send(Host& from, NodeId to, SharedBytes frame);
  void schedule_timer(Host& host, TimerId id, Time deadline);
  // Clock::defer's kernel side: the call runs where a zero-delay timer set now would, behind the
  // events already due at the host's now (so a node's group commit still sees every input of the
  // instant), and is hashed as that timer, but costs no Timer entry, deadline conversion or search.
  void queue_deferred_call(Host& host, TimerId id, std::function<void()>&& call);
  void requeue_timers(Host& host);

  std::uint64_t seed_;
  Random root_;
  Time now_{};
  EventQueue queue_;
  std::vector<std::unique_ptr<Event[]>>
      chunks_;                                  // slot i is chunks_[i / kChunkSize][i % kChunkSize]
  std::uint32_t slot_count_ = 0;                // slots ever made
  std::uint32_t free_head_ = kNoSlot;           // the first free slot
  std::vector<std::uint32_t> waking_;           // the batch wake() runs (kept for its capacity)
  std::vector<std::unique_ptr<Host>> hosts_;    // index = id - 1
  std::vector<std::unique_ptr<Host>> clients_;  // index = id - kFirstClientId
  SimNetwork network_;
  TraceLog trace_;
  std::uint64_t events_run_ = 0;
};

}  // namespace keel::sim
