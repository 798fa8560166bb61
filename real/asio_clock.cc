#include "real/asio_clock.h"

#include <algorithm>
#include <chrono>

namespace keel::real {

AsioClock::AsioClock(boost::asio::io_context& io) : io_(io) {}

Time AsioClock::now() const {
  return Time(
      std::chrono::duration_cast<Duration>(std::chrono::steady_clock::now().time_since_epoch()));
}

TimerId AsioClock::after(Duration delay, std::function<void()> callback) {
  const TimerId id = next_id_++;
  auto timer = std::make_unique<Timer>(Timer{boost::asio::steady_timer(io_), std::move(callback)});
  timer->timer.expires_after(std::max(delay, Duration::zero()));
  timer->timer.async_wait([table = std::weak_ptr<Table>(timers_),
                           id](const boost::system::error_code&) { fire(table, id); });
  timers_->emplace(id, std::move(timer));
  return id;
}

TimerId AsioClock::defer(std::function<void()> callback) {
  return after(Duration::zero(), std::move(callback));
}

void AsioClock::cancel(TimerId id) {
  const auto it = timers_->find(id);
  if (it == timers_->end()) return;
  it->second->timer.cancel();
  timers_->erase(it);
}

void AsioClock::fire(const std::weak_ptr<Table>& table, TimerId id) {
  const auto timers = table.lock();
  if (!timers) return;
  const auto it = timers->find(id);
  if (it == timers->end()) return;  // cancelled
  // Out of the table before it runs: the callback may set or cancel timers, this one included.
  const std::function<void()> callback = std::move(it->second->callback);
  timers->erase(it);
  callback();
}

}  // namespace keel::real
