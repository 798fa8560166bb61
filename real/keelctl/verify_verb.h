// keelctl verify FILE...: checks unit files offline with the core's parser (local_unit_file.h),
// without any endpoint, as `systemd-analyze verify` does for systemd. Each file that fails prints
// one line "FILE:LINE:COLUMN: message" to stdout; a file that cannot be read prints
// "Error: FILE: why" to stderr. Exit 1 if any file failed, else 0 with nothing printed.
#pragma once

#include <vector>

#include "real/keelctl/verb.h"

namespace keel::real::keelctl {

std::vector<Verb> verify_verbs();

}  // namespace keel::real::keelctl
