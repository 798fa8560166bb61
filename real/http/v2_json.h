// The JSON of etcd's v2 keys API, field for field in the order Go prints etcd's structs
// (etcd's store.NodeExtern, store.Event and v2 error.Error), each answer ending in a newline as
// Go's json.Encoder writes it:
//   node:  {"key", "value", "dir", "expiration", "ttl", "nodes", "modifiedIndex", "createdIndex"}
//          with empty fields left out (a file's value is always shown, even "");
//   event: {"action", "node", "prevNode"};  error: {"errorCode", "message", "cause", "index"}.
// A node's "expiration" is RFC 3339 in UTC with nanoseconds trimmed (Go's RFC3339Nano), its
// "ttl" the seconds left, rounded up, at `now_ms` (unix milliseconds).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "real/http/json_writer.h"
#include "real/http/v2_error.h"
#include "real/http/v2_keyspace.h"

namespace keel::real::http {

void write_v2_node(JsonWriter& json, const V2Node& node, std::int64_t now_ms);
std::string v2_event_json(std::string_view action, const std::optional<V2Node>& node,
                          const std::optional<V2Node>& prev_node, std::int64_t now_ms);
std::string v2_error_json(const V2Error& error);
// Go's time.Time.Format(time.RFC3339Nano) of a unix millisecond time, in UTC.
std::string rfc3339_nano(std::int64_t unix_ms);

}  // namespace keel::real::http
