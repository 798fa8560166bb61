// Sha256 against FIPS 180-2's examples and digests of inputs around the padding boundaries
// (55, 56 and 64 bytes), fed whole and byte by byte.
#include "real/containers/sha256.h"

#include <gtest/gtest.h>

namespace keel::real::testing {
namespace {

std::string digest(std::string_view bytes) {
  Sha256 sha;
  sha.update(bytes);
  return sha.hex();
}

TEST(Sha256Test, MatchesKnownDigests) {
  EXPECT_EQ(digest(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(digest("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(digest(std::string(55, 'y')),
            "fb66d40c3bfff05b0d5af8612d0abfbfacc6f5f26c330bc7ad634f1f44bc20ad");
  EXPECT_EQ(digest(std::string(56, 'z')),
            "c66a5b692b9a20229733ef8b87cfec52679c86a0c0245643484c46d4dcd82afa");
  EXPECT_EQ(digest(std::string(64, 'x')),
            "7ce100971f64e7001e8fe5a51973ecdfe1ced42befe7ee8d5fd6219506b5393c");
}

TEST(Sha256Test, PiecesHashAsTheWhole) {
  Sha256 sha;
  const std::string million(1'000'000, 'a');
  for (std::size_t at = 0; at < million.size(); at += 999) {
    sha.update(std::string_view(million).substr(at, 999));
  }
  EXPECT_EQ(sha.hex(), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

}  // namespace
}  // namespace keel::real::testing
