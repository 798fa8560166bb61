#include "core/env/small_block_pool.h"

#include <sanitizer/asan_interface.h>

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

// A free block holds the link to the next one. Under AddressSanitizer the rest of a free block is
// poisoned, so a use after release is reported as it would be without the pool (the macros are
// empty in other builds).
struct FreeBlock {
  FreeBlock* next;
};
void poison_tail(FreeBlock* block, std::size_t bytes) {
  ASAN_POISON_MEMORY_REGION(reinterpret_cast<char*>(block) + sizeof(FreeBlock),
                            bytes - sizeof(FreeBlock));
}
void unpoison(void* block, std::size_t bytes) { ASAN_UNPOISON_MEMORY_REGION(block, bytes); }

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
    for (std::size_t c = 0; c < kClasses; ++c) {
      for (FreeBlock*& head = lists.heads[c]; head != nullptr;) {
        FreeBlock* block = std::exchange(head, head->next);
        unpoison(block, class_bytes(c));
        ::operator delete(block);
      }
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
  unpoison(block, class_bytes(c));
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
  poison_tail(lists.heads[c], class_bytes(c));
  ++lists.blocks;
  lists.bytes += class_bytes(c);
}

std::size_t SmallBlockPool::free_blocks() { return lists.blocks; }

}  // namespace keel
