// The CRC32C of two byte strings joined, from the CRC of each and the second one's length, without
// reading the bytes: crc32c_combine(crc32c(a), crc32c(b), b.size()) == crc32c(a followed by b).
// A snapshot file's checksum is built this way from the checksums of the image's chunks, which are
// computed once per chunk (core/env/chunked_bytes.h), so a snapshot is not re-read whole.
//
// The method is zlib's crc32_combine (Mark Adler): a CRC is linear over GF(2), so the CRC of a
// followed by b is crc(b) plus crc(a) multiplied by x^(8 * len(b)) modulo the CRC polynomial; the
// power is found by squaring (O(log len) multiplications of 32-bit polynomials).
#pragma once

#include <cstdint>

namespace keel::codec {

std::uint32_t crc32c_combine(std::uint32_t crc_first, std::uint32_t crc_second,
                             std::uint64_t second_length);

}  // namespace keel::codec
