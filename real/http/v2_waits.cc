#include "real/http/v2_waits.h"

#include "core/env/str.h"

namespace keel::real::http {

namespace {

bool is_deletion(std::string_view action) {
  return action == "delete" || action == "compareAndDelete" || action == "expire";
}

}  // namespace

V2Waits::V2Waits(boost::asio::io_context& io, KvBackend& backend,
                 std::chrono::milliseconds poll_interval)
    : backend_(backend), poll_interval_(poll_interval), timer_(io) {}

V2Waits::~V2Waits() {
  for (const auto& [id, wait] : waits_) (void)backend_.watches().cancel(id);
}

std::expected<kv::WatchId, V2Error> V2Waits::start(std::string path, bool recursive,
                                                   kv::Revision from, Answer answer) {
  // The node and everything below it: a deleted directory answers the waits below it. Other keys
  // sharing the prefix ("/a!b" for "/a") concern no wait and are skipped by event_for().
  kv::WatchRequest request;
  request.key = path == "/" ? children_prefix("/") : node_key(path);
  request.range_end = kv::prefix_end(children_prefix(path));
  request.start_revision = from;
  const kv::Revision now = backend_.store().revision();
  auto watched = backend_.watches().watch(request);
  if (!watched) {
    if (watched.error().code == Errc::kNotFound) {
      return std::unexpected(V2Error{V2Code::kEventIndexCleared,
                                     str("the requested history has been cleared [",
                                         backend_.store().compact_revision() + 1, "/", from, "]"),
                                     now});
    }
    return std::unexpected(V2Error{V2Code::kRaftInternal, watched.error().message, now});
  }
  waits_.emplace(*watched, Wait{std::move(path), recursive, std::move(answer)});
  arm();
  return *watched;
}

void V2Waits::cancel(kv::WatchId id) {
  if (waits_.erase(id) > 0) (void)backend_.watches().cancel(id);
}

void V2Waits::arm() {
  if (armed_ || waits_.empty()) return;
  armed_ = true;
  timer_.expires_after(poll_interval_);
  timer_.async_wait([this](boost::system::error_code error) {
    if (error) return;  // destroyed: the timer was canceled
    armed_ = false;
    poll_all();
    arm();
  });
}

void V2Waits::poll_all() {
  kv::WatchHub& hub = backend_.watches();
  for (const kv::WatchId id : hub.ready()) {
    auto it = waits_.find(id);
    if (it == waits_.end()) continue;
    std::optional<std::expected<V2Event, V2Error>> outcome;
    while (!outcome) {
      std::optional<kv::WatchResponse> response = hub.poll(id);
      if (!response) break;
      if (response->canceled) {
        outcome = std::unexpected(
            V2Error{V2Code::kWatcherCleared, response->cancel_reason, backend_.store().revision()});
        break;
      }
      // Whole revisions, in order.
      for (std::size_t at = 0; at < response->events.size() && !outcome;) {
        const kv::Revision revision = response->events[at].kv.mod_revision;
        std::vector<kv::Event> same;
        while (at < response->events.size() && response->events[at].kv.mod_revision == revision) {
          same.push_back(response->events[at++]);
        }
        if (std::optional<V2Event> event = event_for(it->second, revision, same)) {
          outcome = std::move(*event);
        }
      }
    }
    if (!outcome) continue;
    Answer answer = std::move(it->second.answer);
    const bool hub_dropped = !outcome->has_value();
    waits_.erase(it);
    if (!hub_dropped) (void)hub.cancel(id);
    answer(std::move(*outcome));
  }
}

bool V2Waits::concerns(const Wait& wait, const std::string& path, bool deleted) const {
  if (path == wait.path) return true;
  if (wait.recursive && is_below(path, wait.path) && !hidden_below(path, wait.path)) return true;
  return deleted && is_below(wait.path, path);
}

std::optional<V2Event> V2Waits::event_for(const Wait& wait, kv::Revision revision,
                                          const std::vector<kv::Event>& events) const {
  const V2Reader reader(backend_.store());
  if (auto action = reader.action_at(revision)) {
    const bool deleted = is_deletion(action->first);
    if (!concerns(wait, action->second, deleted)) return std::nullopt;
    return build(action->first, action->second, revision, deleted);
  }
  for (const kv::Event& event : events) {  // no v2 write made it: lease expiries
    if (event.type != kv::Event::Type::kDelete) continue;
    std::optional<std::string> path = path_of(event.kv.key);
    if (path && concerns(wait, *path, true)) return build("expire", *path, revision, true);
  }
  return std::nullopt;
}

V2Event V2Waits::build(std::string action, const std::string& path, kv::Revision revision,
                       bool deleted) const {
  const V2Reader reader(backend_.store());
  V2Event event{std::move(action), std::nullopt, reader.find(path, revision - 1)};
  if (deleted) {
    V2Node node{path,
                event.prev_node && event.prev_node->dir,
                std::nullopt,
                std::nullopt,
                event.prev_node ? event.prev_node->created : 0,
                revision,
                {}};
    event.node = std::move(node);
  } else {
    event.node = reader.find(path, revision);
  }
  return event;
}

}  // namespace keel::real::http
