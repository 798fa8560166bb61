#include "core/env/random.h"

#include "core/env/word_hash.h"

namespace keel {
namespace {

std::uint64_t splitmix64(std::uint64_t& state) {
  state += 0x9e3779b97f4a7c15ULL;
  return mix64(state);
}

}  // namespace

std::uint64_t hash_bytes(ByteView bytes, std::uint64_t seed) {
  return mix64(word_hash::absorb_bytes(mix64(seed ^ bytes.size()), bytes.data(), bytes.size()));
}

std::uint64_t stable_hash(std::string_view text, std::uint64_t seed) {
  std::uint64_t h = 0xcbf29ce484222325ULL ^ mix64(seed);
  for (char c : text) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001b3ULL;
  }
  return mix64(h);
}

Random::Random(std::uint64_t seed) : seed_(seed) {
  std::uint64_t s = seed;
  for (auto& word : state_) word = splitmix64(s);
}

Random Random::derive(std::string_view label) const { return Random(stable_hash(label, seed_)); }

}  // namespace keel
