// Test helper: an etcd v2 JSON answer with what legitimately differs between two stores blanked
// out (indexes, expiration times, TTLs left), so that answers can be compared as text.
#pragma once

#include <regex>
#include <string>

namespace keel::real::testing {

inline std::string json_shape(const std::string& json) {
  static const std::regex kIndexes(R"re("(modifiedIndex|createdIndex|index)":\d+)re");
  static const std::regex kExpiration(R"re("expiration":"[^"]*")re");
  static const std::regex kTtl(R"re("ttl":\d+)re");
  static const std::regex kInOrderKey(R"re(/\d{20})re");
  static const std::regex kCompareCause(R"re(\[(\d+) != \d+\])re");
  std::string shape = std::regex_replace(json, kIndexes, "\"$1\":N");
  shape = std::regex_replace(shape, kExpiration, "\"expiration\":\"T\"");
  shape = std::regex_replace(shape, kTtl, "\"ttl\":S");
  shape = std::regex_replace(shape, kInOrderKey, "/<index>");
  return std::regex_replace(shape, kCompareCause, "[$1 != N]");
}

}  // namespace keel::real::testing
