#include "real/keelctl/fleet_get.h"

#include <algorithm>

#include "real/keelctl/exit_code.h"
#include "real/keelctl/fleet_answer.h"

namespace keel::real::keelctl {

int report_answer(const VerbCall& call, std::string_view request, const HttpAnswer& answer) {
  auto message = parse_fleet_error(answer.body);
  call.err << "Error: " << (message ? *message : str(request, " answered HTTP ", answer.status))
           << "\n";
  return kExitFailure;
}

std::expected<std::vector<fleet::UnitListing>, int> get_units(const VerbCall& call) {
  return get_listing(call, "/fleet/v1/units", parse_fleet_units);
}

std::expected<const fleet::UnitListing*, int> find_submitted(
    const VerbCall& call, const std::vector<fleet::UnitListing>& units, std::string_view unit) {
  const auto row = std::ranges::find(units, unit, &fleet::UnitListing::unit);
  if (row == units.end() || !row->submitted) {
    call.err << "Error: unit " << unit << " not found\n";
    return std::unexpected(kExitFailure);
  }
  return &*row;
}

}  // namespace keel::real::keelctl
