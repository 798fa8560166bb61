// apply_layer: unpacks one image layer (a tar stream) onto a root directory that holds the layers
// below it, as the OCI image spec's layer.md defines a changeset:
// - an entry replaces what was at its path (a directory over a directory is kept and updated);
// - a whiteout ".wh.<name>" deletes <name> from the layers below;
// - an opaque whiteout ".wh..wh..opq" empties its directory of what the layers below put there.
// Every path is resolved inside the root, symlinks included (openat2 RESOLVE_IN_ROOT), and a path
// with ".." or a hard link leaving the root is refused: a layer cannot write outside its root.
// Ownership is kept (we run as root); device nodes are made with mknod.
#pragma once

#include <string>

#include "core/env/error.h"

namespace keel::real {

// Reads the layer from `fd` (a file or a pipe) to its end. Errors name the entry.
Status apply_layer(int fd, const std::string& root);

}  // namespace keel::real
