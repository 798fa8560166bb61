// HttpUrl: one keelctl endpoint, "http://HOST[:PORT]" as etcdctl and fleetctl take them, HOST an IP
// literal ("127.0.0.1", "[::1]") or a name. A trailing '/' is allowed; a path, query, user or any
// other scheme is refused (keelctl speaks plain HTTP to the client port only). The port defaults
// to 2379, etcd's client port (as etcdctl's does), not HTTP's 80.
//
// Contract: parse_http_url never throws or asserts on input; errors are kInvalidArgument naming
// the text and what is wrong.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/env/error.h"

namespace keel::real::keelctl {

inline constexpr std::uint16_t kDefaultClientPort = 2379;

struct HttpUrl {
  std::string host;  // without brackets for IPv6
  std::uint16_t port = kDefaultClientPort;
  std::string text;  // as given, without a trailing '/': for messages

  friend bool operator==(const HttpUrl&, const HttpUrl&) = default;
};

Result<HttpUrl> parse_http_url(std::string_view text);

// Percent-encodes `text` for a URL path (keeping '/') or for a form value (escaping '/' too), as
// RFC 3986 section 2.1 and the HTML form encoding want; unreserved characters stay as they are.
std::string url_encode_path(std::string_view text);
std::string url_encode_value(std::string_view text);

}  // namespace keel::real::keelctl
