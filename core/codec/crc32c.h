// CRC32C (Castagnoli, polynomial 0x1EDC6F41, reflected), the checksum of every WAL record,
// snapshot file and network frame. Known answers: crc32c("123456789") = 0xE3069283.
#pragma once

#include <cstdint>

#include "core/env/types.h"

namespace keel::codec {

// The CRC of `data`.
std::uint32_t crc32c(ByteView data);
// Continues a CRC: crc32c_extend(crc32c(a), b) == crc32c(a followed by b); crc32c_extend(0, a) ==
// crc32c(a).
std::uint32_t crc32c_extend(std::uint32_t crc, ByteView data);
// The CRC of `first` followed by `second` (crc32c_extend(crc32c(first), second)) in one call: a
// frame's CRC skips its own field in the middle of the header, and two calls cost a fair part of
// hashing a short frame (issue 3).
std::uint32_t crc32c(ByteView first, ByteView second);

namespace detail {
// The two implementations crc32c_extend chooses between, exposed so tests can check they agree.
// The portable one is table-driven (slicing-by-8); the hardware one uses SSE4.2's crc32
// instruction and may only be called when crc32c_hardware_available().
std::uint32_t crc32c_extend_portable(std::uint32_t crc, ByteView data);
bool crc32c_hardware_available();
std::uint32_t crc32c_extend_hardware(std::uint32_t crc, ByteView data);
// crc32c(first, second) by the hardware path, under the same condition.
std::uint32_t crc32c_hardware(ByteView first, ByteView second);
}  // namespace detail

}  // namespace keel::codec
