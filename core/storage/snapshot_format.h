// The snapshot file's format, shared by the code that writes it (snapshot_writer.h) and the code
// that reads it (snapshot_store.h, where the layout is described).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/raft/types.h"
#include "core/storage/paths.h"

namespace keel::storage {

inline constexpr std::string_view kSnapshotSuffix = ".snap";
inline constexpr std::string_view kSnapshotTempSuffix = ".snap.tmp";  // kSnapshotSuffix + ".tmp"
inline constexpr std::uint32_t kSnapshotMagic = 0x504E534B;           // "KSNP" in file order
inline constexpr std::uint8_t kSnapshotVersion = 1;
inline constexpr std::size_t kSnapshotHeaderBytes = 4 + 1 + 4;  // magic, version, crc
inline constexpr std::size_t kSnapshotCrcOffset = 5;

// "<term>-<index>.snap", 16 hex digits each.
inline std::string snapshot_file_name(raft::Term term, raft::Index index) {
  return format_pair_name(term, index, kSnapshotSuffix);
}

}  // namespace keel::storage
