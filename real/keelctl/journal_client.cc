#include "real/keelctl/journal_client.h"

#include <algorithm>

#include "core/env/str.h"
#include "real/keelctl/fleet_answer.h"

namespace keel::real::keelctl {

std::optional<std::string> journal_machine(const fleet::UnitListing& unit) {
  const auto assigned = std::ranges::find_if(
      unit.machines, [](const fleet::UnitOnMachine& on) { return on.assigned.has_value(); });
  if (assigned != unit.machines.end()) return assigned->machine;
  if (!unit.machines.empty()) return unit.machines.front().machine;
  return std::nullopt;
}

namespace {

// The client URL in `machine`'s record at GET /fleet/v1/machines (workers publish theirs there).
Result<std::string> published_machine_url(const VerbCall& call, const std::string& machine) {
  auto answer =
      call.endpoints.exchange({.method = "GET", .target = "/fleet/v1/machines", .body = ""});
  if (!answer) return std::unexpected(answer.error());
  if (answer->status != 200) {
    return fail(Errc::kCorrupt, str("GET /fleet/v1/machines answered HTTP ", answer->status));
  }
  auto machines = parse_fleet_machines(answer->body);
  if (!machines) return std::unexpected(machines.error());
  const auto record = std::ranges::find(*machines, machine, &fleet::MachineRecord::id);
  if (record == machines->end()) {
    return fail(Errc::kUnavailable, str("cannot reach machine ", machine,
                                        " to read its journal: it is not in the cluster"));
  }
  if (record->client_url.empty()) {
    return fail(Errc::kUnavailable, str("cannot reach machine ", machine,
                                        " to read its journal: it publishes no client URL"));
  }
  return record->client_url;
}

}  // namespace

Result<HttpUrl> machine_client_url(const VerbCall& call, const std::string& machine) {
  auto answer = call.endpoints.exchange({.method = "GET", .target = "/v2/members", .body = ""});
  if (!answer) return std::unexpected(answer.error());
  if (answer->status != 200) {
    return fail(Errc::kCorrupt, str("GET /v2/members answered HTTP ", answer->status));
  }
  auto members = parse_v2_members(answer->body);
  if (!members) return std::unexpected(members.error());
  const auto member = std::ranges::find(*members, machine, &V2Member::name);
  if (member == members->end()) {
    auto url = published_machine_url(call, machine);
    if (!url) return std::unexpected(url.error());
    return parse_http_url(*url);
  }
  if (member->client_urls.empty()) {
    return fail(Errc::kUnavailable, str("cannot reach machine ", machine,
                                        " to read its journal: it has not published a client "
                                        "URL yet"));
  }
  return parse_http_url(member->client_urls.front());
}

Result<HttpAnswer> get_journal(const VerbCall& call, const HttpUrl& url, const std::string& unit,
                               const std::string& query) {
  const std::string target = str("/fleet/v1/journal/", url_encode_value(unit), "?", query);
  auto answer =
      http_exchange(url, {.method = "GET", .target = target, .body = ""},
                    {.connect = call.endpoints.timeout(), .answer = call.endpoints.timeout()});
  if (!answer) return std::unexpected(answer.error());
  if (answer->status == 200) return answer;
  auto message = parse_fleet_error(answer->body);
  return fail(Errc::kIo, message
                             ? *message
                             : str("GET ", url.text, target, " answered HTTP ", answer->status));
}

}  // namespace keel::real::keelctl
