// keelctl's exit codes. fleetctl and etcdctl exit 1 on any failure; keelctl also tells a caller's
// script why: bad usage and an unreachable cluster have codes of their own.
#pragma once

namespace keel::real::keelctl {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;      // the cluster answered with an error (key not found...)
inline constexpr int kExitUsage = 2;        // bad verb, flag or operand: nothing was sent
inline constexpr int kExitUnreachable = 3;  // no endpoint could be reached

}  // namespace keel::real::keelctl
