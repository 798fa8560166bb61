// One synchronous HTTP/1.1 exchange with a keeld or etcd client port (Boost.Beast), bounded in
// time: a fresh connection per exchange, closed after the answer.
//
// Contract (what a caller may rely on to pick the next endpoint):
//   - kUnavailable: nothing reached the server (the name did not resolve, the connection was
//     refused, or it was not accepted within `connect_timeout`); trying another endpoint is safe.
//   - kTimeout: connected, but the answer was not complete within `answer_timeout` (if any).
//   - kIo: the connection broke during the exchange; kLimitExceeded: the answer's body was larger
//     than kMaxAnswerBytes; kCorrupt: the answer was not HTTP.
// A request that may have reached the server is never retried here.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/env/error.h"
#include "core/env/types.h"
#include "real/keelctl/http_url.h"

namespace keel::real::keelctl {

inline constexpr std::size_t kMaxAnswerBytes = 64 << 20;

struct HttpRequest {
  std::string method = "GET";  // GET, PUT, POST, DELETE
  std::string target = "/";    // path and query, already percent-encoded
  std::string body;            // sent as application/x-www-form-urlencoded when not empty
};

struct HttpAnswer {
  unsigned status = 0;
  std::string body;
  std::optional<std::uint64_t> etcd_index;  // the X-Etcd-Index header, when present and a number
  std::optional<std::uint64_t> log_offset;  // X-Keel-Log-Offset (journal_api.h), likewise
};

struct HttpTimeouts {
  Duration connect;
  std::optional<Duration> answer;  // none: wait as long as the server takes (a watch's long poll)
};

Result<HttpAnswer> http_exchange(const HttpUrl& url, const HttpRequest& request,
                                 const HttpTimeouts& timeouts);

}  // namespace keel::real::keelctl
