#include "core/codec/crc32c.h"

#include <array>
#include <bit>
#include <cstring>

#include "core/env/assert.h"

#if defined(__x86_64__)
#include <nmmintrin.h>
#endif

namespace keel::codec {
namespace {

static_assert(std::endian::native == std::endian::little,
              "slicing-by-8 below loads 8 bytes as a little-endian word");

constexpr std::uint32_t kPolynomial = 0x82F63B78;  // 0x1EDC6F41 bit-reversed

// kTables[0] is the classic byte-at-a-time table; kTables[k][b] is the CRC of byte b followed by
// k zero bytes, so eight bytes can be folded in with eight independent lookups.
using Tables = std::array<std::array<std::uint32_t, 256>, 8>;

constexpr Tables make_tables() {
  Tables t{};
  for (std::uint32_t i = 0; i < 256; ++i) {
    std::uint32_t c = i;
    for (int bit = 0; bit < 8; ++bit) c = (c >> 1) ^ (kPolynomial & (0u - (c & 1u)));
    t[0][i] = c;
  }
  for (std::size_t k = 1; k < t.size(); ++k) {
    for (std::size_t i = 0; i < 256; ++i) t[k][i] = (t[k - 1][i] >> 8) ^ t[0][t[k - 1][i] & 0xFF];
  }
  return t;
}

constexpr Tables kTables = make_tables();

}  // namespace

namespace detail {

std::uint32_t crc32c_extend_portable(std::uint32_t crc, ByteView data) {
  const std::uint8_t* p = data.data();
  std::size_t n = data.size();
  std::uint32_t c = ~crc;
  while (n >= 8) {
    std::uint64_t word;
    std::memcpy(&word, p, 8);
    word ^= c;
    c = kTables[7][word & 0xFF] ^ kTables[6][(word >> 8) & 0xFF] ^ kTables[5][(word >> 16) & 0xFF] ^
        kTables[4][(word >> 24) & 0xFF] ^ kTables[3][(word >> 32) & 0xFF] ^
        kTables[2][(word >> 40) & 0xFF] ^ kTables[1][(word >> 48) & 0xFF] ^ kTables[0][word >> 56];
    p += 8;
    n -= 8;
  }
  for (; n > 0; --n, ++p) c = kTables[0][(c ^ *p) & 0xFF] ^ (c >> 8);
  return ~c;
}

#if defined(__x86_64__)

namespace {
// Decided once, as the program starts, so that a call does not pay for a function-local static's
// guard. A CRC computed by another static initializer before this one runs sees false and uses the
// portable code, which gives the same answer. (GCC documents that __builtin_cpu_init must run
// before __builtin_cpu_supports in code that can run before constructors.)
const bool kHardwareAvailable = [] {
  __builtin_cpu_init();
  return __builtin_cpu_supports("sse4.2") != 0;
}();
}  // namespace

bool crc32c_hardware_available() { return kHardwareAvailable; }

namespace {
// The 8 bytes at `at`, as a little-endian word.
inline std::uint64_t load_u64(const std::uint8_t* at) {
  std::uint64_t word;
  std::memcpy(&word, at, sizeof word);
  return word;
}

// Continues the bit-inverted CRC `c` with `data` (the hardware path's loop, without its check).
[[gnu::always_inline]] __attribute__((target("sse4.2"))) inline std::uint32_t extend_inverted(
    std::uint32_t c, ByteView data) {
  const std::uint8_t* p = data.data();
  const std::size_t n = data.size();
  const std::uint8_t* const words_end = p + (n & ~std::size_t{7});
  std::uint64_t c64 = c;
  // Up to an end pointer rather than counting down: a crc32, an add and a compare per word.
  for (; p != words_end; p += 8) c64 = _mm_crc32_u64(c64, load_u64(p));
  auto c32 = static_cast<std::uint32_t>(c64);
  // The last 0 to 7 bytes in at most three steps: frames and WAL records are short, and their
  // tails are a fair part of them.
  if (n & 4) {
    std::uint32_t word;
    std::memcpy(&word, p, 4);
    c32 = _mm_crc32_u32(c32, word);
    p += 4;
  }
  if (n & 2) {
    std::uint16_t half;
    std::memcpy(&half, p, 2);
    c32 = _mm_crc32_u16(c32, half);
    p += 2;
  }
  if (n & 1) c32 = _mm_crc32_u8(c32, *p);
  return c32;
}
}  // namespace

__attribute__((target("sse4.2"))) std::uint32_t crc32c_extend_hardware(std::uint32_t crc,
                                                                       ByteView data) {
  KEEL_ASSERT(crc32c_hardware_available(), "crc32c_extend_hardware called without SSE4.2");
  return ~extend_inverted(~crc, data);
}

__attribute__((target("sse4.2"))) std::uint32_t crc32c_hardware(ByteView first, ByteView second) {
  KEEL_ASSERT(crc32c_hardware_available(), "crc32c_hardware called without SSE4.2");
  return ~extend_inverted(extend_inverted(~0u, first), second);
}

#else

bool crc32c_hardware_available() { return false; }

std::uint32_t crc32c_extend_hardware(std::uint32_t, ByteView) {
  KEEL_UNREACHABLE("crc32c_extend_hardware called on a machine without it");
}

std::uint32_t crc32c_hardware(ByteView, ByteView) {
  KEEL_UNREACHABLE("crc32c_hardware called on a machine without it");
}

#endif

}  // namespace detail

std::uint32_t crc32c_extend(std::uint32_t crc, ByteView data) {
  return detail::crc32c_hardware_available() ? detail::crc32c_extend_hardware(crc, data)
                                             : detail::crc32c_extend_portable(crc, data);
}

std::uint32_t crc32c(ByteView data) { return crc32c_extend(0, data); }

std::uint32_t crc32c(ByteView first, ByteView second) {
  return detail::crc32c_hardware_available()
             ? detail::crc32c_hardware(first, second)
             : detail::crc32c_extend_portable(detail::crc32c_extend_portable(0, first), second);
}

}  // namespace keel::codec
