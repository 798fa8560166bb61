#include "core/codec/crc32c_combine.h"

#include <array>
#include <cstddef>

namespace keel::codec {
namespace {

// CRC32C's polynomial 0x1EDC6F41, bit-reflected: bit 31 holds x^0 and bit 0 holds x^31.
constexpr std::uint32_t kReflectedPolynomial = 0x82F63B78;
constexpr std::uint32_t kOne = 1u << 31;  // the polynomial 1 (x^0), reflected

// a * b modulo the CRC polynomial, both reflected.
constexpr std::uint32_t multiply(std::uint32_t a, std::uint32_t b) {
  std::uint32_t product = 0;
  for (std::uint32_t bit = kOne; bit != 0; bit >>= 1) {
    if ((a & bit) != 0) product ^= b;
    b = (b & 1) != 0 ? (b >> 1) ^ kReflectedPolynomial : b >> 1;  // b *= x
  }
  return product;
}

// powers[k] = x^(2^k) modulo the polynomial, for every bit of a 64-bit length counted in bits
// (k = 3 .. 66).
constexpr std::array<std::uint32_t, 67> make_powers() {
  std::array<std::uint32_t, 67> powers{};
  powers[0] = kOne >> 1;  // x^1
  for (std::size_t k = 1; k < powers.size(); ++k)
    powers[k] = multiply(powers[k - 1], powers[k - 1]);
  return powers;
}
constexpr std::array<std::uint32_t, 67> kPowers = make_powers();

}  // namespace

std::uint32_t crc32c_combine(std::uint32_t crc_first, std::uint32_t crc_second,
                             std::uint64_t second_length) {
  // x^(8 * second_length): bit k of the length contributes x^(2^(k + 3)).
  std::uint32_t shift = kOne;
  for (std::size_t k = 3; second_length != 0; second_length >>= 1, ++k) {
    if ((second_length & 1) != 0) shift = multiply(kPowers[k], shift);
  }
  return multiply(shift, crc_first) ^ crc_second;
}

}  // namespace keel::codec
