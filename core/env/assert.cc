#include "core/env/assert.h"

#include <cstdio>
#include <cstdlib>

namespace keel::detail {

// The only output the core produces on its own: a dying message. Everything else goes through Env.
void assertion_failed(const char* file, int line, const char* condition,
                      const std::string& message) {
  std::fprintf(stderr, "%s:%d: invariant broken: %s: %s\n", file, line, condition, message.c_str());
  std::fflush(stderr);
  std::abort();
}

}  // namespace keel::detail
