#include "core/env/shared_bytes.h"

#include <cstring>
#include <new>

namespace keel {

SharedBytes::SharedBytes(ByteView bytes) {
  if (bytes.empty()) return;
  void* memory = ::operator new(sizeof(Block) + bytes.size());
  block_ = new (memory) Block{1, bytes.size()};
  std::memcpy(bytes_of(block_), bytes.data(), bytes.size());
}

void SharedBytes::release() {
  if (block_ == nullptr || --block_->references > 0) return;
  block_->~Block();
  ::operator delete(block_);
  block_ = nullptr;
}

}  // namespace keel
