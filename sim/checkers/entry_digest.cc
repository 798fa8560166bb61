#include "sim/checkers/entry_digest.h"

#include <bit>
#include <cstring>

#include "core/env/random.h"

namespace keel::sim {
namespace {

static_assert(std::endian::native == std::endian::little,
              "words are loaded as they lie in memory; the digest is compared within a run only");

// One step: a bijection of the state for a fixed word, and of the word for a fixed state (an xor,
// a multiplication by an odd constant, a rotation), so two inputs differing in one word always
// leave different states; mix64 (splitmix64's finalizer) spreads the state at the end.
std::uint64_t fold(std::uint64_t state, std::uint64_t word) {
  return std::rotl((state ^ word) * 0x9e3779b97f4a7c15ULL, 29);
}

}  // namespace

std::uint64_t entry_digest(const raft::Entry& entry, std::uint64_t seed) {
  const std::uint8_t* bytes = entry.data.data();
  const std::size_t size = entry.data.size();
  std::uint64_t state = fold(fold(0x6b65656c2d646967ULL, seed),  // "keel-dig"
                             (static_cast<std::uint64_t>(entry.type) << 56) ^ size);
  std::size_t at = 0;
  for (; at + 8 <= size; at += 8) {
    std::uint64_t word;
    std::memcpy(&word, bytes + at, 8);
    state = fold(state, word);
  }
  if (at < size) {
    // The last 1..7 bytes, zero-extended. A memcpy of a variable length is a call into libc, so a
    // longer entry loads the eight bytes that end it and shifts off those already folded in.
    const std::size_t left = size - at;
    std::uint64_t word = 0;
    if (size >= 8) {
      std::memcpy(&word, bytes + size - 8, 8);
      word >>= 8 * (8 - left);
    } else {
      for (std::size_t k = 0; k < left; ++k) word |= std::uint64_t{bytes[at + k]} << (8 * k);
    }
    state = fold(state, word);
  }
  return mix64(state);
}

}  // namespace keel::sim
