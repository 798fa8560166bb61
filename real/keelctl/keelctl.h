// keelctl: the command-line client of a Keel (or etcd v2) cluster. This is main() without the
// process: it parses the arguments, picks the verb and runs it, so tests can run it in-process.
//
// Global flags, valid anywhere on the line and for every verb:
//   --endpoint URL   a client URL (default http://127.0.0.1:2379); give it several times, or
//                    comma-separated, to have keelctl try the next when one cannot be reached
//   --timeout S      seconds to connect and to wait for each answer (default 5; a watch waits
//                    for changes without a bound)
//   --help           the verbs and flags
// Exit codes are exit_code.h's: 0, 1 when the cluster answered with an error, 2 for bad usage
// (with the usage on stderr), 3 when no endpoint could be reached (naming each one tried).
#pragma once

#include <ostream>
#include <span>
#include <string_view>

namespace keel::real::keelctl {

int run_keelctl(std::span<const std::string_view> args, std::ostream& out, std::ostream& err);

}  // namespace keel::real::keelctl
