#include "real/keelctl/verb.h"

#include "core/env/str.h"
#include "real/keelctl/exit_code.h"

namespace keel::real::keelctl {

std::string usage_line(const Verb& verb) {
  return str("keelctl ", verb.name, verb.operands.empty() ? "" : " ", verb.operands);
}

int usage_error(const VerbCall& call, std::string_view why) {
  call.err << "Error: " << why << "\nUsage: " << usage_line(call.verb) << "\n";
  return kExitUsage;
}

int report(std::ostream& err, const Error& error) {
  err << "Error: " << error.message << "\n";
  return error.code == Errc::kUnavailable ? kExitUnreachable : kExitFailure;
}

int report(std::ostream& err, const V2Error& error) {
  err << "Error: " << describe(error) << "\n";
  return kExitFailure;
}

}  // namespace keel::real::keelctl
