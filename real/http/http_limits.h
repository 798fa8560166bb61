// The bounds of the HTTP server (DESIGN.md principle 6). Past one, the client gets a clear answer
// (431, 413, 503) or, when it cannot be answered (too many connections, a deadline), a closed
// connection; the server keeps serving everyone else.
#pragma once

#include <chrono>
#include <cstddef>

#include "core/kv/limits.h"

namespace keel::real::http {

struct HttpLimits {
  std::size_t max_header_bytes = 64u << 10;
  // etcd's default --max-request-bytes (1.5 MiB), for the body as sent (form-encoded).
  std::size_t max_body_bytes = kv::kMaxRequestBytes;
  std::size_t max_connections = 1024;
  // Requests being handled at once, long polls included; past it: 503.
  std::size_t max_in_flight = 1024;
  // A whole request must arrive within this, counted from its first byte or, on a kept-alive
  // connection, from the end of the previous answer (so an idle connection is closed after it).
  std::chrono::milliseconds read_timeout{30'000};
  std::chrono::milliseconds write_timeout{30'000};
};

}  // namespace keel::real::http
