// Reading keeld's fleet API from a verb, the way every fleet verb reports what went wrong:
// "Error: <the API's message>" and exit 1 when the cluster answered with an error, exit 3 when no
// endpoint could be reached (verb.h's report()).
#pragma once

#include <expected>
#include <string>
#include <string_view>
#include <vector>

#include "core/env/str.h"
#include "core/fleet/commands.h"
#include "real/keelctl/http_client.h"
#include "real/keelctl/verb.h"

namespace keel::real::keelctl {

// Reports an answer other than the one expected: the API's error message, or the status when the
// body is not the API's error. Returns kExitFailure (the cluster answered).
int report_answer(const VerbCall& call, std::string_view request, const HttpAnswer& answer);

// GETs `target` and parses its 200 answer with `parse` (fleet_answer.h); a failure is reported
// and the error is its exit code.
template <class Parse>
auto get_listing(const VerbCall& call, const std::string& target, Parse parse)
    -> std::expected<typename decltype(parse(std::string_view()))::value_type, int> {
  auto answer = call.endpoints.exchange({.method = "GET", .target = target, .body = ""});
  if (!answer) return std::unexpected(report(call.err, answer.error()));
  if (answer->status != 200) {
    return std::unexpected(report_answer(call, str("GET ", target), *answer));
  }
  auto parsed = parse(answer->body);
  if (!parsed) return std::unexpected(report(call.err, parsed.error()));
  return std::move(*parsed);
}

// The rows of GET /fleet/v1/units; a failure is reported and the error is its exit code.
std::expected<std::vector<fleet::UnitListing>, int> get_units(const VerbCall& call);

// The row of the submitted unit `unit` in `units`; when there is none, reports "Error: unit
// <unit> not found" and the error is kExitFailure.
std::expected<const fleet::UnitListing*, int> find_submitted(
    const VerbCall& call, const std::vector<fleet::UnitListing>& units, std::string_view unit);

}  // namespace keel::real::keelctl
