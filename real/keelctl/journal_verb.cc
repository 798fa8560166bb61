#include "real/keelctl/journal_verb.h"

#include <algorithm>
#include <csignal>

#include "core/env/str.h"
#include "real/http/journal_api.h"
#include "real/keelctl/exit_code.h"
#include "real/keelctl/fleet_answer.h"
#include "real/keelctl/journal_client.h"
#include "real/keelctl/journal_follow.h"

namespace keel::real::keelctl {
namespace {

constexpr Duration kFollowInterval = std::chrono::milliseconds(250);

// The machine list-units names for `unit` (journal_client.h's journal_machine).
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
  auto machine = journal_machine(*row);
  if (!machine) return fail(Errc::kNotFound, str("unit ", unit, " is not on any machine"));
  return *machine;
}

// Set by SIGINT and SIGTERM while a journal is followed.
volatile std::sig_atomic_t interrupted = 0;

void on_interrupt(int) { interrupted = 1; }

// Follows the journal until SIGINT or SIGTERM, with their handlers installed meanwhile (and the
// previous ones restored after).
Status follow_until_interrupted(const VerbCall& call, const HttpUrl& url, const std::string& unit,
                                std::uint64_t offset) {
  struct sigaction action {};
  action.sa_handler = on_interrupt;
  sigemptyset(&action.sa_mask);
  struct sigaction previous_int {};
  struct sigaction previous_term {};
  interrupted = 0;
  ::sigaction(SIGINT, &action, &previous_int);
  ::sigaction(SIGTERM, &action, &previous_term);
  Status followed =
      follow_journal(call, url, unit, offset, kFollowInterval, [] { return interrupted != 0; });
  ::sigaction(SIGINT, &previous_int, nullptr);
  ::sigaction(SIGTERM, &previous_term, nullptr);
  return followed;
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
  auto url = machine_client_url(call, *machine);
  if (!url) return report(call.err, url.error());
  auto tail = get_journal(call, *url, unit, str("lines=", lines));
  if (!tail) return report(call.err, tail.error());
  call.out << tail->body << std::flush;
  if (!call.line.has("follow")) return kExitOk;
  if (!tail->log_offset) {
    return report(call.err,
                  Error{Errc::kCorrupt, str("the journal of ", unit, " answered without its ",
                                            http::kLogOffsetHeader, " header")});
  }
  if (Status followed = follow_until_interrupted(call, *url, unit, *tail->log_offset); !followed) {
    return report(call.err, followed.error());
  }
  return kExitOk;
}

}  // namespace

std::vector<Verb> journal_verbs() {
  return {{.name = "journal",
           .operands = "UNIT [--lines N] [--follow|-f]",
           .summary = "print a unit's last log lines, from the machine that runs it",
           .min_operands = 1,
           .max_operands = 1,
           .flags = {{.name = "lines", .takes_value = true, .help = "how many lines (default 10)"},
                     {.name = "follow",
                      .takes_value = false,
                      .help = "then print new lines as they come, until interrupted",
                      .short_name = 'f'}},
           .run = run_journal}};
}

}  // namespace keel::real::keelctl
