// Endpoint: a TCP address as keeld's flags and configuration spell it, "127.0.0.1:7001" or
// "[::1]:7001". Only IP literals are accepted: names are not resolved, so nothing ever waits on DNS
// (DESIGN.md principle 1).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/env/error.h"

namespace keel::real {

struct Endpoint {
  std::string address;     // an IPv4 or IPv6 literal, without brackets
  std::uint16_t port = 0;  // 0 when listening: the kernel picks a free port

  friend bool operator==(const Endpoint&, const Endpoint&) = default;
};

// Parses "ipv4:port" or "[ipv6]:port". Errors (kInvalidArgument) name the text and what is wrong.
Result<Endpoint> parse_endpoint(std::string_view text);

// Whether an endpoint built in code (not parsed) holds an IP literal; kInvalidArgument if not.
Status check_endpoint(const Endpoint& endpoint);

// The inverse of parse_endpoint: "127.0.0.1:7001", "[::1]:7001".
std::string to_string(const Endpoint& endpoint);

}  // namespace keel::real
