// make_busybox_root: a minimal root filesystem for containers from one statically linked busybox
// (Debian's busybox-static installs it as /bin/busybox): bin/busybox, links named after common
// applets, and the empty directories a root needs. The container tests and benchmark run in one;
// it is also the seed of the default image the issue asks for.
#pragma once

#include <string>

#include "core/env/error.h"

namespace keel::real {

inline constexpr const char* kHostBusybox = "/bin/busybox";

// Fills `dir` (created if missing). Fails naming the path when busybox is missing or a file cannot
// be made.
Status make_busybox_root(const std::string& dir, const std::string& busybox = kHostBusybox);

}  // namespace keel::real
