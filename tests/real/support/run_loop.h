// Test helper: runs an io_context until a condition holds, with a bound on real time, so tests
// wait on what they expect rather than sleep.
#pragma once

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <functional>

#include "core/env/types.h"

namespace keel::real::testing {

// Runs handlers until `done()` holds (checked after each one) or `limit` passes. Returns done().
bool run_until(boost::asio::io_context& io, const std::function<bool()>& done,
               Duration limit = std::chrono::seconds(5));

}  // namespace keel::real::testing
