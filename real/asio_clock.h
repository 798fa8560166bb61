// AsioClock: env::Clock for a real machine: readings are std::chrono::steady_clock's (on Linux
// CLOCK_MONOTONIC: time since boot, suspended time not counted, so a restarted keeld's readings
// continue where its previous life's stopped), timers as asio::steady_timers on
// the machine's one io_context.
//
// Contract (core/env/clock.h): a callback runs once, on the io_context thread, never inside
// after(); cancel() guarantees it will not run, even when its timer has already expired and its
// completion is queued (the completion finds the timer gone and does nothing); ids are never
// reused. Destroying the clock discards every pending timer; completions still queued on the
// io_context then do nothing (they hold only a weak reference to the timer table). defer() is a
// zero-delay timer: it fires only after the loop next polls its sockets, so input that has
// arrived meanwhile is read first and a node's group commit takes it in (a plain asio::post would
// run before that poll). Only the simulator saves the timer.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstddef>
#include <functional>
#include <map>
#include <memory>

#include "core/env/clock.h"

namespace keel::real {

class AsioClock final : public Clock {
 public:
  explicit AsioClock(boost::asio::io_context& io);

  Time now() const override;
  // A negative delay counts as zero: the callback runs on a later turn of the loop.
  TimerId after(Duration delay, std::function<void()> callback) override;
  TimerId defer(std::function<void()> callback) override;
  void cancel(TimerId id) override;

  // Timers (deferred calls among them) set and neither run nor cancelled.
  std::size_t pending() const { return timers_->size(); }

 private:
  struct Timer {
    boost::asio::steady_timer timer;
    std::function<void()> callback;
  };
  using Table = std::map<TimerId, std::unique_ptr<Timer>>;

  static void fire(const std::weak_ptr<Table>& table, TimerId id);

  boost::asio::io_context& io_;
  TimerId next_id_ = 1;
  std::shared_ptr<Table> timers_ = std::make_shared<Table>();
};

}  // namespace keel::real
