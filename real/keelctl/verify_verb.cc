#include "real/keelctl/verify_verb.h"

#include "core/fleet/limits.h"
#include "real/keelctl/exit_code.h"
#include "real/keelctl/local_unit_file.h"

namespace keel::real::keelctl {
namespace {

int run_verify(const VerbCall& call) {
  int code = kExitOk;
  for (const std::string& path : call.operands) {
    auto text = read_unit_file(path);
    if (!text) {
      call.err << "Error: " << text.error().message << "\n";
      code = kExitFailure;
      continue;
    }
    if (auto problem = check_unit_file(path, *text)) {
      call.out << format_problem(path, *problem) << "\n";
      code = kExitFailure;
    }
  }
  return code;
}

}  // namespace

std::vector<Verb> verify_verbs() {
  return {{.name = "verify",
           .operands = "FILE...",
           .summary = "check unit files offline; prints FILE:LINE:COLUMN: message per bad file",
           .min_operands = 1,
           .max_operands = fleet::kMaxUnits,
           .flags = {},
           .run = run_verify}};
}

}  // namespace keel::real::keelctl
