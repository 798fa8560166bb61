// SmallBlockPool: memory for small, short-lived-or-not blocks, recycled through per-thread free
// lists instead of malloc. SharedBytes takes its blocks here (shared_bytes.h).
//
// Why: an entry's bytes are allocated when it is proposed or decoded and freed only once every
// holder lets go (after it is applied, sent and the log is compacted, thousands of allocations
// later). glibc's per-thread cache holds only 7 blocks per size, so nearly every such allocation
// and free takes malloc's slow paths (callgrind: ~180 instructions per operator new, ~100 per
// delete, for 51,000 SharedBytes per 20 simulated seconds). A free list as long as needed makes
// both a few loads and stores.
//
// Contract:
// - allocate(bytes) returns memory for `bytes` bytes, aligned as operator new's; release(block,
//   bytes) takes it back with the same `bytes`. Blocks of at most kMaxPooledBytes come from and
//   go back to size classes of kGranuleBytes; larger ones are operator new's.
// - Each thread has its own free lists (DESIGN.md principle 1: core code runs on one thread; no
//   lock is taken). A block released on another thread than the one that allocated it simply
//   joins that thread's lists.
// - Limits (DESIGN.md principle 6): a thread's lists hold at most kMaxFreeBytes; past that,
//   blocks go back to operator delete. A thread's free blocks are freed when it exits. The limit
//   is far above what a node frees at once (a log compaction frees ~10,000 entries' blocks, mostly
//   of 64 bytes), so the blocks it frees serve the allocations that follow.
// - Behaviour never depends on which block is handed out: only addresses differ.
#pragma once

#include <cstddef>

namespace keel {

class SmallBlockPool {
 public:
  static constexpr std::size_t kGranuleBytes = 64;
  static constexpr std::size_t kMaxPooledBytes = 1024;
  static constexpr std::size_t kMaxFreeBytes = std::size_t{8} << 20;

  static void* allocate(std::size_t bytes);
  static void release(void* block, std::size_t bytes);
  // How many free blocks this thread's lists hold, for tests.
  static std::size_t free_blocks();
};

}  // namespace keel
