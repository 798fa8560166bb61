#include "core/env/shared_bytes.h"

#include <cstring>
#include <limits>
#include <new>

#include "core/env/assert.h"

namespace keel {

SharedBytes::SharedBytes(ByteView bytes) {
  if (bytes.empty()) return;
  block_ = allocate(bytes.size());
  size_ = static_cast<std::uint32_t>(bytes.size());
  std::memcpy(bytes_of(block_), bytes.data(), bytes.size());
}

SharedBytes::Block* SharedBytes::allocate(std::size_t bytes) {
  KEEL_ASSERT(bytes <= std::numeric_limits<std::uint32_t>::max(), "SharedBytes of ", bytes,
              " bytes: over 4 GiB");
  void* memory = ::operator new(sizeof(Block) + bytes);
  return new (memory) Block{1};
}

void SharedBytes::free_block(Block* block) {
  KEEL_ASSERT(block->references == 0, "freeing a shared block still referred to ",
              block->references, " times");
  block->~Block();
  ::operator delete(block);
}

}  // namespace keel
