// keeld: a Keel machine (real/keeld/daemon.h). Logs to stderr; `keeld --help` lists the flags.
#include <iostream>
#include <string_view>
#include <vector>

#include "real/keeld/daemon.h"

int main(int argc, char** argv) {
  const std::vector<std::string_view> args(argv + 1, argv + argc);
  return keel::real::keeld::run_keeld(args, std::cerr, std::cout);
}
