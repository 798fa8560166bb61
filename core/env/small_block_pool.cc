#include "core/env/small_block_pool.h"

#include <array>
#include <new>
#include <utility>

#include "core/env/assert.h"

namespace keel {
namespace {

constexpr std::size_t kClasses = SmallBlockPool::kMaxPooledBytes / SmallBlockPool::kGranuleBytes;
static_assert(SmallBlockPool::kMaxPooledBytes % SmallBlockPool::kGranuleBytes == 0);

// Class c holds blocks of class_bytes(c) bytes.
std::size_t class_of(std::size_t bytes) { return (bytes - 1) / SmallBlockPool::kGranuleBytes; }
std::size_t class_bytes(std::size_t c) { return (c + 1) * SmallBlockPool::kGranuleBytes; }

// A free block holds the link to the next one.
struct FreeBlock {
  FreeBlock* next;
};

// Trivially destructible, so that it stays usable until the thread's storage goes: blocks freed
// after the Reaper ran (by thread-local or static objects destroyed later) go to operator delete.
struct FreeLists {
  std::array<FreeBlock*, kClasses> heads;
  std::size_t blocks;
  std::size_t bytes;  // in all blocks, at most kMaxFreeBytes
  bool reaper_armed;  // the Reaper is registered to run at thread exit
  bool closed;        // the Reaper ran: keep nothing more
};
constinit thread_local FreeLists lists{};

// Frees this thread's free blocks when it exits.
struct Reaper {
  ~Reaper() {
    for (FreeBlock*& head : lists.heads) {
      while (head != nullptr) ::operator delete(std::exchange(head, head->next));
    }
    lists.blocks = 0;
    lists.bytes = 0;
    lists.closed = true;
  }
};

void arm_reaper() {
  thread_local Reaper reaper;  // constructed, and its destructor registered, on first use
  (void)reaper;
  lists.reaper_armed = true;
}

}  // namespace

void* SmallBlockPool::allocate(std::size_t bytes) {
  KEEL_ASSERT(bytes > 0, "SmallBlockPool::allocate of 0 bytes");
  if (bytes > kMaxPooledBytes) return ::operator new(bytes);
  const std::size_t c = class_of(bytes);
  FreeBlock* block = lists.heads[c];
  if (block == nullptr) return ::operator new(class_bytes(c));
  lists.heads[c] = block->next;
  --lists.blocks;
  lists.bytes -= class_bytes(c);
  return block;
}

void SmallBlockPool::release(void* block, std::size_t bytes) {
  KEEL_ASSERT(bytes > 0, "SmallBlockPool::release of 0 bytes");
  if (bytes > kMaxPooledBytes) return ::operator delete(block);
  const std::size_t c = class_of(bytes);
  if (lists.bytes + class_bytes(c) > kMaxFreeBytes || lists.closed) {
    return ::operator delete(block);
  }
  if (!lists.reaper_armed) [[unlikely]]
    arm_reaper();
  lists.heads[c] = new (block) FreeBlock{lists.heads[c]};
  ++lists.blocks;
  lists.bytes += class_bytes(c);
}

std::size_t SmallBlockPool::free_blocks() { return lists.blocks; }

}  // namespace keel
