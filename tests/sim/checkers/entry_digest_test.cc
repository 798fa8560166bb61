#include "sim/checkers/entry_digest.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace keel::sim {
namespace {

raft::Entry entry(const Bytes& data, raft::EntryType type = raft::EntryType::kNormal) {
  raft::Entry e;
  e.term = 1;
  e.index = 1;
  e.type = type;
  e.data = SharedBytes(data);
  return e;
}

TEST(EntryDigest, EqualEntriesFromDifferentBuffersAgree) {
  const Bytes bytes = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11};
  raft::Entry a = entry(bytes);
  raft::Entry b = entry(Bytes(bytes));
  b.index = 7;  // only the term, type and bytes are digested
  EXPECT_EQ(entry_digest(a), entry_digest(b));
  EXPECT_EQ(entry_digest(a, 5), entry_digest(b, 5));
}

TEST(EntryDigest, EveryOneBitChangeOfTheBytesChangesIt) {
  for (std::size_t size = 1; size <= 40; ++size) {
    Bytes bytes(size);
    for (std::size_t i = 0; i < size; ++i) bytes[i] = static_cast<std::uint8_t>(i * 37);
    const std::uint64_t original = entry_digest(entry(bytes));
    for (std::size_t i = 0; i < size; ++i) {
      for (int bit = 0; bit < 8; ++bit) {
        Bytes changed = bytes;
        changed[i] ^= static_cast<std::uint8_t>(1 << bit);
        EXPECT_NE(entry_digest(entry(changed)), original) << "size " << size << " byte " << i;
      }
    }
  }
}

TEST(EntryDigest, LengthTypeAndSeedEachChangeIt) {
  const Bytes ab = {'a', 'b'};
  const Bytes ab0 = {'a', 'b', 0};
  EXPECT_NE(entry_digest(entry(ab)), entry_digest(entry(ab0)));  // zero padding is not ambiguous
  EXPECT_NE(entry_digest(entry({})), entry_digest(entry({0})));
  EXPECT_NE(entry_digest(entry(ab)), entry_digest(entry(ab, raft::EntryType::kConfChange)));
  EXPECT_NE(entry_digest(entry(ab), 1), entry_digest(entry(ab), 2));
  EXPECT_NE(entry_digest(entry(ab), 0), entry_digest(entry(ab), 1));
}

TEST(EntryDigest, TheTermChangesIt) {
  const Bytes bytes = {'c', '1', '-', '4', '2'};
  raft::Entry later = entry(bytes);
  later.term = 2;
  EXPECT_NE(entry_digest(entry(bytes)), entry_digest(later));
  EXPECT_NE(entry_digest(entry(bytes), 9), entry_digest(later, 9));
}

// The checker's chains seed each entry's digest with the chain before it: distinct chains stay
// distinct through an equal entry.
TEST(EntryDigest, DistinctSeedsStayDistinct) {
  const raft::Entry same = entry({'c', '3', '-', '1', '7', '7', '0', '1', '2'});
  std::set<std::uint64_t> seen;
  constexpr std::uint64_t kCount = 50000;
  for (std::uint64_t seed = 0; seed < kCount; ++seed) seen.insert(entry_digest(same, seed));
  EXPECT_EQ(seen.size(), kCount);
}

// Structured inputs, as a workload makes them (counters in otherwise equal bytes), do not collide.
TEST(EntryDigest, NoCollisionsAmongCounters) {
  std::set<std::uint64_t> seen;
  constexpr int kCount = 50000;
  for (int i = 0; i < kCount; ++i) {
    Bytes bytes(12, 0x20);
    for (int k = 0; k < 4; ++k) bytes[4 + k] = static_cast<std::uint8_t>(i >> (8 * k));
    seen.insert(entry_digest(entry(bytes), static_cast<std::uint64_t>(i % 3 + 1)));
  }
  EXPECT_EQ(seen.size(), static_cast<std::size_t>(kCount));
}

// Chains as the checker builds them (each entry's digest seeded with the chain before it), over a
// workload's values: every prefix has its own chain, and two logs that differ in one early entry
// keep differing chains after it.
TEST(EntryDigest, ChainsOfClientValuesStayDistinct) {
  auto value = [](int number) {
    const std::string text = "c7-" + std::to_string(number);
    return entry(Bytes(text.begin(), text.end()));
  };
  std::set<std::uint64_t> seen;
  std::uint64_t chain = 0;
  std::uint64_t other = entry_digest(value(-1));  // the other log's first entry differs
  constexpr int kCount = 50000;
  for (int number = 0; number < kCount; ++number) {
    if (number > 0) other = entry_digest(value(number), other);
    chain = entry_digest(value(number), chain);
    seen.insert(chain);
    ASSERT_NE(chain, other) << "entry " << number;
  }
  EXPECT_EQ(seen.size(), static_cast<std::size_t>(kCount));
}

}  // namespace
}  // namespace keel::sim
