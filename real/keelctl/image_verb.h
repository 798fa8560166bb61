// The image verb: puts a container image where a keeld finds it.
//   image import FILE --data-dir DIR   imports the docker-save archive or OCI layout at FILE
//                                      into the ImageStore of the keeld data directory DIR
//                                      (DIR/images, real/posix_env.h's container_image_dir);
//                                      prints "Image NAME:TAG imported" per reference
// It works on the local disk, not over HTTP: an import unpacks layers with gzip and tar, which
// would block keeld's single event loop (DESIGN.md principle 1), and an archive outgrows the
// client port's body limit (http_limits.h). ImageStore renames a whole image into place, so a
// running keeld on DIR may import meanwhile. DIR must already be a directory (a keeld's).
#pragma once

#include <vector>

#include "real/keelctl/verb.h"

namespace keel::real::keelctl {

std::vector<Verb> image_verbs();

}  // namespace keel::real::keelctl
