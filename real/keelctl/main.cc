// keelctl: the command-line client of a Keel cluster (real/keelctl/keelctl.h); `keelctl --help`
// lists the verbs.
#include <iostream>
#include <string_view>
#include <vector>

#include "real/keelctl/keelctl.h"

int main(int argc, char** argv) {
  const std::vector<std::string_view> args(argv + 1, argv + argc);
  return keel::real::keelctl::run_keelctl(args, std::cout, std::cerr);
}
