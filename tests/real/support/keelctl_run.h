// Runs keelctl in the test's process (run_keelctl) and keeps what it printed and its exit code.
#pragma once

#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "real/keelctl/keelctl.h"

namespace keel::real::keelctl::testing {

struct KeelctlRun {
  int code = -1;
  std::string out;
  std::string err;
};

inline KeelctlRun keelctl(const std::vector<std::string>& args) {
  const std::vector<std::string_view> views(args.begin(), args.end());
  std::ostringstream out;
  std::ostringstream err;
  const int code = run_keelctl(views, out, err);
  return {code, out.str(), err.str()};
}

}  // namespace keel::real::keelctl::testing
