// Sha256: the SHA-256 digest of FIPS 180-4 (section 6.2), computed incrementally, for checking
// that image blobs are what their content addresses ("sha256:<hex>") say.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace keel::real {

class Sha256 {
 public:
  Sha256();
  void update(std::string_view bytes);
  // The digest as 64 lowercase hex digits. Ends the hashing: call once.
  std::string hex();

 private:
  void compress(const std::uint8_t* block);

  std::array<std::uint32_t, 8> state_;
  std::array<std::uint8_t, 64> buffer_{};
  std::size_t buffered_ = 0;
  std::uint64_t length_ = 0;  // bytes hashed
  bool finished_ = false;
};

}  // namespace keel::real
