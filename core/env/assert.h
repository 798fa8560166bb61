// Invariant checks that stay on in release builds (DESIGN.md principle 7, TigerBeetle's style).
// A broken invariant is a bug: the process stops at once with the file, line, the condition and a
// message naming what broke. Never use these for bad input; return an Error instead.
#pragma once

#include <string>

#include "core/env/str.h"

namespace keel::detail {
[[noreturn]] void assertion_failed(const char* file, int line, const char* condition,
                                   const std::string& message);
// The failure branch of KEEL_ASSERT, out of line: the message is formatted here, so the function
// that asserts keeps none of the formatting code (nor its stack frame) on its hot path.
template <class... Parts>
[[noreturn, gnu::cold, gnu::noinline]] void assertion_failed_with(const char* file, int line,
                                                                  const char* condition,
                                                                  const Parts&... parts) {
  assertion_failed(file, line, condition, ::keel::str(parts...));
}
}  // namespace keel::detail

// KEEL_ASSERT(cond, parts...): the parts are concatenated with keel::str, only when cond is false.
#define KEEL_ASSERT(cond, ...)                                                       \
  do {                                                                               \
    if (!(cond)) [[unlikely]] {                                                      \
      ::keel::detail::assertion_failed_with(__FILE__, __LINE__, #cond, __VA_ARGS__); \
    }                                                                                \
  } while (false)

#define KEEL_UNREACHABLE(...) \
  ::keel::detail::assertion_failed(__FILE__, __LINE__, "unreachable", ::keel::str(__VA_ARGS__))
