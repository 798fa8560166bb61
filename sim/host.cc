#include "sim/host.h"

#include <algorithm>

#include "core/env/assert.h"
#include "sim/world.h"

namespace keel::sim {

// The Env pieces a program sees. Each belongs to one incarnation of the host.
class Host::HostClock final : public Clock {
 public:
  explicit HostClock(Host& host) : host_(host) {}
  Time now() const override { return host_.local_time(); }
  TimerId after(Duration delay, std::function<void()> callback) override {
    KEEL_ASSERT(delay >= Duration::zero(), "negative timer delay on ", host_.name_);
    const TimerId id = host_.next_timer_++;
    const Time deadline = host_.local_time() + delay;
    host_.timers_.push_back(Timer{id, deadline, std::move(callback)});
    host_.world_.schedule_timer(host_, id, deadline);
    return id;
  }
  // A zero-delay timer's order and hash, without the timer: no deadline to convert and no entry
  // in timers_ (World::queue_deferred_call).
  TimerId defer(std::function<void()> callback) override {
    const TimerId id = host_.next_timer_++;
    host_.deferred_calls_.push_back(id);
    host_.world_.queue_deferred_call(host_, id, std::move(callback));
    return id;
  }
  void cancel(TimerId id) override {
    auto it = host_.find_timer(id);
    if (it != host_.timers_.end()) {
      host_.timers_.erase(it);
      return;
    }
    std::erase(host_.deferred_calls_, id);
  }

 private:
  Host& host_;
};

class Host::HostTransport final : public Transport {
 public:
  explicit HostTransport(Host& host) : host_(host) {}
  void send(NodeId to, SharedBytes frame) override {
    host_.world_.send(host_, to, std::move(frame));
  }
  void set_receive_handler(ReceiveHandler handler) override { host_.receive_ = std::move(handler); }

 private:
  Host& host_;
};

class Host::HostTraceSink final : public TraceSink {
 public:
  explicit HostTraceSink(Host& host) : host_(host) {}
  void record(const TraceEvent& event) override {
    host_.world_.trace().record(host_.effective_now(), event);
  }

 private:
  Host& host_;
};

Host::Host(World& world, NodeId id, std::string name, ProgramFactory factory, const Random& root)
    : world_(world),
      id_(id),
      name_(std::move(name)),
      factory_(std::move(factory)),
      root_(root.derive("host/" + name_)),
      // Machines boot at different instants: their clocks' readings share no origin.
      clock_(Time{} + Duration(root_.derive("clock-origin").below(3'600'000'000'000ULL))),
      fs_(root_.derive("disk"), [this](Duration d) { charge(d); }),
      containers_(*this, root_.derive("containers")) {}

Host::~Host() {
  // Destroy the program first: its destructor may still use its Env.
  program_.reset();
}

std::vector<Host::Timer>::iterator Host::find_timer(TimerId id) {
  auto it = std::lower_bound(timers_.begin(), timers_.end(), id,
                             [](const Timer& timer, TimerId wanted) { return timer.id < wanted; });
  return it != timers_.end() && it->id == id ? it : timers_.end();
}

Time Host::effective_now() const { return std::max(world_.now(), busy_until_); }

Time Host::local_time() { return clock_.read(effective_now()); }

void Host::record(std::string_view component, std::string_view event,
                  std::initializer_list<TraceField> fields) {
  world_.trace().record(effective_now(),
                        TraceEvent{local_time(), name_, component, event,
                                   std::span<const TraceField>(fields.begin(), fields.size())});
}

void Host::charge(Duration d) { busy_until_ = effective_now() + d; }

void Host::post(Duration delay, std::function<void()> fn) {
  const std::uint32_t slot = world_.new_event(World::Event::Kind::kHostCall, this);
  world_.event_at(slot).call = std::move(fn);
  world_.queue_.push(effective_now() + delay, slot);
}

void Host::boot() {
  KEEL_ASSERT(state_ == HostState::kDown, "boot of ", name_, " which is not down");
  ++incarnation_;
  state_ = HostState::kUp;
  clock_iface_ = std::make_unique<HostClock>(*this);
  transport_ = std::make_unique<HostTransport>(*this);
  trace_ = std::make_unique<HostTraceSink>(*this);
  random_.emplace(root_.derive("program").derive(std::to_string(incarnation_)));
  env_ = std::make_unique<Env>(
      Env{id_, name_, *clock_iface_, *transport_, fs_, containers_, *random_, *trace_});
  program_ = factory_(*env_);
}

void Host::crash(CrashMode mode) {
  KEEL_ASSERT(state_ != HostState::kDown, "crash of ", name_, " which is down");
  program_.reset();
  state_ = HostState::kDown;
  timers_.clear();
  deferred_calls_.clear();
  receive_ = nullptr;
  for (std::uint32_t slot : paused_events_) world_.release(slot);
  paused_events_.clear();
  for (std::uint32_t slot : waiting_) world_.release(slot);
  waiting_.clear();
  containers_.lose_all();
  fs_.crash(mode);
  busy_until_ = Time{};
  env_.reset();
  random_.reset();
  trace_.reset();
  transport_.reset();
  clock_iface_.reset();
}

}  // namespace keel::sim
