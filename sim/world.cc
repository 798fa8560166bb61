#include "sim/world.h"

#include <algorithm>

#include "core/env/assert.h"

namespace keel::sim {
namespace {

// Kinds of kernel events folded into the trace hash.
enum Note : std::uint64_t {
  kNoteDeliver = 1,
  kNoteTimer,
  kNoteHostCall,
  kNoteWorldCall,
  kNoteCrash,
  kNoteRestart,
  kNotePause,
  kNoteResume,
  kNoteClock,
  kNoteDrop,
};

}  // namespace

World::World(std::uint64_t seed) : seed_(seed), root_(seed), network_(root_.derive("network")) {}

World::~World() {
  // Programs go first, while the hosts they reference still exist.
  for (auto& host : hosts_) host->program_.reset();
  for (auto& host : clients_) host->program_.reset();
}

NodeId World::add_host(std::string name, ProgramFactory factory) {
  KEEL_ASSERT(id_of(name) == kNoNode, "two machines named ", name);
  const NodeId id = hosts_.size() + 1;
  hosts_.push_back(std::make_unique<Host>(*this, id, std::move(name), std::move(factory), root_));
  hosts_.back()->boot();
  return id;
}

NodeId World::add_client(std::string name, ProgramFactory factory) {
  KEEL_ASSERT(id_of(name) == kNoNode, "two machines named ", name);
  const NodeId id = kFirstClientId + clients_.size();
  clients_.push_back(std::make_unique<Host>(*this, id, std::move(name), std::move(factory), root_));
  clients_.back()->boot();
  return id;
}

Host* World::find(NodeId id) const {
  if (id >= 1 && id <= hosts_.size()) return hosts_[id - 1].get();
  if (id >= kFirstClientId && id - kFirstClientId < clients_.size()) {
    return clients_[id - kFirstClientId].get();
  }
  return nullptr;
}

Host& World::host(NodeId id) {
  Host* found = find(id);
  KEEL_ASSERT(found != nullptr, "no machine with id ", id);
  return *found;
}

const Host& World::host(NodeId id) const {
  const Host* found = find(id);
  KEEL_ASSERT(found != nullptr, "no machine with id ", id);
  return *found;
}

std::vector<NodeId> World::machine_ids() const {
  std::vector<NodeId> ids;
  for (const auto& host : hosts_) ids.push_back(host->id());
  return ids;
}

std::vector<NodeId> World::host_ids() const {
  std::vector<NodeId> ids = machine_ids();
  for (const auto& host : clients_) ids.push_back(host->id());
  return ids;
}

NodeId World::id_of(std::string_view name) const {
  for (const auto* hosts : {&hosts_, &clients_}) {
    for (const auto& host : *hosts) {
      if (host->name() == name) return host->id();
    }
  }
  return kNoNode;
}

void World::add_chunk() {
  KEEL_ASSERT(slot_count_ + kChunkSize <= EventQueue::kSlotLimit, "event slots exhausted");
  chunks_.push_back(std::make_unique<Event[]>(kChunkSize));
  for (std::uint32_t i = kChunkSize; i-- > 0;) {
    chunks_.back()[i].next_free = free_head_;
    free_head_ = slot_count_ + i;
  }
  slot_count_ += kChunkSize;
}

std::uint32_t World::new_event(Event::Kind kind, Host* host) {
  if (free_head_ == kNoSlot) [[unlikely]]
    add_chunk();
  const std::uint32_t slot = free_head_;
  Event& event = event_at(slot);
  free_head_ = event.next_free;
  event.kind = kind;
  event.host = host;
  event.incarnation = host != nullptr ? host->incarnation() : 0;
  return slot;
}

void World::release(std::uint32_t slot) {
  Event& event = event_at(slot);
  // Only deliveries hold a frame and only calls a function (the other kinds never set them).
  if (event.kind == Event::Kind::kDeliver) {
    event.frame = SharedBytes();
  } else if (event.call) {
    event.call = nullptr;
  }
  event.next_free = free_head_;
  free_head_ = slot;
}

void World::at(Time when, std::function<void()> fn) {
  const std::uint32_t slot = new_event(Event::Kind::kWorldCall, nullptr);
  event_at(slot).call = std::move(fn);
  queue_.push(std::max(when, now_), slot);
}

void World::record(std::string_view event, std::initializer_list<TraceField> fields) {
  trace_.record(now_, TraceEvent{now_, "sim", "sim", event,
                                 std::span<const TraceField>(fields.begin(), fields.size())});
}

void World::crash(NodeId id, CrashMode mode) {
  Host& h = host(id);
  trace_.note(kNoteCrash, now_, id);
  record("crash", {{"machine", h.name()},
                   {"disk", mode == CrashMode::kCorruptTail ? "corrupt-tail" : "lose-unsynced"}});
  h.crash(mode);
}

void World::restart(NodeId id) {
  trace_.note(kNoteRestart, now_, id);
  record("restart", {{"machine", host(id).name()}});
  host(id).boot();
}

void World::partition(const std::vector<std::vector<NodeId>>& groups) {
  std::string text;
  for (const auto& group : groups) {
    text += text.empty() ? "" : " | ";
    for (std::size_t i = 0; i < group.size(); ++i) {
      text += (i ? "," : "") + host(group[i]).name();
    }
  }
  record("partition", {{"groups", text}});
  network_.partition(groups, machine_ids());
}

void World::isolate(NodeId id) {
  std::vector<NodeId> others = machine_ids();
  std::erase(others, id);
  partition({{id}, others});
}

void World::block(NodeId from, NodeId to) {
  record("block", {{"from", host(from).name()}, {"to", host(to).name()}});
  network_.block(from, to);
}

void World::cut(const std::vector<std::pair<NodeId, NodeId>>& links, std::string_view description) {
  record("partition", {{"kind", description}, {"blocked_links", links.size()}});
  network_.heal();
  for (const auto& [from, to] : links) network_.block(from, to);
}

void World::set_link_defaults(const LinkConfig& config) {
  record("network", {{"drop_ppm", static_cast<std::int64_t>(config.drop * 1e6)},
                     {"duplicate_ppm", static_cast<std::int64_t>(config.duplicate * 1e6)},
                     {"latency_low_ns", config.latency_low.count()},
                     {"latency_high_ns", config.latency_high.count()}});
  network_.set_default(config);
}

void World::heal() {
  record("heal", {});
  network_.heal();
}

void World::pause(NodeId id) {
  Host& h = host(id);
  KEEL_ASSERT(h.state_ == HostState::kUp, "pause of ", h.name(), " which is not up");
  trace_.note(kNotePause, now_, id);
  record("pause", {{"machine", h.name()}});
  h.state_ = HostState::kPaused;
}

void World::resume(NodeId id) {
  Host& h = host(id);
  if (h.state_ != HostState::kPaused) return;
  trace_.note(kNoteResume, now_, id);
  record("resume", {{"machine", h.name()}});
  h.state_ = HostState::kUp;
  // Everything that waited runs now, in the order it arrived.
  for (std::uint32_t slot : h.paused_events_) queue_.push(now_, slot);
  h.paused_events_.clear();
}

void World::step_clock(NodeId id, Duration offset) {
  Host& h = host(id);
  trace_.note(kNoteClock, now_, id, static_cast<std::uint64_t>(offset.count()));
  record("clock-step", {{"machine", h.name()}, {"offset_ns", offset.count()}});
  h.clock_.step(now_, offset);
  requeue_timers(h);
}

void World::set_clock_rate(NodeId id, std::int64_t rate_ppm) {
  Host& h = host(id);
  trace_.note(kNoteClock, now_, id, static_cast<std::uint64_t>(rate_ppm));
  record("clock-rate", {{"machine", h.name()}, {"ppm", rate_ppm}});
  h.clock_.set_rate(now_, rate_ppm);
  requeue_timers(h);
}

void World::schedule_timer(Host& h, TimerId id, Time deadline) {
  const std::uint32_t slot = new_event(Event::Kind::kTimer, &h);
  Event& event = event_at(slot);
  event.timer = id;
  event.clock_epoch = h.clock_epoch_;
  queue_.push(h.clock_.world_time_of(deadline, h.effective_now()), slot);
}

void World::queue_deferred_call(Host& h, TimerId id, std::function<void()>&& call) {
  const std::uint32_t slot = new_event(Event::Kind::kDeferredCall, &h);
  Event& event = event_at(slot);
  event.timer = id;
  event.call = std::move(call);
  queue_.push(h.effective_now(), slot);
}

// The clock changed: every pending timer's true firing time moves. The queued events of the old
// epoch are left to be discarded when they come up.
void World::requeue_timers(Host& h) {
  ++h.clock_epoch_;
  if (!h.up()) return;
  for (const Host::Timer& timer : h.timers_) schedule_timer(h, timer.id, timer.deadline);
}

void World::send(Host& from, NodeId to, SharedBytes frame) {
  const Time depart = from.effective_now();
  Host* receiver = find(to);
  if (receiver == nullptr || !receiver->up()) {
    ++network_.stats().dropped_down;
    trace_.note(kNoteDrop, depart, from.id(), to);
    return;
  }
  const SimNetwork::Route route = network_.route(from.id(), to, depart);
  if (route.copies == 0) {
    trace_.note(kNoteDrop, depart, from.id(), to);
    return;
  }
  for (int i = 0; i < route.copies; ++i) {
    const std::uint32_t slot = new_event(Event::Kind::kDeliver, receiver);
    Event& event = event_at(slot);
    event.from = from.id();
    event.frame = i + 1 == route.copies ? std::move(frame) : frame;
    queue_.push(route.at[i], slot);
  }
}

bool World::step() {
  if (queue_.empty()) return false;
  run(queue_.pop());
  return true;
}

void World::run_until(Time until) {
  while (const std::optional<EventQueue::Item> item = queue_.pop_due(until)) run(*item);
  if (until > now_) now_ = until;
}

void World::run(const EventQueue::Item& item) {
  KEEL_ASSERT(item.time >= now_, "event queue went back in time");
  now_ = item.time;
  ++events_run_;
  dispatch(item.slot());
}

void World::dispatch(std::uint32_t slot) {
  Event& event = event_at(slot);
  if (event.kind == Event::Kind::kWorldCall) {
    trace_.note(kNoteWorldCall, now_, 0);
    event.call();
    release(slot);
    return;
  }
  Host& h = *event.host;
  if (event.incarnation != h.incarnation() || h.state_ == HostState::kDown) {
    if (event.kind == Event::Kind::kDeliver) ++network_.stats().dropped_down;
    release(slot);
    return;
  }
  if (h.state_ == HostState::kPaused) {
    h.paused_events_.push_back(slot);
    return;
  }
  if (event.kind == Event::Kind::kWake) {
    wake(h, slot);
    return;
  }
  if (h.busy_until_ > now_) {
    wait_for_sync(h, slot);
    return;
  }
  run_on_host(h, event);
  release(slot);
}

// The host is inside a blocking sync (SimFileSystem charges it): nothing runs on it until the
// sync returns. The event waits in the host's list, in arrival order, and one wake event at the
// sync's end stands for the whole list, instead of each event going back through the queue.
void World::wait_for_sync(Host& h, std::uint32_t slot) {
  h.waiting_.push_back(slot);
  if (h.waiting_.size() > 1) return;  // the first one queued the wake
  queue_.push(h.busy_until_, new_event(Event::Kind::kWake, &h));
}

void World::wake(Host& h, std::uint32_t wake_slot) {
  if (h.busy_until_ > now_) {  // a world call made the host sync again meanwhile: wait on
    queue_.push(h.busy_until_, wake_slot);
    return;
  }
  release(wake_slot);
  KEEL_ASSERT(waking_.empty(), "a wake inside a wake");
  waking_.swap(h.waiting_);
  // Each runs as if it came up now; one that makes the host sync again sends the rest (and any
  // later arrival) back to wait, still in arrival order.
  for (std::uint32_t slot : waking_) dispatch(slot);
  waking_.clear();
}

void World::run_on_host(Host& h, Event& event) {
  switch (event.kind) {
    case Event::Kind::kDeliver: {
      if (network_.blocked(event.from, h.id())) {  // the partition began while it flew
        ++network_.stats().dropped_partition;
        trace_.note(kNoteDrop, now_, event.from, h.id());
        return;
      }
      ++network_.stats().delivered;
      trace_.note(kNoteDeliver, now_, event.from, h.id());
      trace_.note_frame(event.frame);
      if (h.receive_) h.receive_(event.from, event.frame);
      return;
    }
    case Event::Kind::kTimer: {
      if (event.clock_epoch != h.clock_epoch_) return;  // re-queued under the new clock
      auto it = h.find_timer(event.timer);
      if (it == h.timers_.end()) return;  // cancelled
      std::function<void()> callback = std::move(it->callback);
      h.timers_.erase(it);
      trace_.note(kNoteTimer, now_, h.id(), event.timer);
      callback();
      return;
    }
    case Event::Kind::kHostCall:
      trace_.note(kNoteHostCall, now_, h.id());
      event.call();
      return;
    case Event::Kind::kDeferredCall: {
      std::vector<TimerId>& pending = h.deferred_calls_;  // nearly always this call alone
      const auto it = std::find(pending.begin(), pending.end(), event.timer);
      if (it == pending.end()) return;  // cancelled
      pending.erase(it);
      trace_.note(kNoteTimer, now_, h.id(), event.timer);  // as the zero-delay timer it replaces
      event.call();
      return;
    }
    case Event::Kind::kWorldCall:
    case Event::Kind::kWake:
      break;
  }
  KEEL_UNREACHABLE("world call or wake run as a host's event");
}

}  // namespace keel::sim
