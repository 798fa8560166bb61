#include "real/support/run_loop.h"

#include <boost/asio/executor_work_guard.hpp>

namespace keel::real::testing {

bool run_until(boost::asio::io_context& io, const std::function<bool()>& done, Duration limit) {
  // The guard keeps run_one_for() waiting for work instead of returning at once when idle.
  const auto guard = boost::asio::make_work_guard(io);
  const auto deadline = std::chrono::steady_clock::now() + limit;
  if (io.stopped()) io.restart();
  while (!done()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    io.run_one_for(std::chrono::milliseconds(10));
  }
  return true;
}

}  // namespace keel::real::testing
