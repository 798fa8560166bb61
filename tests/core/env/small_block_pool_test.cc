#include "core/env/small_block_pool.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <thread>
#include <vector>

namespace keel {
namespace {

// Takes every free block this thread's lists hold, so that a test starts from empty lists.
std::vector<std::pair<void*, std::size_t>> drain() {
  std::vector<std::pair<void*, std::size_t>> taken;
  for (std::size_t bytes = SmallBlockPool::kGranuleBytes; bytes <= SmallBlockPool::kMaxPooledBytes;
       bytes += SmallBlockPool::kGranuleBytes) {
    const std::size_t before = SmallBlockPool::free_blocks();
    void* block = SmallBlockPool::allocate(bytes);
    if (SmallBlockPool::free_blocks() < before) {
      taken.emplace_back(block, bytes);
      bytes -= SmallBlockPool::kGranuleBytes;  // this class may hold more
    } else {
      ::operator delete(block);
    }
  }
  return taken;
}

void give_back(const std::vector<std::pair<void*, std::size_t>>& blocks) {
  for (auto [block, bytes] : blocks) ::operator delete(block);
}

TEST(SmallBlockPool, ReleasedBlockServesTheNextAllocationOfItsClass) {
  const auto held = drain();
  void* a = SmallBlockPool::allocate(40);
  std::memset(a, 0xAB, 40);
  SmallBlockPool::release(a, 40);
  EXPECT_EQ(SmallBlockPool::free_blocks(), 1u);
  // Another size of the same class (up to kGranuleBytes) gets it back; a larger class does not.
  void* b = SmallBlockPool::allocate(SmallBlockPool::kGranuleBytes + 1);
  EXPECT_NE(b, a);
  void* c = SmallBlockPool::allocate(SmallBlockPool::kGranuleBytes);
  EXPECT_EQ(c, a);
  EXPECT_EQ(SmallBlockPool::free_blocks(), 0u);
  // The whole class size is usable.
  std::memset(c, 0xCD, SmallBlockPool::kGranuleBytes);
  SmallBlockPool::release(b, SmallBlockPool::kGranuleBytes + 1);
  SmallBlockPool::release(c, SmallBlockPool::kGranuleBytes);
  EXPECT_EQ(SmallBlockPool::free_blocks(), 2u);
  give_back(drain());
  give_back(held);
}

TEST(SmallBlockPool, LargeBlocksAreNotKept) {
  const auto held = drain();
  void* big = SmallBlockPool::allocate(SmallBlockPool::kMaxPooledBytes + 1);
  std::memset(big, 1, SmallBlockPool::kMaxPooledBytes + 1);
  SmallBlockPool::release(big, SmallBlockPool::kMaxPooledBytes + 1);
  EXPECT_EQ(SmallBlockPool::free_blocks(), 0u);
  give_back(held);
}

TEST(SmallBlockPool, FreeBytesStayWithinTheLimit) {
  const auto held = drain();
  const std::size_t limit_blocks = SmallBlockPool::kMaxFreeBytes / SmallBlockPool::kMaxPooledBytes;
  std::vector<void*> blocks;
  for (std::size_t i = 0; i < limit_blocks + 10; ++i) {
    blocks.push_back(SmallBlockPool::allocate(SmallBlockPool::kMaxPooledBytes));
  }
  for (void* block : blocks) SmallBlockPool::release(block, SmallBlockPool::kMaxPooledBytes);
  EXPECT_EQ(SmallBlockPool::free_blocks(), limit_blocks);
  give_back(drain());
  give_back(held);
}

TEST(SmallBlockPool, EachThreadHasItsOwnLists) {
  const auto held = drain();
  SmallBlockPool::release(SmallBlockPool::allocate(100), 100);
  std::size_t seen_by_other = 1;
  std::thread other([&] {
    seen_by_other = SmallBlockPool::free_blocks();
    SmallBlockPool::release(SmallBlockPool::allocate(100), 100);  // freed when it exits
  });
  other.join();
  EXPECT_EQ(seen_by_other, 0u);
  EXPECT_EQ(SmallBlockPool::free_blocks(), 1u);
  give_back(drain());
  give_back(held);
}

}  // namespace
}  // namespace keel
