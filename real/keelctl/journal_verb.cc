#include "real/keelctl/journal_verb.h"

#include <algorithm>

#include "core/env/str.h"
#include "real/http/journal_api.h"
#include "real/keelctl/exit_code.h"
#include "real/keelctl/fleet_answer.h"

namespace keel::real::keelctl {
namespace {

// The machine list-units names for `unit`: the one the engine assigned it to, else the one that
// reports it (a unit being moved may show both; the assignment is where it runs next).
Result<std::string> machine_of(const VerbCall& call, const std::string& unit) {
  auto answer = call.endpoints.exchange({.method = "GET", .target = "/fleet/v1/units", .body = ""});
  if (!answer) return std::unexpected(answer.error());
  if (answer->status != 200) {
    auto message = parse_fleet_error(answer->body);
    // An endpoint answered, so not kUnavailable (exit 1, not 3: verb.h's report()).
    return fail(Errc::kIo,
                message ? *message : str("GET /fleet/v1/units answered HTTP ", answer->status));
  }
  auto units = parse_fleet_units(answer->body);
  if (!units) return std::unexpected(units.error());
  const auto row = std::ranges::find(*units, unit, &fleet::UnitListing::unit);
  if (row == units->end()) return fail(Errc::kNotFound, str("unit ", unit, " not found"));
  const auto& machines = row->machines;
  auto assigned = std::ranges::find_if(
      machines, [](const fleet::UnitOnMachine& m) { return m.assigned.has_value(); });
  if (assigned != machines.end()) return assigned->machine;
  if (!machines.empty()) return machines.front().machine;
  return fail(Errc::kNotFound, str("unit ", unit, " is not on any machine"));
}

// The first client URL of the member named `machine`, from /v2/members.
Result<HttpUrl> client_url_of(const VerbCall& call, const std::string& machine) {
  auto answer = call.endpoints.exchange({.method = "GET", .target = "/v2/members", .body = ""});
  if (!answer) return std::unexpected(answer.error());
  if (answer->status != 200) {
    return fail(Errc::kCorrupt, str("GET /v2/members answered HTTP ", answer->status));
  }
  auto members = parse_v2_members(answer->body);
  if (!members) return std::unexpected(members.error());
  const auto member = std::ranges::find(*members, machine, &V2Member::name);
  if (member == members->end() || member->client_urls.empty()) {
    return fail(Errc::kUnavailable,
                str("cannot reach machine ", machine, " to read its journal: ",
                    member == members->end() ? "it is a worker, and workers publish no client URL"
                                             : "it has not published a client URL yet"));
  }
  return parse_http_url(member->client_urls.front());
}

int run_journal(const VerbCall& call) {
  const std::string& unit = call.operands[0];
  std::uint64_t lines = http::kDefaultJournalLines;
  if (auto text = call.line.last("lines")) {
    auto parsed = parse_count("lines", *text, 1, http::kMaxJournalLines);
    if (!parsed) return usage_error(call, parsed.error().message);
    lines = *parsed;
  }
  auto machine = machine_of(call, unit);
  if (!machine) return report(call.err, machine.error());
  auto url = client_url_of(call, *machine);
  if (!url) return report(call.err, url.error());
  const std::string target = str("/fleet/v1/journal/", url_encode_value(unit), "?lines=", lines);
  auto answer =
      http_exchange(*url, {.method = "GET", .target = target, .body = ""},
                    {.connect = call.endpoints.timeout(), .answer = call.endpoints.timeout()});
  if (!answer) return report(call.err, answer.error());
  if (answer->status != 200) {
    auto message = parse_fleet_error(answer->body);
    call.err << "Error: "
             << (message ? *message
                         : str("GET ", url->text, target, " answered HTTP ", answer->status))
             << "\n";
    return kExitFailure;
  }
  call.out << answer->body;
  return kExitOk;
}

}  // namespace

std::vector<Verb> journal_verbs() {
  return {{.name = "journal",
           .operands = "UNIT [--lines N]",
           .summary = "print a unit's last log lines, from the machine that runs it",
           .min_operands = 1,
           .max_operands = 1,
           .flags = {{.name = "lines", .takes_value = true, .help = "how many lines (default 10)"}},
           .run = run_journal}};
}

}  // namespace keel::real::keelctl
