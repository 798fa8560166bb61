#include "real/keelctl/v2_keys.h"

#include "core/env/str.h"

namespace keel::real::keelctl {
namespace {

std::string key_target(std::string_view key) {
  return str("/v2/keys", key.starts_with('/') ? "" : "/", url_encode_path(key));
}

}  // namespace

Result<V2Outcome> V2Keys::get(std::string_view key, bool recursive) {
  return send({.method = "GET",
               .target = str(key_target(key), "?sorted=true", recursive ? "&recursive=true" : ""),
               .body = ""});
}

Result<V2Outcome> V2Keys::put(std::string_view key, std::string_view value,
                              std::optional<std::uint64_t> ttl) {
  std::string body = str("value=", url_encode_value(value));
  if (ttl) body += str("&ttl=", *ttl);
  return send({.method = "PUT", .target = key_target(key), .body = std::move(body)});
}

Result<V2Outcome> V2Keys::remove(std::string_view key, bool recursive) {
  return send({.method = "DELETE",
               .target = str(key_target(key), recursive ? "?recursive=true" : ""),
               .body = ""});
}

Result<V2Outcome> V2Keys::wait(std::string_view key, bool recursive,
                               std::optional<std::uint64_t> wait_index) {
  std::string target = str(key_target(key), "?wait=true");
  if (recursive) target += "&recursive=true";
  if (wait_index) target += str("&waitIndex=", *wait_index);
  return send({.method = "GET", .target = std::move(target), .body = ""}, /*long_poll=*/true);
}

Result<V2Outcome> V2Keys::send(const HttpRequest& request, bool long_poll) {
  auto answer = endpoints_.exchange(request, long_poll);
  if (!answer) return std::unexpected(answer.error());
  if (answer->status >= 200 && answer->status < 300) {
    auto event = parse_v2_event(answer->body);
    if (!event) return std::unexpected(event.error());
    return V2Outcome(std::move(*event));
  }
  auto error = parse_v2_error(answer->body);
  if (!error) {
    return fail(Errc::kCorrupt, str("HTTP ", answer->status,
                                    " without an etcd error: ", answer->body.substr(0, 200)));
  }
  return V2Outcome(std::unexpect, std::move(*error));
}

}  // namespace keel::real::keelctl
