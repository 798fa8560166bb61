#include "core/env/shared_bytes.h"

#include <cstring>
#include <limits>
#include <new>

#include "core/env/assert.h"
#include "core/env/small_block_pool.h"

namespace keel {

SharedBytes::SharedBytes(ByteView bytes) {
  if (bytes.empty()) return;
  KEEL_ASSERT(bytes.size() <= std::numeric_limits<std::uint32_t>::max(), "SharedBytes of ",
              bytes.size(), " bytes: over 4 GiB");
  const std::size_t block_bytes = sizeof(Block) + bytes.size();
  void* memory = SmallBlockPool::allocate(block_bytes);
  block_ = new (memory) Block{1, block_bytes};
  size_ = static_cast<std::uint32_t>(bytes.size());
  std::memcpy(bytes_of(block_), bytes.data(), bytes.size());
}

void SharedBytes::free_block(Block* block) {
  KEEL_ASSERT(block->references == 0, "freeing a shared block still referred to ",
              block->references, " times");
  const std::size_t block_bytes = block->bytes;
  block->~Block();
  SmallBlockPool::release(block, block_bytes);
}

}  // namespace keel
