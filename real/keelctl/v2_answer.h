// The JSON answers of etcd's v2 API that keelctl reads, as etcd 3.4 writes them (and keeld's
// real/http/ copies): a key event ({"action":..,"node":..,"prevNode":..}), an error
// ({"errorCode":100,"message":"Key not found","cause":"/a","index":7}) and the member list
// ({"members":[{"id":..,"name":..,"peerURLs":[..],"clientURLs":[..]}]}).
//
// Contract: the parsers never throw or assert on input; an answer that is not JSON or lacks a
// required field is a kCorrupt Error naming what is missing. Fields keelctl does not use are
// ignored, so newer servers still parse.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/env/error.h"

namespace keel::real::keelctl {

struct V2Node {
  std::string key;  // "" for the root directory
  bool dir = false;
  std::optional<std::string> value;  // files only; none in a delete or expire event
  std::vector<V2Node> nodes;         // a directory's children, when listed
  std::uint64_t created_index = 0;
  std::uint64_t modified_index = 0;
  std::optional<std::int64_t> ttl;  // seconds left, for keys with a TTL
};

struct V2Event {
  std::string action;  // get, set, create, update, compareAndSwap, delete, expire, ...
  V2Node node;
  std::optional<V2Node> prev_node;
};

// etcd's v2 error codes that keelctl acts on (etcd's error/error.go).
inline constexpr int kEtcdKeyNotFound = 100;
inline constexpr int kEtcdEventIndexCleared = 401;

struct V2Error {
  int code = 0;
  std::string message;
  std::string cause;
  std::uint64_t index = 0;
};

// "100: Key not found (/a) [7]", the way etcdctl prints an etcd error.
std::string describe(const V2Error& error);

struct V2Member {
  std::string id;  // hex, as etcd writes it
  std::string name;
  std::vector<std::string> peer_urls;
  std::vector<std::string> client_urls;
};

Result<V2Event> parse_v2_event(std::string_view body);
Result<V2Error> parse_v2_error(std::string_view body);
Result<std::vector<V2Member>> parse_v2_members(std::string_view body);

}  // namespace keel::real::keelctl
