// Limits on everything the codec decodes (DESIGN.md principle 6). Decoders reject input past these
// limits with Errc::kLimitExceeded naming the limit; encoders assert them, so whatever Keel writes
// it can read back. Raft and the node must batch and chunk so that their messages stay inside.
#pragma once

#include <cstddef>

namespace keel::codec {

// One log entry's payload (etcd's default --max-request-bytes is 1.5 MiB).
inline constexpr std::size_t kMaxEntryDataBytes = 4u << 20;
// Entries in one Append or Propose message.
inline constexpr std::size_t kMaxEntriesPerMessage = 4096;
// Voters plus learners in one configuration.
inline constexpr std::size_t kMaxConfNodes = 1024;
// One InstallSnapshot chunk.
inline constexpr std::size_t kMaxSnapshotChunkBytes = 8u << 20;
// One network frame's body (the encoded message).
inline constexpr std::size_t kMaxFrameBodyBytes = 32u << 20;

}  // namespace keel::codec
