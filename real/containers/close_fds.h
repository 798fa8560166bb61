// close_all_but: what a process cloned from keeld does first, so it holds none of keeld's
// sockets and files (they are not all close-on-exec, and a supervising child never execs).
//
// Runs only in cloned processes: one system call per gap, no allocation (launch_plan.h says why).
#pragma once

#include <cstddef>

namespace keel::real {

// Closes every descriptor but the `count` ones of `keep`, which must be sorted ascending.
void close_all_but(const int* keep, std::size_t count);

}  // namespace keel::real
