// V2Keys: the requests of etcd's v2 keys API (/v2/keys, etcd's Documentation/v2/api.md) that the
// key-value verbs send, through Endpoints.
//
// Contract: Result's Error is a failure to get an answer (Endpoints' kUnavailable, a timeout, an
// answer that is neither an event nor an etcd error); an answer from the cluster is a V2Outcome:
// the event, or etcd's error (key not found, not a file, ...). A key is taken relative to the
// root: "a/b" and "/a/b" are the same key.
#pragma once

#include <cstdint>
#include <expected>
#include <optional>
#include <string_view>

#include "real/keelctl/endpoints.h"
#include "real/keelctl/v2_answer.h"

namespace keel::real::keelctl {

using V2Outcome = std::expected<V2Event, V2Error>;

class V2Keys {
 public:
  explicit V2Keys(Endpoints& endpoints) : endpoints_(endpoints) {}

  // A key or a directory; a directory's listing is sorted, and whole when `recursive`.
  Result<V2Outcome> get(std::string_view key, bool recursive);
  // Sets a file's value; with a ttl it expires after that many seconds.
  Result<V2Outcome> put(std::string_view key, std::string_view value,
                        std::optional<std::uint64_t> ttl);
  // Deletes a file, or with `recursive` a directory and all below it.
  Result<V2Outcome> remove(std::string_view key, bool recursive);
  // A long poll: the first change to `key` (or below it, when `recursive`) with an index at or
  // after `wait_index`, or the next change from now on without one. Waits without a bound.
  Result<V2Outcome> wait(std::string_view key, bool recursive,
                         std::optional<std::uint64_t> wait_index);

 private:
  Result<V2Outcome> send(const HttpRequest& request, bool long_poll = false);

  Endpoints& endpoints_;
};

}  // namespace keel::real::keelctl
