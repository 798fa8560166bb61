// The data directory's identity: which cluster and which member it belongs to, in the file
// "keeld.identity" at its root (etcd keeps the same facts in its WAL metadata and member dir).
//
//   keeld-identity 1
//   cluster 7
//   name n1
//   id 1
//
// claim_data_dir() writes the file durably on first start (a temporary file, synced, renamed
// into place, the directory synced), so a crash leaves either no identity or a whole one. A later
// start must present the same identity: another cluster id or member name is refused with a
// message naming both. The WAL and snapshots themselves are recovered by the Node (node.h); their
// segments carry the cluster and member id too, and refuse another's on their own.
#pragma once

#include <cstdint>
#include <string>

#include "core/env/error.h"
#include "core/env/file_system.h"
#include "core/env/types.h"

namespace keel::real::keeld {

inline constexpr std::string_view kIdentityFile = "keeld.identity";

struct DataDirIdentity {
  std::uint64_t cluster = 0;
  std::string name;  // "n1"
  NodeId id = kNoNode;
  friend bool operator==(const DataDirIdentity&, const DataDirIdentity&) = default;
};

enum class DataDirStart {
  kFresh,    // no identity yet: it was written
  kRestart,  // the identity matched: start from what the directory holds
};

// `fs` is rooted at the data directory; `label` names the directory in messages. Errors:
// kInvalidArgument when the directory belongs to another cluster or member (both named),
// kCorrupt when the identity file does not parse (the file and line named), kIo from the disk.
Result<DataDirStart> claim_data_dir(FileSystem& fs, const DataDirIdentity& identity,
                                    std::string_view label);

// The file's bytes for `identity`, and their inverse (errors name `label` and the line).
std::string encode_identity(const DataDirIdentity& identity);
Result<DataDirIdentity> decode_identity(std::string_view text, std::string_view label);

}  // namespace keel::real::keeld
